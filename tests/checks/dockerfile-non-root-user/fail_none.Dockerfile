# expect: 2: final stage sets no USER, so the container runs as root
FROM alpine:3.20
CMD ["sh"]
