"""Durable jobs in the database: enqueue, claim with a lease, heartbeat, retry with backoff, dead-letter.

Claiming is one `UPDATE jobs ... WHERE id = (SELECT ... LIMIT 1) RETURNING ...` statement. On
PostgreSQL the inner SELECT takes `FOR UPDATE SKIP LOCKED`, so any number of worker processes claim
different jobs without waiting on each other. On SQLite the single statement runs under the
database's write lock, which makes it atomic for the one in-process worker `chartwarden serve` runs.

A claim holds a lease: the worker renews it with `heartbeat()` while it works. When a worker dies,
its lease runs out and the job is claimed again (each claim counts as an attempt). Every later write
about a claimed job is fenced by the claim's token, so a worker that lost its lease cannot mark
someone else's attempt done or failed. A failing job is queued again after an exponential backoff
and, once it has used its attempts, stays in state "dead" with its error.

Deferral: a job whose handler met a rate limit (`defer`) is queued again for when the limit ends,
without using an attempt: waiting for GitHub is not a failure. With an installation id, that
installation's other queued jobs are parked until then too, so no worker, in any process, starts
one of them early. `skip` ends a job that must not run (its installation or repository is gone).

Supersede: a job enqueued with `supersedes=True` (a pull request's new head SHA) marks the queued
jobs of the same `supersede_key` for other SHAs "superseded": their work would only be overwritten.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.store import Job, is_postgres, utcnow

JOBS = Job.__table__
STATES = ("queued", "running", "done", "dead", "superseded", "skipped")
LEASE_LOST = "lease expired: the worker stopped renewing it (crashed or killed)"


INSERT_JOB = sa.insert(JOBS).returning(JOBS.c.id)  # built once; values come as parameters


def _queued_of_key(head_sha_is) -> sa.Select:
    return sa.select(JOBS.c.id).where(
        JOBS.c.supersede_key == sa.bindparam("key"), JOBS.c.state == "queued", head_sha_is(JOBS.c.head_sha, sa.bindparam("sha"))
    )


# The queued jobs of the same key with another head SHA: `head_sha != :sha` would make both databases
# walk every queued job of the key (the index cannot seek on "not equal"), so it is written as two
# range scans of ix_jobs_supersede_head (SHA below, SHA above), which touch only the jobs they change.
SUPERSEDE = (
    sa.update(JOBS)
    .where(
        JOBS.c.id.in_(sa.union_all(_queued_of_key(lambda c, v: c < v), _queued_of_key(lambda c, v: c > v))),
        JOBS.c.id != sa.bindparam("job_id"),
    )
    .values(state="superseded", superseded_by=sa.bindparam("job_id"), finished_at=sa.bindparam("now"))
)


@dataclass(frozen=True)
class JobSpec:
    event: str
    action: str = ""
    payload: str = "{}"
    delivery_id: str = ""
    installation_id: int | None = None
    repository: str = ""
    pr_number: int | None = None
    head_sha: str = ""
    supersede_key: str = ""
    supersedes: bool = False
    max_attempts: int | None = None
    delay: timedelta = timedelta(0)


@dataclass(frozen=True)
class Claimed:
    """A job as its worker claimed it; `lease_token` fences every later write about this attempt."""

    id: int
    event: str
    action: str
    payload: str
    delivery_id: str
    installation_id: int | None
    repository: str
    pr_number: int | None
    head_sha: str
    attempts: int
    max_attempts: int
    lease_token: str
    lease_owner: str


class Queue:
    def __init__(
        self,
        engine: Engine,
        *,
        lease: timedelta = timedelta(seconds=60),
        max_attempts: int = 5,
        backoff_base: timedelta = timedelta(seconds=15),
        backoff_cap: timedelta = timedelta(hours=1),
        clock: Callable[[], datetime] = utcnow,
    ):
        if lease <= timedelta(0):
            raise ValueError("lease must be positive")
        self.engine = engine
        self.lease = lease
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.clock = clock
        self._postgres = is_postgres(engine)

    # -- producing ---------------------------------------------------------------------------

    def enqueue(self, spec: JobSpec, *, connection: Connection | None = None) -> int:
        """Insert a queued job (in `connection`'s transaction when given) and return its id."""
        if connection is None:
            with self.engine.begin() as conn:
                return self.enqueue(spec, connection=conn)
        now = self.clock()
        job_id = connection.execute(
            INSERT_JOB,
            {
                "delivery_id": spec.delivery_id,
                "event": spec.event,
                "action": spec.action,
                "installation_id": spec.installation_id,
                "repository": spec.repository,
                "pr_number": spec.pr_number,
                "head_sha": spec.head_sha,
                "supersede_key": spec.supersede_key,
                "payload": spec.payload,
                "state": "queued",
                "attempts": 0,
                "max_attempts": spec.max_attempts or self.max_attempts,
                "run_after": now + spec.delay,
                "lease_owner": "",
                "lease_token": "",
                "last_error": "",
                "created_at": now,
            },
        ).scalar_one()
        if spec.supersedes and spec.supersede_key:
            connection.execute(SUPERSEDE, {"key": spec.supersede_key, "sha": spec.head_sha, "job_id": job_id, "now": now})
        return job_id

    # -- consuming ---------------------------------------------------------------------------

    def claim(self, worker_id: str) -> Claimed | None:
        """Take the next runnable job (queued and due, or running with a lapsed lease), or None."""
        now = self.clock()
        token = uuid.uuid4().hex
        with self.engine.begin() as conn:
            conn.execute(
                sa.update(JOBS)
                .where(JOBS.c.state == "running", JOBS.c.lease_expires_at < now, JOBS.c.attempts >= JOBS.c.max_attempts)
                .values(state="dead", last_error=LEASE_LOST, finished_at=now, lease_token="", lease_expires_at=None)
            )
            runnable = sa.or_(
                sa.and_(JOBS.c.state == "queued", JOBS.c.run_after <= now),
                sa.and_(JOBS.c.state == "running", JOBS.c.lease_expires_at < now, JOBS.c.attempts < JOBS.c.max_attempts),
            )
            candidate = sa.select(JOBS.c.id).where(runnable).order_by(JOBS.c.run_after, JOBS.c.id).limit(1)
            if self._postgres:
                candidate = candidate.with_for_update(skip_locked=True)
            row = conn.execute(
                sa.update(JOBS)
                .where(JOBS.c.id == candidate.scalar_subquery())
                .values(
                    state="running",
                    attempts=JOBS.c.attempts + 1,
                    lease_owner=worker_id[:200],
                    lease_token=token,
                    lease_expires_at=now + self.lease,
                    started_at=now,
                )
                .returning(*(JOBS.c[name] for name in Claimed.__dataclass_fields__))
            ).first()
        return Claimed(**row._asdict()) if row is not None else None

    def _fenced(self, claimed: Claimed):
        return sa.update(JOBS).where(
            JOBS.c.id == claimed.id, JOBS.c.lease_token == claimed.lease_token, JOBS.c.state == "running"
        )

    def heartbeat(self, claimed: Claimed) -> bool:
        """Renew the lease; False when this attempt no longer holds it."""
        with self.engine.begin() as conn:
            result = conn.execute(self._fenced(claimed).values(lease_expires_at=self.clock() + self.lease))
        return result.rowcount == 1

    def complete(self, claimed: Claimed) -> bool:
        with self.engine.begin() as conn:
            result = conn.execute(
                self._fenced(claimed).values(
                    state="done", finished_at=self.clock(), lease_token="", lease_expires_at=None, last_error=""
                )
            )
        return result.rowcount == 1

    def backoff(self, attempts: int) -> timedelta:
        """Delay before attempt `attempts + 1`: base, 2x base, 4x base, ... capped."""
        return min(self.backoff_base * (2 ** max(attempts - 1, 0)), self.backoff_cap)

    def fail(self, claimed: Claimed, error: str, *, retry_after: timedelta | None = None) -> str | None:
        """Record a failed attempt: queued again after a backoff, or dead once out of attempts.

        Returns the job's new state, or None when this attempt had already lost its lease.
        """
        now = self.clock()
        error = error[:8000]
        if claimed.attempts >= claimed.max_attempts:
            values = dict(state="dead", last_error=error, finished_at=now, lease_token="", lease_expires_at=None)
        else:
            delay = max(self.backoff(claimed.attempts), retry_after or timedelta(0))
            values = dict(state="queued", last_error=error, run_after=now + delay, lease_token="", lease_expires_at=None)
        with self.engine.begin() as conn:
            result = conn.execute(self._fenced(claimed).values(**values))
        return values["state"] if result.rowcount == 1 else None

    def defer(self, claimed: Claimed, reason: str, delay: timedelta, *, installation_id: int | None = None) -> str | None:
        """Queue the job again after `delay` without counting this attempt; park the installation's queued jobs.

        Returns "queued", or None when this attempt had already lost its lease.
        """
        until = self.clock() + max(delay, timedelta(0))
        with self.engine.begin() as conn:
            result = conn.execute(
                self._fenced(claimed).values(
                    state="queued", attempts=JOBS.c.attempts - 1, last_error=reason[:8000], run_after=until,
                    lease_token="", lease_expires_at=None,
                )
            )
            if result.rowcount == 1 and installation_id is not None:
                conn.execute(
                    sa.update(JOBS)
                    .where(JOBS.c.installation_id == installation_id, JOBS.c.state == "queued", JOBS.c.run_after < until)
                    .values(run_after=until)
                )
        return "queued" if result.rowcount == 1 else None

    def skip(self, claimed: Claimed, reason: str) -> bool:
        """End the job without running it; `last_error` keeps the reason."""
        with self.engine.begin() as conn:
            result = conn.execute(
                self._fenced(claimed).values(
                    state="skipped", finished_at=self.clock(), lease_token="", lease_expires_at=None, last_error=reason[:8000]
                )
            )
        return result.rowcount == 1

    # -- looking -----------------------------------------------------------------------------

    def get(self, job_id: int) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(JOBS).where(JOBS.c.id == job_id)).first()
        return row._asdict() if row is not None else None

    def depth(self) -> dict[str, int]:
        """Number of jobs in each state (every state present, zero when empty)."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(JOBS.c.state, sa.func.count()).group_by(JOBS.c.state)).all()
        counts = dict.fromkeys(STATES, 0)
        counts.update({state: count for state, count in rows})
        return counts
