FROM debian:12
ARG EXTRA_PACKAGES
# versions, release pins, local .deb files and variables (hadolint #928, #345, #177)
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 \
    && apt-get install -y -t bookworm-backports golang \
    && apt-get install -y ./vendor/tool_1.0_amd64.deb git/bookworm ${EXTRA_PACKAGES} \
    && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir -r requirements.txt && pip install --no-cache-dir . && pip install -c constraints.txt flask
RUN npm ci && npm install && npm install -g pnpm@9.12.0 @scope/tool@1.2.3
RUN gem install bundler -v 2.5.22 && gem install rake:13.2.1
RUN go install golang.org/x/tools/gopls@v0.16.2 && go install ./cmd/...
RUN dnf install -y jq-1.6 && zypper in -y git-core=2.43.0
RUN apk add --no-cache curl=8.9.1-r2 bash~5.2
