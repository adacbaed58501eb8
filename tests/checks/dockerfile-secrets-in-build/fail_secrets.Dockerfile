# expect: 9: ARG "NPM_TOKEN" passes a secret at build time; build arguments stay in the image history
# expect: 10: ENV "DB_PASSWORD" bakes a secret-like value into the image
# expect: 11: ENV "API_KEY" bakes a secret-like value into the image
# expect: 12: COPY copies the secret file ".npmrc" into the image
# expect: 13: COPY copies the secret file "deploy/id_rsa" into the image
# expect: 14: ADD copies the secret file "certs/server.key" into the image
# expect: 15: COPY copies the secret file ".env" into the image
FROM node:22-alpine
ARG NPM_TOKEN
ENV NODE_ENV=production DB_PASSWORD=hunter2
ENV API_KEY ${NPM_TOKEN}
COPY .npmrc /root/.npmrc
COPY --chown=node deploy/id_rsa /home/node/.ssh/
ADD certs/server.key /etc/ssl/private/
COPY [".env", "/app/.env"]
