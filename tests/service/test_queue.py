"""The durable queue on SQLite and on the real PostgreSQL: claim, lease, retry, dead-letter, supersede."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot import store
from bot.queue import LEASE_LOST, JobSpec, Queue
from bot.worker import RetryLater, Worker

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 3, 1, 12, 0, 0)


class Clock:
    def __init__(self, start: datetime = T0):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request):
    return request.getfixturevalue("sqlite_engine" if request.param == "sqlite" else "pg_engine")


def make_queue(engine, clock, **kw) -> Queue:
    defaults = dict(lease=timedelta(seconds=30), max_attempts=3, backoff_base=timedelta(seconds=10), clock=clock)
    return Queue(engine, **{**defaults, **kw})


def test_claim_runs_a_job_once_and_completes_it(engine):
    clock = Clock()
    queue = make_queue(engine, clock)
    job_id = queue.enqueue(JobSpec(event="pull_request", action="opened", payload='{"a": 1}', delivery_id="d-1",
                                   installation_id=42, repository="o/r", pr_number=7, head_sha="abc"))
    claimed = queue.claim("w1")
    assert (claimed.id, claimed.event, claimed.action, claimed.payload) == (job_id, "pull_request", "opened", '{"a": 1}')
    assert (claimed.delivery_id, claimed.installation_id, claimed.repository, claimed.pr_number, claimed.head_sha) == ("d-1", 42, "o/r", 7, "abc")
    assert (claimed.attempts, claimed.max_attempts, claimed.lease_owner) == (1, 3, "w1")
    row = queue.get(job_id)
    assert (row["state"], row["lease_expires_at"], row["started_at"]) == ("running", T0 + timedelta(seconds=30), T0)
    assert queue.claim("w2") is None
    assert queue.complete(claimed) is True
    row = queue.get(job_id)
    assert (row["state"], row["finished_at"], row["lease_token"]) == ("done", T0, "")
    assert queue.depth() == {"queued": 0, "running": 0, "done": 1, "dead": 0, "superseded": 0, "skipped": 0}


def test_jobs_are_claimed_in_order_and_delayed_ones_wait(engine):
    clock = Clock()
    queue = make_queue(engine, clock)
    late = queue.enqueue(JobSpec(event="e", delay=timedelta(seconds=5)))
    first = queue.enqueue(JobSpec(event="e"))
    second = queue.enqueue(JobSpec(event="e"))
    assert [queue.claim("w").id, queue.claim("w").id, queue.claim("w")] == [first, second, None]
    clock.advance(5)
    assert queue.claim("w").id == late


def test_a_failing_job_backs_off_exponentially_then_is_dead_lettered_with_its_error(engine):
    clock = Clock()
    queue = make_queue(engine, clock)
    job_id = queue.enqueue(JobSpec(event="e"))
    assert queue.fail(queue.claim("w"), "RuntimeError: first") == "queued"
    row = queue.get(job_id)
    assert (row["state"], row["run_after"], row["last_error"], row["attempts"]) == ("queued", T0 + timedelta(seconds=10), "RuntimeError: first", 1)
    clock.advance(9)
    assert queue.claim("w") is None
    clock.advance(1)
    second = queue.claim("w")
    assert second.attempts == 2
    assert queue.fail(second, "RuntimeError: second") == "queued"
    assert queue.get(job_id)["run_after"] == clock.now + timedelta(seconds=20)
    clock.advance(20)
    third = queue.claim("w")
    assert third.attempts == 3
    assert queue.fail(third, "RuntimeError: third") == "dead"
    row = queue.get(job_id)
    assert (row["state"], row["last_error"], row["finished_at"]) == ("dead", "RuntimeError: third", clock.now)
    clock.advance(3600)
    assert queue.claim("w") is None
    assert queue.depth()["dead"] == 1


def test_retry_after_wins_over_a_shorter_backoff_and_backoff_is_capped(engine):
    clock = Clock()
    queue = make_queue(engine, clock, backoff_cap=timedelta(seconds=25), max_attempts=10)
    job_id = queue.enqueue(JobSpec(event="e"))
    queue.fail(queue.claim("w"), "rate limited", retry_after=timedelta(seconds=300))
    assert queue.get(job_id)["run_after"] == T0 + timedelta(seconds=300)
    assert [queue.backoff(n).total_seconds() for n in (1, 2, 3, 4, 5)] == [10, 20, 25, 25, 25]


def test_an_expired_lease_is_claimed_again_and_the_old_attempt_is_fenced_off(engine):
    clock = Clock()
    queue = make_queue(engine, clock)
    job_id = queue.enqueue(JobSpec(event="e"))
    first = queue.claim("w1")
    clock.advance(29)
    assert queue.heartbeat(first) is True  # renewed: now due at +59
    clock.advance(29)
    assert queue.claim("w2") is None
    clock.advance(31)
    second = queue.claim("w2")
    assert (second.id, second.attempts, second.lease_owner) == (job_id, 2, "w2")
    assert queue.heartbeat(first) is False
    assert queue.complete(first) is False
    assert queue.fail(first, "late") is None
    assert queue.get(job_id)["state"] == "running"
    assert queue.complete(second) is True
    assert queue.get(job_id)["state"] == "done"


def test_a_lease_that_expires_on_the_last_attempt_dead_letters_the_job(engine):
    clock = Clock()
    queue = make_queue(engine, clock, max_attempts=2)
    job_id = queue.enqueue(JobSpec(event="e"))
    queue.claim("w1")
    clock.advance(31)
    assert queue.claim("w2").attempts == 2
    clock.advance(31)
    assert queue.claim("w3") is None
    row = queue.get(job_id)
    assert (row["state"], row["last_error"], row["attempts"]) == ("dead", LEASE_LOST, 2)


def test_a_newer_head_sha_supersedes_queued_jobs_of_older_shas_for_the_same_pull_request(engine):
    clock = Clock()
    queue = make_queue(engine, clock)
    key = "o/r#7"
    running = queue.enqueue(JobSpec(event="pull_request", head_sha="a0", supersede_key=key, supersedes=True))
    assert queue.claim("w").id == running
    old = queue.enqueue(JobSpec(event="pull_request", head_sha="a1", supersede_key=key, supersedes=True))
    rerun = queue.enqueue(JobSpec(event="check_run", head_sha="a1", supersede_key=key))
    other_pr = queue.enqueue(JobSpec(event="pull_request", head_sha="a1", supersede_key="o/r#8", supersedes=True))
    same_sha = queue.enqueue(JobSpec(event="pull_request", head_sha="a2", supersede_key=key, supersedes=True))
    newest = queue.enqueue(JobSpec(event="pull_request", head_sha="a2", supersede_key=key, supersedes=True))
    states = {job: (queue.get(job)["state"], queue.get(job)["superseded_by"]) for job in (running, old, rerun, other_pr, same_sha, newest)}
    assert states == {
        running: ("running", None),
        old: ("superseded", same_sha),
        rerun: ("superseded", same_sha),
        other_pr: ("queued", None),
        same_sha: ("queued", None),
        newest: ("queued", None),
    }
    assert queue.depth() == {"queued": 3, "running": 1, "done": 0, "dead": 0, "superseded": 2, "skipped": 0}


def test_supersede_marks_queued_jobs_with_shas_below_and_above_the_new_one_and_nothing_else(engine):
    clock = Clock()
    queue = make_queue(engine, clock)
    key = "o/r#9"
    above = queue.enqueue(JobSpec(event="pull_request", head_sha="f0", supersede_key=key, supersedes=True))
    below = queue.enqueue(JobSpec(event="pull_request", head_sha="0f", supersede_key=key, supersedes=True))
    clock.advance(5)
    equal = queue.enqueue(JobSpec(event="pull_request", head_sha="a5", supersede_key=key))
    newest = queue.enqueue(JobSpec(event="pull_request", head_sha="a5", supersede_key=key, supersedes=True))
    rows = {job: (queue.get(job)["state"], queue.get(job)["superseded_by"], queue.get(job)["finished_at"])
            for job in (above, below, equal, newest)}
    assert rows == {
        above: ("superseded", below, T0),  # "0f" superseded "f0" (a SHA above it) at T0
        below: ("superseded", newest, T0 + timedelta(seconds=5)),
        equal: ("queued", None, None),
        newest: ("queued", None, None),
    }


def test_the_supersede_update_seeks_the_index_on_the_head_sha(engine):
    """Two range scans of ix_jobs_supersede_head (SHA below, SHA above): only the jobs it changes are read."""
    from bot.queue import SUPERSEDE

    compiled = SUPERSEDE.compile(engine)
    params = {**compiled.params, "key": "o/r#7", "sha": "a2", "job_id": 1, "now": T0}
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            positional = tuple(params[name] for name in compiled.positiontup)
            plan = [row[3] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled.string}", positional).all()]
            assert [step for step in plan if "ix_jobs_supersede_head" in step] == [
                "SEARCH jobs USING COVERING INDEX ix_jobs_supersede_head (supersede_key=? AND state=? AND head_sha<?)",
                "SEARCH jobs USING COVERING INDEX ix_jobs_supersede_head (supersede_key=? AND state=? AND head_sha>?)",
            ]
        else:
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")  # an empty table would be scanned otherwise
            plan = conn.exec_driver_sql(f"EXPLAIN {compiled.string}", params).scalars().all()
            assert [line.strip() for line in plan if "Index Cond" in line and "head_sha" in line] == [
                "Index Cond: (((supersede_key)::text = 'o/r#7'::text) AND ((state)::text = 'queued'::text) AND ((head_sha)::text < 'a2'::text))",
                "Index Cond: (((supersede_key)::text = 'o/r#7'::text) AND ((state)::text = 'queued'::text) AND ((head_sha)::text > 'a2'::text))",
            ]


def test_enqueue_joins_the_callers_transaction(engine):
    queue = make_queue(engine, Clock())
    with pytest.raises(RuntimeError):
        with engine.begin() as conn:
            queue.enqueue(JobSpec(event="e"), connection=conn)
            raise RuntimeError("rolled back")
    assert queue.depth()["queued"] == 0


# -- the worker loop ---------------------------------------------------------------------------


def test_worker_records_success_failure_and_retry_later(sqlite_engine):
    queue = Queue(sqlite_engine, max_attempts=3, backoff_base=timedelta(seconds=10))
    ok, boom, later = (queue.enqueue(JobSpec(event=name)) for name in ("ok", "boom", "later"))
    seen = []

    async def handle(job):
        seen.append(job.event)
        if job.event == "boom":
            raise RuntimeError("boom")
        if job.event == "later":
            raise RetryLater("rate limited", timedelta(seconds=900))

    finished = []
    worker = Worker(queue, handle, worker_id="w", on_finished=lambda job, outcome, _d: finished.append((job.id, outcome)))
    assert asyncio.run(worker.run(until_idle=True)) == 3
    assert seen == ["ok", "boom", "later"]
    assert finished == [(ok, "done"), (boom, "retry"), (later, "deferred")]
    assert queue.get(ok)["state"] == "done"
    assert (queue.get(boom)["state"], queue.get(boom)["attempts"], queue.get(boom)["last_error"]) == ("queued", 1, "RuntimeError: boom")
    row = queue.get(later)
    assert (row["state"], row["attempts"], row["last_error"]) == ("queued", 0, "RetryLater: rate limited")  # waiting is no failure
    assert round((row["run_after"] - row["started_at"]).total_seconds()) == 900


def test_an_idle_worker_notified_of_a_job_runs_it_at_once_and_still_polls_without_notice(sqlite_engine):
    """poll_interval 0.5 s: a notified job starts within 0.2 s; an unannounced one (another process's) at the poll."""
    queue = Queue(sqlite_engine)
    started: list[tuple[str, float]] = []

    async def handle(job):
        started.append((job.event, time.monotonic()))

    worker = Worker(queue, handle, worker_id="w", poll_interval=0.5)

    async def scenario() -> tuple[int, float, float]:
        stop = asyncio.Event()
        running = asyncio.create_task(worker.run(stop))
        await asyncio.sleep(0.1)  # idle: the queue was empty
        enqueued = time.monotonic()
        await asyncio.to_thread(queue.enqueue, JobSpec(event="announced"))
        worker.notify()
        while len(started) < 1:
            await asyncio.sleep(0.005)
        notified_delay = started[0][1] - enqueued
        await asyncio.sleep(0.1)  # idle again, the poll 0.5 s away
        enqueued = time.monotonic()
        await asyncio.to_thread(queue.enqueue, JobSpec(event="unannounced"))
        while len(started) < 2:
            await asyncio.sleep(0.005)
        polled_delay = started[1][1] - enqueued
        stop.set()
        return await running, notified_delay, polled_delay

    ran, notified_delay, polled_delay = asyncio.run(scenario())
    assert (ran, [event for event, _ in started]) == (2, ["announced", "unannounced"])
    assert notified_delay < 0.2
    assert 0.2 < polled_delay < 1.0
    assert queue.depth()["done"] == 2


def test_a_deferral_parks_the_installations_queued_jobs_and_costs_no_attempt(engine):
    clock = Clock()
    queue = make_queue(engine, clock, max_attempts=1)
    limited, same, soon_anyway, other = (
        queue.enqueue(JobSpec(event="e", installation_id=inst, delay=timedelta(seconds=delay)))
        for inst, delay in ((7, 0), (7, 0), (7, 900), (8, 0)))
    claimed = queue.claim("w")
    assert claimed.id == limited
    assert queue.defer(claimed, "RetryLater: GitHub rate limit on x", timedelta(seconds=600), installation_id=7) == "queued"
    assert [(queue.get(j)["state"], queue.get(j)["attempts"], queue.get(j)["run_after"] - T0) for j in (limited, same, soon_anyway, other)] == [
        ("queued", 0, timedelta(seconds=600)), ("queued", 0, timedelta(seconds=600)),
        ("queued", 0, timedelta(seconds=900)), ("queued", 0, timedelta(0))]
    assert queue.claim("w").id == other
    assert queue.claim("w") is None
    clock.advance(600)
    again = queue.claim("w")
    assert (again.id, again.attempts) == (limited, 1)  # max_attempts=1: the deferral did not use it up
    assert queue.defer(claimed, "stale attempt", timedelta(seconds=1)) is None  # fenced: the lease is gone


def test_a_skipped_job_ends_with_its_reason(engine):
    queue = make_queue(engine, Clock())
    job_id = queue.enqueue(JobSpec(event="pull_request", installation_id=7))
    claimed = queue.claim("w")
    assert queue.skip(claimed, "installation 7 was deleted") is True
    row = queue.get(job_id)
    assert (row["state"], row["last_error"], row["finished_at"]) == ("skipped", "installation 7 was deleted", T0)
    assert queue.depth() == {"queued": 0, "running": 0, "done": 0, "dead": 0, "superseded": 0, "skipped": 1}


def test_worker_stops_a_job_whose_lease_was_taken_over(sqlite_engine):
    queue = Queue(sqlite_engine, lease=timedelta(seconds=0.2))
    job_id = queue.enqueue(JobSpec(event="slow"))
    cancelled = []

    async def handle(job):
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.append(job.id)
            raise

    async def scenario():
        worker = Worker(queue, handle, worker_id="w1", heartbeat_interval=0.6)
        run = asyncio.ensure_future(worker.run_once())
        await asyncio.sleep(0.4)  # the lease (0.2 s) lapsed before the first heartbeat (0.6 s)
        thief = await asyncio.to_thread(queue.claim, "w2")
        assert await asyncio.wait_for(run, 5) is True
        return thief

    thief = asyncio.run(scenario())
    assert (thief.id, thief.attempts) == (job_id, 2)
    assert cancelled == [job_id]
    row = queue.get(job_id)
    assert (row["state"], row["lease_owner"]) == ("running", "w2")


# -- real processes on the real PostgreSQL ----------------------------------------------------


def _effects_table(engine) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE effects (id SERIAL PRIMARY KEY, job_id INTEGER, worker TEXT, attempt INTEGER)"))


def _start(url: str, worker_id: str, mode: str, lease: float) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.service._drain", url, worker_id, mode, str(lease)],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )


def _read_line(proc: subprocess.Popen, timeout: float = 60) -> str:
    import selectors

    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    if not selector.select(timeout):
        proc.kill()
        raise AssertionError("worker process said nothing in time")
    return proc.stdout.readline().strip()


def test_four_worker_processes_drain_a_thousand_jobs_each_exactly_once(pg_url, pg_engine):
    _effects_table(pg_engine)
    queue = Queue(pg_engine)
    with pg_engine.begin() as conn:
        ids = [queue.enqueue(JobSpec(event="e", payload=str(n)), connection=conn) for n in range(1000)]
    procs = [_start(pg_url, f"w{n}", "drain", 60) for n in range(4)]
    try:
        assert [_read_line(p) for p in procs] == ["ready"] * 4
        for proc in procs:
            proc.stdin.write("go\n")
            proc.stdin.flush()
        outputs = [proc.communicate(timeout=240)[0] for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    assert [proc.returncode for proc in procs] == [0, 0, 0, 0]
    ran = [int(out.strip().split()[-1]) for out in outputs]
    assert sum(ran) == 1000
    assert all(n > 0 for n in ran), ran
    with pg_engine.connect() as conn:
        per_job = dict(conn.execute(sa.text("SELECT job_id, count(*) FROM effects GROUP BY job_id")).all())
        by_worker = dict(conn.execute(sa.text("SELECT worker, count(*) FROM effects GROUP BY worker")).all())
        states = conn.execute(sa.text("SELECT state, attempts, count(*) FROM jobs GROUP BY state, attempts")).all()
    assert per_job == {job_id: 1 for job_id in ids}
    assert sorted(by_worker.values()) == sorted(ran)
    assert states == [("done", 1, 1000)]


def test_a_job_of_a_worker_killed_mid_job_is_finished_by_another_after_the_lease_expires(pg_url, pg_engine):
    _effects_table(pg_engine)
    queue = Queue(pg_engine)
    job_id = queue.enqueue(JobSpec(event="e"))
    hanging = _start(pg_url, "doomed", "hang", 1.5)
    try:
        assert _read_line(hanging) == "ready"
        hanging.stdin.write("go\n")
        hanging.stdin.flush()
        assert _read_line(hanging) == f"started {job_id}"
        row = queue.get(job_id)
        assert (row["state"], row["lease_owner"], row["attempts"]) == ("running", "doomed", 1)
        os.kill(hanging.pid, signal.SIGKILL)
        assert hanging.wait(10) == -signal.SIGKILL
    finally:
        if hanging.poll() is None:
            hanging.kill()
    killed_at = time.monotonic()
    rescuer = _start(pg_url, "rescuer", "drain", 1.5)
    assert _read_line(rescuer) == "ready"
    rescuer.stdin.write("go\n")
    rescuer.stdin.flush()
    # drain mode stops when nothing is runnable, so poll it until the lease has lapsed and the job ran
    out = rescuer.communicate(timeout=60)[0]
    while out.strip() == "ran 0":
        assert time.monotonic() - killed_at < 30, "the lease never expired"
        time.sleep(0.3)
        rescuer = _start(pg_url, "rescuer", "drain", 1.5)
        _read_line(rescuer)
        out = rescuer.communicate("go\n", timeout=60)[0]
    assert out.strip() == "ran 1"
    row = queue.get(job_id)
    assert (row["state"], row["lease_owner"], row["attempts"]) == ("done", "rescuer", 2)
    with pg_engine.connect() as conn:
        effects = conn.execute(sa.text("SELECT worker, attempt FROM effects ORDER BY id")).all()
    assert effects == [("doomed", 1), ("rescuer", 2)]
