"""The service's tables and database engines: SQLite by default, PostgreSQL in production.

Tables: `deliveries` (one row per webhook delivery id, the idempotency key), `jobs` (the durable
queue, see bot/queue.py), `installations` (App installations seen through webhooks) and
`redeliveries` (the failed deliveries the sweeper asked GitHub to send again, see bot/sweeper.py) and
`removed_repositories` (repositories taken out of an installation: their jobs are skipped).
The schema is created and upgraded by the Alembic migrations under migrations/ (`migrate()`).
Times are naive UTC datetimes from the caller's clock.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Field, SQLModel

def _migrations_dir() -> Path:
    """migrations/ beside bot/ in a checkout, else the installed `migrations` package."""
    beside = Path(__file__).resolve().parent.parent / "migrations"
    if (beside / "env.py").is_file():
        return beside
    import importlib.util

    spec = importlib.util.find_spec("migrations")
    if spec is None or not spec.origin:
        raise RuntimeError("the Alembic migrations are not installed (package `migrations`)")
    return Path(spec.origin).parent


MIGRATIONS = _migrations_dir()


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class DeliveryRecord(SQLModel, table=True):
    __tablename__ = "deliveries"

    delivery_id: str = Field(primary_key=True, max_length=64)
    event: str = Field(max_length=64)
    action: str = Field(default="", max_length=64)
    installation_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    repository: str = Field(default="", max_length=200)
    outcome: str = Field(max_length=16)  # "queued" or "ignored"
    job_id: int | None = Field(default=None)
    received_at: datetime = Field(sa_type=sa.DateTime, default_factory=utcnow)


class Job(SQLModel, table=True):
    __tablename__ = "jobs"
    __table_args__ = (
        sa.Index("ix_jobs_claim", "state", "run_after"),
        sa.Index("ix_jobs_supersede_head", "supersede_key", "state", "head_sha"),  # bot/queue.py, supersede
    )

    id: int | None = Field(default=None, primary_key=True)
    delivery_id: str = Field(default="", max_length=64, index=True)
    event: str = Field(max_length=64)
    action: str = Field(default="", max_length=64)
    installation_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    repository: str = Field(default="", max_length=200)
    pr_number: int | None = Field(default=None)
    head_sha: str = Field(default="", max_length=64)
    supersede_key: str = Field(default="", max_length=250)  # "owner/repo#12" for PR audits, else ""
    payload: str = Field(default="{}", sa_type=sa.Text)
    state: str = Field(default="queued", max_length=16)  # queued | running | done | dead | superseded
    attempts: int = Field(default=0)
    max_attempts: int = Field(default=5)
    run_after: datetime = Field(sa_type=sa.DateTime, default_factory=utcnow)
    lease_owner: str = Field(default="", max_length=200)
    lease_token: str = Field(default="", max_length=64)
    lease_expires_at: datetime | None = Field(sa_type=sa.DateTime, default=None)
    last_error: str = Field(default="", sa_type=sa.Text)
    superseded_by: int | None = Field(default=None)
    created_at: datetime = Field(sa_type=sa.DateTime, default_factory=utcnow)
    started_at: datetime | None = Field(sa_type=sa.DateTime, default=None)
    finished_at: datetime | None = Field(sa_type=sa.DateTime, default=None)


class Installation(SQLModel, table=True):
    __tablename__ = "installations"

    id: int = Field(primary_key=True, sa_type=sa.BigInteger, sa_column_kwargs={"autoincrement": False})
    account_login: str = Field(default="", max_length=200)
    account_type: str = Field(default="", max_length=32)
    target_type: str = Field(default="", max_length=32)
    repository_selection: str = Field(default="", max_length=16)
    created_at: datetime = Field(sa_type=sa.DateTime, default_factory=utcnow)
    updated_at: datetime = Field(sa_type=sa.DateTime, default_factory=utcnow)
    deleted_at: datetime | None = Field(sa_type=sa.DateTime, default=None)
    suspended_at: datetime | None = Field(sa_type=sa.DateTime, default=None)


class RemovedRepository(SQLModel, table=True):
    """A repository an `installation_repositories` removed event took away from an installation."""

    __tablename__ = "removed_repositories"

    installation_id: int = Field(primary_key=True, sa_type=sa.BigInteger, sa_column_kwargs={"autoincrement": False})
    repository: str = Field(primary_key=True, max_length=200)  # "owner/name"
    removed_at: datetime = Field(sa_type=sa.DateTime, default_factory=utcnow)


def inactive_reason(engine: Engine, installation_id: int, repository: str) -> str | None:
    """Why nothing may be done for `repository` of `installation_id` (deleted, suspended, removed), or None."""
    installations, removed = Installation.__table__, RemovedRepository.__table__
    with engine.connect() as conn:
        row = conn.execute(sa.select(installations.c.deleted_at, installations.c.suspended_at)
                           .where(installations.c.id == installation_id)).first()
        if row is not None and row.deleted_at is not None:
            return f"installation {installation_id} was deleted"
        if row is not None and row.suspended_at is not None:
            return f"installation {installation_id} is suspended"
        if repository and conn.execute(sa.select(removed.c.repository).where(
                removed.c.installation_id == installation_id, removed.c.repository == repository)).first():
            return f"{repository} was removed from installation {installation_id}"
    return None


class Redelivery(SQLModel, table=True):
    """One failed delivery (by guid: a redelivery keeps it) the sweeper asked GitHub to redeliver."""

    __tablename__ = "redeliveries"

    guid: str = Field(primary_key=True, max_length=64)
    hook_delivery_id: int = Field(sa_type=sa.BigInteger)  # the attempt asked for (GitHub's delivery id)
    event: str = Field(default="", max_length=64)
    action: str = Field(default="", max_length=64)
    delivered_at: datetime | None = Field(sa_type=sa.DateTime, default=None)
    outcome: str = Field(default="asking", max_length=16)  # asking | requested | refused
    error: str = Field(default="", sa_type=sa.Text)
    requested_at: datetime = Field(sa_type=sa.DateTime, default_factory=utcnow)


def default_sqlite_url(data_dir: str | os.PathLike) -> str:
    return f"sqlite:///{Path(data_dir).resolve() / 'chartwarden.db'}"


def normalise_url(url: str) -> str:
    """Accept the usual spellings and pin the drivers: psycopg 3 for PostgreSQL, absolute SQLite paths."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql" and parsed.drivername != "postgresql+psycopg":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        parsed = parsed.set(database=str(Path(parsed.database).expanduser().resolve()))
    return parsed.render_as_string(hide_password=False)


def is_postgres(engine_or_url: Engine | str) -> bool:
    url = engine_or_url.url if isinstance(engine_or_url, Engine) else make_url(engine_or_url)
    return url.get_backend_name() == "postgresql"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


RESERVED_CONNECTIONS = 4  # beside the request path: the worker's claim and heartbeat, the sweeper, /readyz, /metrics


def make_engine(url: str, *, pool_size: int = 5) -> Engine:
    """An engine for `url`: SQLite in WAL mode with a busy timeout, or PostgreSQL through psycopg 3.

    On PostgreSQL the pool keeps up to `pool_size` connections open and may open RESERVED_CONNECTIONS
    more for a burst (closed again when returned). The web app sizes it `CHARTWARDEN_DB_POOL_SIZE +
    RESERVED_CONNECTIONS` and writes deliveries through at most CHARTWARDEN_DB_POOL_SIZE threads at
    once (bot/app.py), so under load it reuses open connections instead of opening and closing a
    PostgreSQL session per request.
    """
    url = normalise_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, pool_pre_ping=True, pool_size=pool_size, max_overflow=RESERVED_CONNECTIONS)


def alembic_config(url: str | None = None):
    from alembic.config import Config

    config = Config(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


MIGRATION_LOCK = 0x6368617274  # "chart": one pg_advisory_lock key for every replica's start-up migration


def migrate(engine: Engine) -> None:
    """`alembic upgrade head` on `engine`; on PostgreSQL, replicas starting together take turns."""
    from alembic import command

    config = alembic_config()
    with engine.connect() as connection:
        if is_postgres(engine):
            connection.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
            connection.commit()
        try:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            connection.commit()
        finally:
            if is_postgres(engine):
                connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
                connection.commit()


def ping(engine: Engine) -> None:
    """Raise when the database cannot answer `SELECT 1`."""
    with engine.connect() as connection:
        connection.execute(sa.text("SELECT 1"))
