# syntax=docker/dockerfile:1
FROM node:22-alpine AS build
ARG NODE_VERSION=22
# a public key fingerprint and paths to secrets are not secrets
ENV GPG_KEY=B26995E310250568 PASSWORD_FILE=/run/secrets/db_password NPM_TOKEN=""
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
COPY .env.example /app/.env.example
COPY keys/signing.pub /etc/keys/
COPY src/ /app/src/

FROM node:22-alpine
COPY --from=build /root/.npmrc /tmp/unused
USER node
