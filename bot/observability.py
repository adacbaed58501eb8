"""Metrics (Prometheus text format) and JSON logs, shared by the web app and the workers.

Each app or worker owns one `Metrics` with its own registry, so tests and several apps in one
process never clash. Queue depth is read from the database at scrape time (every replica reports the
same numbers: the queue is shared).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime, timezone
from typing import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class _QueueDepth:
    def __init__(self) -> None:
        self.source: Callable[[], dict[str, int]] | None = None

    def collect(self):
        family = GaugeMetricFamily("chartwarden_queue_jobs", "Jobs in the queue by state.", labels=["state"])
        if self.source is not None:
            try:
                depth = self.source()
            except Exception:  # an unreachable database shows as a missing series, not a failed scrape
                depth = {}
            for state, count in sorted(depth.items()):
                family.add_metric([state], count)
        yield family


class Metrics:
    def __init__(self, registry: CollectorRegistry | None = None):
        self.registry = registry or CollectorRegistry()
        self.deliveries = Counter(
            "chartwarden_webhook_deliveries", "Webhook deliveries received, by event and outcome.",
            ["event", "outcome"], registry=self.registry,
        )
        self.jobs = Counter("chartwarden_jobs_finished", "Job attempts finished, by event and outcome.",
                            ["event", "outcome"], registry=self.registry)
        self.job_duration = Histogram(
            "chartwarden_job_duration_seconds", "Time a worker spent on one job attempt.", ["event"],
            buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600), registry=self.registry,
        )
        self.github_requests = Counter(
            "chartwarden_github_requests", "Requests sent to the GitHub API, by method and status code.",
            ["method", "status"], registry=self.registry,
        )
        self.rate_limit_remaining = Gauge(
            "chartwarden_github_rate_limit_remaining", "x-ratelimit-remaining of the last GitHub response.",
            ["resource"], registry=self.registry,
        )
        self.redeliveries = Counter(
            "chartwarden_redeliveries", "Failed deliveries the sweeper asked GitHub to redeliver, by outcome.",
            ["outcome"], registry=self.registry,
        )
        self.sweeps = Counter("chartwarden_sweeps", "Sweeps of the App's webhook delivery log.", registry=self.registry)
        self._depth = _QueueDepth()
        self.registry.register(self._depth)

    def watch_queue(self, depth: Callable[[], dict[str, int]]) -> None:
        self._depth.source = depth

    def job_finished(self, event: str, outcome: str, seconds: float) -> None:
        self.jobs.labels(event=event, outcome=outcome).inc()
        self.job_duration.labels(event=event).observe(seconds)

    def swept(self, result) -> None:
        self.sweeps.inc()
        for outcome, guids in (("requested", result.requested), ("refused", result.refused), ("error", result.errors)):
            if guids:
                self.redeliveries.labels(outcome=outcome).inc(len(guids))

    def github_response(self, method: str, status: int, headers) -> None:
        self.github_requests.labels(method=method, status=str(status)).inc()
        remaining = headers.get("x-ratelimit-remaining")
        if remaining is not None and remaining.isdigit():
            self.rate_limit_remaining.labels(resource=headers.get("x-ratelimit-resource", "core")).set(int(remaining))

    def render(self) -> bytes:
        return generate_latest(self.registry)


_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and every `extra=` field."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                data[key] = value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


class ContextLogger(logging.LoggerAdapter):
    """Adds fixed fields (delivery id, job id, ...) to every record, keeping each call's own `extra`."""

    def process(self, msg, kwargs):
        kwargs["extra"] = {**(self.extra or {}), **(kwargs.get("extra") or {})}
        return msg, kwargs


def configure_logging(level: str = "INFO", stream=None) -> None:
    """JSON lines on stderr for the `chartwarden` loggers and uvicorn's (idempotent)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.set_name("chartwarden-json")
    for name in ("chartwarden", "uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers = [h for h in logger.handlers if h.get_name() != "chartwarden-json"] + [handler]
        logger.setLevel(level)
        logger.propagate = False
