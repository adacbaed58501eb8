# expect: 9: FROM "golang" has no tag, so it pulls whatever "latest" points to
# expect: 11: FROM "node:latest" uses the mutable tag "latest"
# expect: 13: FROM "${BASE}" (resolves to "python:3.12-slim") is not pinned by digest
# expect: 15: FROM "$RUNTIME" (resolves to "gcr.io/distroless/base") has no tag, so it pulls whatever "latest" points to
ARG PY=3.12
ARG BASE=python:${PY}-slim
ARG RUNTIME=gcr.io/distroless/base

FROM golang AS build

FROM --platform=$BUILDPLATFORM node:latest AS assets

FROM ${BASE} AS app

FROM $RUNTIME
COPY --from=build /out/app /app
