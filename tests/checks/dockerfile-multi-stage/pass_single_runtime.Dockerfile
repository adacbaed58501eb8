FROM python:3.12-slim
# build packages removed in the same RUN do not stay in the image
RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev \
    && pip install --no-cache-dir psycopg2==2.9.9 \
    && apt-get purge -y gcc libpq-dev && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*
RUN apk add --no-cache --virtual .build-deps musl-dev && apk del .build-deps
COPY app/ /app/
CMD ["python", "/app/main.py"]
