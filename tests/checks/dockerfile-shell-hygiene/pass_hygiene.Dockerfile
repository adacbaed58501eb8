# a Windows stage: PowerShell has no pipefail, and drive paths are absolute
FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS win
SHELL ["powershell", "-Command"]
RUN Get-ChildItem C:\ | Select-Object Name
WORKDIR C:\\app

FROM debian:12 AS base
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
LABEL org.opencontainers.image.authors="ops@example.com"
WORKDIR /src
RUN curl -fsSL https://example.com/install.sh | bash
# "||" is not a pipe, and a RUN that changes directory later on is fine
RUN test -f /etc/os-release || exit 1
RUN make -C /src && cd / && rm -rf /src
# a shell-form CMD that the final stage overrides never runs
CMD python3 app.py

# the SHELL of the stage it is built FROM carries over
FROM base
ARG APP_HOME=/app
WORKDIR $APP_HOME
RUN wget -qO- https://example.com/b | tar xz
ENTRYPOINT ["tini", "--"]
CMD ["python3", "-m", "http.server"]
