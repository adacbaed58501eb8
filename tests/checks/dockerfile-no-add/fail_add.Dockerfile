# expect: 6: ADD downloads "https://example.com/tool-1.2.tar.gz" without --checksum
# expect: 7: ADD downloads "https://github.com/acme/lib.git#v1.0" without --checksum
# expect: 8: ADD copies local "app.py", "config/"; use COPY
# expect: 9: ADD copies local "settings.json"; use COPY
FROM alpine:3.20
ADD https://example.com/tool-1.2.tar.gz /opt/
ADD https://github.com/acme/lib.git#v1.0 /src/lib
ADD --chown=10001 app.py config/ /app/
ADD ["dist/bundle.tar.gz", "settings.json", "/srv/"]
