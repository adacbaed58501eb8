# expect: 8: MAINTAINER is deprecated; use LABEL org.opencontainers.image.authors
# expect: 9: RUN pipes "curl" into "sh" without "set -o pipefail", so a failing "curl" goes unnoticed
# expect: 10: WORKDIR "app" is relative; use an absolute path
# expect: 11: RUN starts with "cd /src"; use WORKDIR to change directory
# expect: 14: CMD is overridden by the CMD on line 15; only the last one applies
# expect: 15: CMD uses the shell form, so the process runs under /bin/sh -c and does not receive SIGTERM
FROM debian:12
MAINTAINER ops@example.com
RUN curl -fsSL https://example.com/install.sh | sh
WORKDIR app
RUN cd /src && make install
RUN set -o pipefail && wget -qO- https://example.com/key.asc | gpg --dearmor > /usr/share/keyrings/example.gpg
ENTRYPOINT ["/entrypoint.sh"]
CMD ["--help"]
CMD python app.py
