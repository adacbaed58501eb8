ARG BUILDER_IMAGE
FROM golang:1.23@sha256:0b970013351304af46f322da1263516b188318682b2ab1091862497591189ff1 AS build
RUN go build -o /out/app .

# an image only known at build time (no default) cannot be judged
FROM ${BUILDER_IMAGE} AS extra

# earlier stages and scratch are not images to pin
FROM build AS test
FROM scratch
COPY --from=build /out/app /app
