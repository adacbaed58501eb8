FROM alpine:3.20
# no health check on purpose: the chart's probes do the job
HEALTHCHECK NONE
CMD ["sleep", "infinity"]
