# expect: 3: HEALTHCHECK is overridden by the one on line 5; only the last applies
FROM nginx:1.27
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
COPY site/ /usr/share/nginx/html/
HEALTHCHECK --interval=30s CMD curl -f http://localhost/healthz || exit 1
