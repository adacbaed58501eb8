"""Service settings: read from the environment once, at start-up, into a frozen object.

Required: CHARTWARDEN_APP_ID, CHARTWARDEN_PRIVATE_KEY (PEM text) or CHARTWARDEN_PRIVATE_KEY_FILE,
CHARTWARDEN_WEBHOOK_SECRET. Everything else has a default (see `Settings`). What is missing or
malformed is reported in one line naming every variable at fault. Handlers never read the
environment: they get what they need from the objects built here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from bot.store import default_sqlite_url, normalise_url


class SettingsError(ValueError):
    """One line that names every variable at fault."""


def data_dir_from_env(environ: Mapping[str, str]) -> Path:
    given = environ.get("CHARTWARDEN_DATA_DIR")
    if given:
        return Path(given).expanduser().resolve()
    import platformdirs

    return Path(platformdirs.user_data_dir("chartwarden")).resolve()


@dataclass(frozen=True)
class Settings:
    app_id: int
    private_key: str = field(repr=False)
    webhook_secret: str = field(repr=False)
    webhook_secret_previous: str = field(default="", repr=False)  # accepted too, while rotating
    database_url: str = ""  # default: SQLite file chartwarden.db in data_dir
    data_dir: Path = Path(".")
    github_api_url: str = "https://api.github.com/"
    app_slug: str = "chartwarden"
    check_name: str = "Chartwarden"
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    job_lease_seconds: float = 120.0
    job_max_attempts: int = 5
    job_backoff_seconds: float = 15.0
    worker_poll_seconds: float = 1.0
    db_pool_size: int = 10  # PostgreSQL: deliveries written at once by one `serve` process (see bot/app.py)
    worker_metrics_port: int = 0  # `chartwarden worker` serves /metrics here when set
    rate_limit_max_wait_seconds: float = 60.0
    sweep_seconds: float = 300.0  # redelivery sweeper interval where a worker runs; 0 = off
    max_tarball_bytes: int = 100 * 1024 * 1024
    max_unpacked_bytes: int = 500 * 1024 * 1024
    max_files: int = 20_000
    audit_processes: int = 2  # child processes for audits (0: audit in a thread of the worker)

    def __post_init__(self):
        if not self.database_url:
            object.__setattr__(self, "database_url", default_sqlite_url(self.data_dir))
        else:
            object.__setattr__(self, "database_url", normalise_url(self.database_url))

    @property
    def webhook_secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self.webhook_secret, self.webhook_secret_previous) if s)

    @property
    def bot_login(self) -> str:
        return f"{self.app_slug}[bot]"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if environ is None else environ
        problems: list[str] = []

        def text(name: str, default: str = "") -> str:
            return env.get(name, "").strip() or default

        def number(name: str, default, kind=int):
            raw = text(name)
            if not raw:
                return default
            try:
                value = kind(raw)
            except ValueError:
                problems.append(f"{name}={raw!r} is not a {'whole ' if kind is int else ''}number")
                return default
            if value < 0:
                problems.append(f"{name} must not be negative")
            return value

        app_id_text = text("CHARTWARDEN_APP_ID")
        app_id = 0
        if not app_id_text:
            problems.append("CHARTWARDEN_APP_ID is not set (the GitHub App's numeric id)")
        elif not app_id_text.isdigit():
            problems.append(f"CHARTWARDEN_APP_ID={app_id_text!r} is not a numeric App id")
        else:
            app_id = int(app_id_text)

        private_key = env.get("CHARTWARDEN_PRIVATE_KEY", "").strip()
        key_file = text("CHARTWARDEN_PRIVATE_KEY_FILE")
        if not private_key and key_file:
            try:
                private_key = Path(key_file).expanduser().read_text(encoding="utf-8").strip()
            except OSError as exc:
                problems.append(f"CHARTWARDEN_PRIVATE_KEY_FILE={key_file}: cannot read: {exc.strerror}")
                private_key = None
        if private_key == "":
            problems.append("CHARTWARDEN_PRIVATE_KEY or CHARTWARDEN_PRIVATE_KEY_FILE is not set (the App's PEM private key)")
        elif private_key and not private_key.startswith("-----BEGIN"):
            where = "CHARTWARDEN_PRIVATE_KEY_FILE" if key_file and not env.get("CHARTWARDEN_PRIVATE_KEY") else "CHARTWARDEN_PRIVATE_KEY"
            problems.append(f"{where} does not hold a PEM private key (expected '-----BEGIN ... PRIVATE KEY-----')")

        secret = env.get("CHARTWARDEN_WEBHOOK_SECRET", "")
        if not secret:
            problems.append("CHARTWARDEN_WEBHOOK_SECRET is not set (the App's webhook secret)")

        values = dict(
            webhook_secret_previous=env.get("CHARTWARDEN_WEBHOOK_SECRET_PREVIOUS", ""),
            database_url=text("DATABASE_URL"),
            data_dir=data_dir_from_env(env),
            github_api_url=text("CHARTWARDEN_GITHUB_API_URL", cls.github_api_url),
            app_slug=text("CHARTWARDEN_APP_SLUG", cls.app_slug),
            check_name=text("CHARTWARDEN_CHECK_NAME", cls.check_name),
            host=text("CHARTWARDEN_HOST", cls.host),
            port=number("CHARTWARDEN_PORT", cls.port),
            log_level=text("CHARTWARDEN_LOG_LEVEL", cls.log_level).upper(),
            job_lease_seconds=number("CHARTWARDEN_JOB_LEASE_SECONDS", cls.job_lease_seconds, float),
            job_max_attempts=number("CHARTWARDEN_JOB_MAX_ATTEMPTS", cls.job_max_attempts),
            job_backoff_seconds=number("CHARTWARDEN_JOB_BACKOFF_SECONDS", cls.job_backoff_seconds, float),
            worker_poll_seconds=number("CHARTWARDEN_WORKER_POLL_SECONDS", cls.worker_poll_seconds, float),
            db_pool_size=number("CHARTWARDEN_DB_POOL_SIZE", cls.db_pool_size),
            worker_metrics_port=number("CHARTWARDEN_WORKER_METRICS_PORT", cls.worker_metrics_port),
            rate_limit_max_wait_seconds=number("CHARTWARDEN_RATE_LIMIT_MAX_WAIT_SECONDS", cls.rate_limit_max_wait_seconds, float),
            sweep_seconds=number("CHARTWARDEN_SWEEP_SECONDS", cls.sweep_seconds, float),
            max_tarball_bytes=number("CHARTWARDEN_MAX_TARBALL_BYTES", cls.max_tarball_bytes),
            max_unpacked_bytes=number("CHARTWARDEN_MAX_UNPACKED_BYTES", cls.max_unpacked_bytes),
            max_files=number("CHARTWARDEN_MAX_FILES", cls.max_files),
            audit_processes=number("CHARTWARDEN_AUDIT_PROCESSES", cls.audit_processes),
        )
        if values["log_level"] not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            problems.append(f"CHARTWARDEN_LOG_LEVEL={values['log_level']!r} is not one of DEBUG, INFO, WARNING, ERROR")
        if values["job_lease_seconds"] == 0:
            problems.append("CHARTWARDEN_JOB_LEASE_SECONDS must be above 0")
        if values["db_pool_size"] == 0:
            problems.append("CHARTWARDEN_DB_POOL_SIZE must be at least 1")
        if values["job_max_attempts"] == 0:
            problems.append("CHARTWARDEN_JOB_MAX_ATTEMPTS must be at least 1")
        if problems:
            raise SettingsError("; ".join(problems))
        return cls(app_id=app_id, private_key=private_key, webhook_secret=secret, **values)
