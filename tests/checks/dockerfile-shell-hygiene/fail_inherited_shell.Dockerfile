# expect: 8: RUN pipes "wget" into "tar" without "set -o pipefail", so a failing "wget" goes unnoticed
FROM alpine:3.20 AS base
SHELL ["/bin/ash", "-eo", "pipefail", "-c"]
RUN wget -qO- https://example.com/a | tar xz

# a new stage from another image starts with the default shell again
FROM alpine:3.20
RUN wget -qO- https://example.com/b | tar xz
ENTRYPOINT exec /app
