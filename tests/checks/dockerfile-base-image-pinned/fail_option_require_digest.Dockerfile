# options: {"requireDigest": false}
# requireDigest: false turns off only the digest finding: no tag and "latest" are still reported.
# expect: 5: FROM "golang" has no tag, so it pulls whatever "latest" points to
# expect: 8: FROM "node:latest" uses the mutable tag "latest"
FROM golang AS build
RUN go build -o /out/app .

FROM node:latest AS assets

FROM python:3.12-slim
COPY --from=build /out/app /app
