# expect: 11: apt-get install does not pin versions: "curl", "git"
# expect: 13: apk add does not pin versions: "gcc", "musl-dev"
# expect: 14: pip install does not pin versions: "flask", "gunicorn>=22"
# expect: 15: npm install does not pin versions: "pnpm", "@angular/cli@latest"
# expect: 16: gem install does not pin versions: "bundler"
# expect: 17: go install does not pin versions: "golang.org/x/tools/gopls@latest"
# expect: 18: dnf install does not pin versions: "jq"
# expect: 19: zypper install does not pin versions: "git-core"
# expect: 20: apt-get install does not pin versions: "a", "b", "c", "d" and 2 more
FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends curl git ca-certificates=20230311 \
    && rm -rf /var/lib/apt/lists/*
RUN apk add --no-cache --virtual .build-deps gcc musl-dev zlib-dev=1.3.1-r1
RUN python3 -m pip install --no-cache-dir flask "gunicorn>=22" requests==2.32.3
RUN npm install -g pnpm @angular/cli@latest typescript@5.6.3
RUN gem install bundler
RUN go install golang.org/x/tools/gopls@latest
RUN dnf install -y jq openssl-3.0.7
RUN zypper --non-interactive install git-core
RUN apt-get install -y a b c d e f
