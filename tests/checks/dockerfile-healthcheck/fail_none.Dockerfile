# expect: 6: final image defines no HEALTHCHECK
FROM golang:1.23 AS build
# a health check in a build stage does not reach the final image
HEALTHCHECK CMD ["true"]
RUN go build -o /out/app .
FROM gcr.io/distroless/static:nonroot
COPY --from=build /out/app /app
CMD ["/app"]
