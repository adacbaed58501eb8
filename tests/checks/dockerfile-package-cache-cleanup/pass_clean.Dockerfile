# syntax=docker/dockerfile:1
FROM python:3.12-slim AS build
# build stages may keep caches: nothing from them ships except what is copied
RUN apt-get update && apt-get install -y gcc
RUN pip install --user -r requirements.txt

FROM python:3.12-slim
ENV PIP_NO_CACHE_DIR=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
RUN apt-get update && apt-get -qq -o APT::Install-Recommends=false install tini && rm -rf /var/lib/apt/lists/*
RUN --mount=type=cache,target=/var/cache/apt --mount=type=cache,target=/var/lib/apt \
    apt-get update && apt-get install -y --no-install-recommends jq
RUN pip install -r requirements.txt
RUN --mount=type=cache,target=/root/.cache/pip pip install --upgrade pip
RUN apk add --no-cache bash && apk update && apk add git && rm -rf /var/cache/apk/*
RUN yarn install --frozen-lockfile && yarn cache clean
RUN dnf install -y jq-1.6 && dnf clean all
RUN microdnf install -y shadow-utils-4.9 && microdnf clean all
RUN zypper install -y git-core=2.43 && zypper clean --all
COPY --from=build /root/.local /root/.local
