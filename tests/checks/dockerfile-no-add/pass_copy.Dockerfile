FROM alpine:3.20
# local archives: ADD unpacks them, which COPY cannot do (hadolint DL3020 exemption)
ADD rootfs.tar.xz /
ADD vendor.tgz /opt/vendor/
# a download pinned by checksum
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/tool.bin /usr/local/bin/tool
# a source only known at build time
ARG PAYLOAD
ADD ${PAYLOAD} /payload/
COPY app.py /app/
