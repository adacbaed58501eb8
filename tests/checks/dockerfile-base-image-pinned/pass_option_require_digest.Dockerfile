# options: {"requireDigest": false}
# Tagged images without a digest are reported by default; requireDigest: false accepts them.
ARG PY=3.12
FROM golang:1.23 AS build
RUN go build -o /out/app .

FROM python:${PY}-slim
COPY --from=build /out/app /app
