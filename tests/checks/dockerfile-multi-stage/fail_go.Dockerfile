# expect: 2: single-stage build ships its build toolchain in the final image: base image "golang:1.23"; runs "go build"
FROM golang:1.23
WORKDIR /src
COPY . .
RUN go build -o /usr/local/bin/app ./cmd/app
CMD ["app"]
