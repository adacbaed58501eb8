# expect: 3: single-stage build ships its build toolchain in the final image: installs "build-essential", "libpq-dev"; runs "npm run build"
FROM node:22-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends build-essential libpq-dev curl=7.88.1-10 && rm -rf /var/lib/apt/lists/*
COPY . /app
RUN cd /app && npm ci && npm run build
CMD ["node", "/app/dist/server.js"]
