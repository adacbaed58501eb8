# expect: 6: final stage runs as root
FROM golang:1.23 AS build
USER 1000
FROM alpine:3.20
COPY --from=build /app /app
USER root
