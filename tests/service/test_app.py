"""The web app, driven through Litestar's TestClient with signed fixture payloads."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time

import pytest
import sqlalchemy as sa
from litestar.testing import TestClient

from bot import store
from bot.app import create_app
from bot.events import sign
from bot.observability import JsonFormatter, Metrics
from bot.routing import Router
from bot.settings import Settings
from tests.service import webhooks

PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----"
HEAD = "ec26c3e57ca3a959ca5aad62de7213c562f8c821"


def make_settings(tmp_path, **kw) -> Settings:
    return Settings(app_id=1, private_key=PEM, webhook_secret=webhooks.SECRET, data_dir=tmp_path, **kw)


def make_router() -> tuple[Router, list]:
    router = Router()
    seen: list = []

    @router.register("pull_request", action="opened", supersedes=True)
    @router.register("pull_request", action="synchronize", supersedes=True)
    async def audit(event, ctx):
        seen.append((event.key, event.delivery_id, event.head_sha, ctx.forge))

    @router.register("issue_comment", action="created", when=lambda e: "/chartwarden audit" in e.get("comment", "body", default=""))
    async def command(event, ctx):
        seen.append((event.key, event.delivery_id, event.pr_number, ctx.forge))

    return router, seen


class RecordingForgeFactory:
    def __init__(self):
        self.installations: list[int] = []

    @contextlib.asynccontextmanager
    async def __call__(self, installation_id: int):
        self.installations.append(installation_id)
        yield f"forge-for-{installation_id}"


@pytest.fixture
def env(tmp_path):
    router, seen = make_router()
    factory = RecordingForgeFactory()
    settings = make_settings(tmp_path)
    app = create_app(settings, router=router, forge_factory=factory)
    with TestClient(app=app) as client:
        yield client, app, seen, factory, settings


def rows(settings: Settings, table: str) -> list[dict]:
    engine = store.make_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            return [r._asdict() for r in conn.execute(sa.text(f"SELECT * FROM {table} ORDER BY 1")).all()]
    finally:
        engine.dispose()


def post(client, name: str, delivery: str, secret: str = webhooks.SECRET, raw: bytes | None = None):
    if raw is None:
        raw, headers = webhooks.request(name, delivery, secret)
    else:
        headers = webhooks.headers(name.split(".")[0], delivery, raw, secret)
    return client.post("/webhooks/github", content=raw, headers=headers)


def test_a_signed_pull_request_is_recorded_and_queued_without_calling_github(env):
    client, _app, seen, factory, settings = env
    response = post(client, "pull_request.opened", "11111111-1111-1111-1111-111111111111")
    assert (response.status_code, response.json()) == (202, {"status": "queued", "job": 1})
    [delivery] = rows(settings, "deliveries")
    assert {k: delivery[k] for k in ("delivery_id", "event", "action", "installation_id", "repository", "outcome", "job_id")} == {
        "delivery_id": "11111111-1111-1111-1111-111111111111", "event": "pull_request", "action": "opened",
        "installation_id": 1, "repository": "Codertocat/Hello-World", "outcome": "queued", "job_id": 1}
    [job] = rows(settings, "jobs")
    assert {k: job[k] for k in ("id", "event", "action", "installation_id", "repository", "pr_number", "head_sha", "supersede_key", "state", "attempts")} == {
        "id": 1, "event": "pull_request", "action": "opened", "installation_id": 1, "repository": "Codertocat/Hello-World",
        "pr_number": 2, "head_sha": HEAD, "supersede_key": "Codertocat/Hello-World#2", "state": "queued", "attempts": 0}
    assert job["payload"] == webhooks.body("pull_request.opened").decode()
    assert (seen, factory.installations) == ([], [])


def test_a_redelivery_with_a_known_id_is_answered_200_and_adds_nothing(env):
    client, _app, _seen, _factory, settings = env
    assert post(client, "pull_request.opened", "dup-1").status_code == 202
    again = post(client, "pull_request.opened", "dup-1")
    assert (again.status_code, again.json()) == (200, {"status": "duplicate"})
    assert [(d["delivery_id"], d["outcome"]) for d in rows(settings, "deliveries")] == [("dup-1", "queued")]
    assert len(rows(settings, "jobs")) == 1


@pytest.mark.parametrize("secret", ["not the secret", ""])
def test_a_bad_or_missing_signature_is_refused_with_401_and_nothing_stored(env, secret):
    client, _app, _seen, _factory, settings = env
    raw = webhooks.body("pull_request.opened")
    headers = webhooks.headers("pull_request", "bad-1", raw, "x")
    if secret:
        headers["X-Hub-Signature-256"] = sign(secret, raw)
    else:
        del headers["X-Hub-Signature-256"]
    response = client.post("/webhooks/github", content=raw, headers=headers)
    assert (response.status_code, response.json()) == (401, {"error": "missing or invalid X-Hub-Signature-256"})
    assert rows(settings, "deliveries") == [] and rows(settings, "jobs") == []


def test_a_signed_body_with_a_tampered_byte_is_refused(env):
    client, _app, _seen, _factory, settings = env
    raw, headers = webhooks.request("pull_request.opened", "tamper-1")
    response = client.post("/webhooks/github", content=raw.replace(b'"opened"', b'"closed"', 1), headers=headers)
    assert response.status_code == 401
    assert rows(settings, "deliveries") == []


def test_signed_requests_without_event_headers_or_json_are_400(env):
    client, _app, _seen, _factory, settings = env
    raw, headers = webhooks.request("pull_request.opened", "h-1")
    del headers["X-GitHub-Event"]
    response = client.post("/webhooks/github", content=raw, headers=headers)
    assert (response.status_code, response.json()) == (400, {"error": "missing X-GitHub-Event header"})
    form = b"payload=%7B%7D"
    response = client.post("/webhooks/github", content=form, headers=webhooks.headers("push", "h-2", form))
    assert response.status_code == 400
    assert rows(settings, "deliveries") == []


def test_events_no_handler_wants_are_recorded_as_ignored_without_a_job(env):
    client, _app, _seen, _factory, settings = env
    assert post(client, "installation.created", "ign-1").json() == {"status": "ignored"}
    assert post(client, "issue_comment.created", "ign-2").json() == {"status": "ignored"}  # no slash command
    assert post(client, "pull_request.closed.merged", "ign-3").status_code == 200
    assert post(client, "issue_comment.created.pr_command", "cmd-1").json() == {"status": "queued", "job": 1}
    assert [(d["delivery_id"], d["outcome"]) for d in rows(settings, "deliveries")] == [
        ("cmd-1", "queued"), ("ign-1", "ignored"), ("ign-2", "ignored"), ("ign-3", "ignored")]
    assert [(j["event"], j["pr_number"], j["supersede_key"]) for j in rows(settings, "jobs")] == [
        ("issue_comment", 2, "Codertocat/Hello-World#2")]


def test_ping_is_answered_pong(env):
    client, *_ = env
    response = post(client, "ping", "ping-1")
    assert (response.status_code, response.json()) == (200, {"status": "pong"})


def test_a_push_of_a_new_head_supersedes_the_queued_audit_of_the_old_one(env):
    client, _app, _seen, _factory, settings = env
    post(client, "pull_request.opened", "s-1")
    newer = webhooks.payload("pull_request.synchronize")
    newer["pull_request"]["head"]["sha"] = newer["after"] = "1" * 40
    assert post(client, "pull_request.synchronize", "s-2", raw=json.dumps(newer).encode()).status_code == 202
    assert [(j["id"], j["head_sha"], j["state"], j["superseded_by"]) for j in rows(settings, "jobs")] == [
        (1, HEAD, "superseded", 2), (2, "1" * 40, "queued", None)]


def test_a_known_delivery_id_carrying_a_new_head_neither_queues_nor_supersedes_anything(env):
    """The job goes in before the delivery row: the duplicate delivery id rolls back the job and its supersede."""
    client, _app, _seen, _factory, settings = env
    post(client, "pull_request.opened", "d-1")
    newer = webhooks.payload("pull_request.synchronize")
    newer["pull_request"]["head"]["sha"] = newer["after"] = "1" * 40
    again = post(client, "pull_request.synchronize", "d-1", raw=json.dumps(newer).encode())
    assert (again.status_code, again.json()) == (200, {"status": "duplicate"})
    assert [(j["id"], j["head_sha"], j["state"], j["superseded_by"]) for j in rows(settings, "jobs")] == [(1, HEAD, "queued", None)]
    assert [(d["delivery_id"], d["action"], d["job_id"]) for d in rows(settings, "deliveries")] == [("d-1", "opened", 1)]


def test_health_readiness_and_metrics(env):
    client, *_ = env
    post(client, "pull_request.opened", "m-1")
    post(client, "pull_request.opened", "m-1")
    post(client, "installation.created", "m-2")
    client.post("/webhooks/github", content=b"{}", headers={"X-GitHub-Event": "push", "X-GitHub-Delivery": "m-3"})
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ok"}
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    lines = set(response.text.splitlines())
    assert {
        'chartwarden_webhook_deliveries_total{event="pull_request",outcome="queued"} 1.0',
        'chartwarden_webhook_deliveries_total{event="pull_request",outcome="duplicate"} 1.0',
        'chartwarden_webhook_deliveries_total{event="installation",outcome="ignored"} 1.0',
        'chartwarden_webhook_deliveries_total{event="unverified",outcome="bad_signature"} 1.0',
        'chartwarden_queue_jobs{state="queued"} 1.0',
        'chartwarden_queue_jobs{state="dead"} 0.0',
    } <= lines


def test_readyz_is_503_when_the_database_is_unreachable(tmp_path):
    engine = sa.create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 1})
    app = create_app(make_settings(tmp_path), engine=engine, router=Router(), migrate=False)
    with TestClient(app=app) as client:
        response = client.get("/readyz")
        assert (response.status_code, response.json()) == (503, {"status": "unavailable", "error": "OperationalError"})
        assert client.get("/healthz").status_code == 200


def test_serve_mode_runs_queued_jobs_in_process_with_a_forge_rebuilt_from_the_installation_id(tmp_path):
    router, seen = make_router()
    factory = RecordingForgeFactory()
    metrics = Metrics()
    settings = make_settings(tmp_path, worker_poll_seconds=0.05)
    app = create_app(settings, router=router, forge_factory=factory, run_worker=True, metrics=metrics)
    with TestClient(app=app) as client:
        assert post(client, "pull_request.opened", "w-1").status_code == 202
        for _ in range(200):
            if rows(settings, "jobs")[0]["state"] == "done":
                break
            asyncio.run(asyncio.sleep(0.02))
        text = client.get("/metrics").text
    assert seen == [("pull_request.opened", "w-1", HEAD, "forge-for-1")]
    assert factory.installations == [1]
    assert rows(settings, "jobs")[0]["state"] == "done"
    assert 'chartwarden_jobs_finished_total{event="pull_request",outcome="done"} 1.0' in text
    assert 'chartwarden_job_duration_seconds_count{event="pull_request"} 1.0' in text


def test_serve_mode_wakes_the_idle_worker_when_a_delivery_queues_a_job(tmp_path):
    """With an hour between polls, the job still runs at once: the webhook handler wakes the worker."""
    router, seen = make_router()
    settings = make_settings(tmp_path, worker_poll_seconds=3600)
    app = create_app(settings, router=router, forge_factory=RecordingForgeFactory(), run_worker=True)
    with TestClient(app=app) as client:
        asyncio.run(asyncio.sleep(0.2))  # the worker found the queue empty and is idle
        started = time.monotonic()
        assert post(client, "pull_request.opened", "wake-1").status_code == 202
        while rows(settings, "jobs")[0]["state"] != "done" and time.monotonic() - started < 10:
            time.sleep(0.01)
        waited = time.monotonic() - started
    assert [job["state"] for job in rows(settings, "jobs")] == ["done"]
    assert seen == [("pull_request.opened", "wake-1", HEAD, "forge-for-1")]
    assert waited < 2.0  # the poll would have been an hour away


def test_delivery_logs_are_json_lines_carrying_the_delivery_id(env, caplog):
    client, *_ = env
    with caplog.at_level(logging.INFO, logger="chartwarden.app"):
        post(client, "pull_request.opened", "log-1")
    [record] = [r for r in caplog.records if r.getMessage() == "delivery"]
    line = json.loads(JsonFormatter().format(record))
    assert {k: line[k] for k in ("level", "logger", "message", "delivery_id", "event", "outcome", "job_id", "repository", "installation_id")} == {
        "level": "info", "logger": "chartwarden.app", "message": "delivery", "delivery_id": "log-1",
        "event": "pull_request.opened", "outcome": "queued", "job_id": 1, "repository": "Codertocat/Hello-World",
        "installation_id": 1}


def test_end_to_end_a_signed_pull_request_webhook_becomes_a_check_run_through_the_real_handlers(tmp_path, caplog):
    from tests.service.fakes import FakeForge
    from tests.service.test_handlers import trees

    forge = FakeForge()
    trees(forge)
    settings = make_settings(tmp_path, worker_poll_seconds=0.05)
    app = create_app(settings, forge_factory=forge.factory, run_worker=True)
    caplog.set_level(logging.INFO, logger="chartwarden.handlers")
    with TestClient(app=app) as client:
        assert post(client, "pull_request.opened", "e2e-1").json() == {"status": "queued", "job": 1}
        assert post(client, "installation.created", "e2e-2").json() == {"status": "queued", "job": 2}
        for _ in range(500):
            if [j["state"] for j in rows(settings, "jobs")] == ["done", "done"]:
                break
            asyncio.run(asyncio.sleep(0.02))
    assert [j["state"] for j in rows(settings, "jobs")] == ["done", "done"]
    assert forge.names()[:2] == ["for_installation", "create_check_run"]
    [run] = forge.check_runs.values()
    assert (run["head_sha"], run["conclusion"], run["title"]) == (HEAD, "failure", "1 new finding (1 critical), 1 fixed")
    assert [(i["id"], i["account_login"]) for i in rows(settings, "installations")] == [(957387, "Codertocat")]
    [audited] = [r for r in caplog.records if r.getMessage() == "audited"]
    line = json.loads(JsonFormatter().format(audited))
    assert {k: line[k] for k in ("delivery_id", "job_id", "event", "repository", "pr", "head_sha", "conclusion", "new", "fixed")} == {
        "delivery_id": "e2e-1", "job_id": 1, "event": "pull_request.opened", "repository": "Codertocat/Hello-World",
        "pr": 2, "head_sha": HEAD, "conclusion": "failure", "new": 1, "fixed": 1}


def _run_until_finished(settings, client, count: int) -> list[dict]:
    for _ in range(500):
        jobs = rows(settings, "jobs")
        if len(jobs) == count and all(j["state"] not in ("queued", "running") for j in jobs):
            return jobs
        asyncio.run(asyncio.sleep(0.02))
    raise AssertionError(f"jobs did not finish: {[(j['id'], j['state']) for j in rows(settings, 'jobs')]}")


def test_after_the_installation_is_deleted_its_deliveries_are_accepted_and_their_jobs_skipped_without_github(tmp_path):
    from tests.service.fakes import FakeForge

    forge = FakeForge()
    settings = make_settings(tmp_path, worker_poll_seconds=0.05)
    deleted = webhooks.payload("installation.deleted")
    deleted["installation"]["id"] = 1  # the installation the pull request fixtures come from
    app = create_app(settings, forge_factory=forge.factory, run_worker=True)
    with TestClient(app=app) as client:
        assert post(client, "installation.deleted", "gone-1", raw=json.dumps(deleted).encode()).status_code == 202
        _run_until_finished(settings, client, 1)
        for name, delivery in (("pull_request.opened", "gone-2"), ("check_suite.rerequested", "gone-3"),
                               ("issue_comment.created.pr_command", "gone-4")):
            payload = webhooks.payload(name)
            payload["installation"]["id"] = 1
            assert post(client, name, delivery, raw=json.dumps(payload).encode()).status_code == 202
        jobs = _run_until_finished(settings, client, 4)
        metrics = client.get("/metrics").text
    assert [(j["delivery_id"], j["state"], j["last_error"]) for j in jobs] == [
        ("gone-1", "done", ""),
        ("gone-2", "skipped", "installation 1 was deleted"),
        ("gone-3", "skipped", "installation 1 was deleted"),
        ("gone-4", "skipped", "installation 1 was deleted")]
    assert forge.calls == [("for_installation", {"installation_id": 1})]  # the deletion's own job: no request
    assert 'chartwarden_jobs_finished_total{event="pull_request",outcome="skipped"} 1.0' in metrics
    assert 'chartwarden_queue_jobs{state="skipped"} 3.0' in metrics


def test_a_repository_removed_from_the_installation_is_left_alone_until_it_is_added_again(tmp_path):
    from tests.service.fakes import FakeForge
    from tests.service.test_handlers import trees

    forge = FakeForge()
    trees(forge)
    settings = make_settings(tmp_path, worker_poll_seconds=0.05)
    changes = {}
    for action in ("removed", "added"):
        payload = webhooks.payload(f"installation_repositories.{action}")
        payload["installation"]["id"] = 1
        payload[f"repositories_{action}"][0]["full_name"] = "Codertocat/Hello-World"
        changes[action] = json.dumps(payload).encode()
    app = create_app(settings, forge_factory=forge.factory, run_worker=True)
    with TestClient(app=app) as client:
        assert post(client, "installation_repositories.removed", "r-1", raw=changes["removed"]).status_code == 202
        _run_until_finished(settings, client, 1)
        assert rows(settings, "removed_repositories")[0]["repository"] == "Codertocat/Hello-World"
        assert post(client, "pull_request.opened", "r-2").status_code == 202
        _run_until_finished(settings, client, 2)
        calls_while_removed = list(forge.names())
        assert post(client, "installation_repositories.added", "r-3", raw=changes["added"]).status_code == 202
        _run_until_finished(settings, client, 3)
        assert post(client, "pull_request.synchronize", "r-4").status_code == 202
        jobs = _run_until_finished(settings, client, 4)
    assert [(j["delivery_id"], j["state"], j["last_error"]) for j in jobs] == [
        ("r-1", "done", ""), ("r-2", "skipped", "Codertocat/Hello-World was removed from installation 1"),
        ("r-3", "done", ""), ("r-4", "done", "")]
    assert calls_while_removed == ["for_installation"]  # the removal's own job
    assert rows(settings, "removed_repositories") == []
    assert "create_check_run" in forge.names()


def _concurrent_deliveries(client, count: int, prefix: str) -> list[int]:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=count) as pool:
        return sorted(pool.map(lambda n: post(client, "pull_request.opened", f"{prefix}-{n}").status_code, range(count)))


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_deliveries_are_written_by_at_most_the_pool_size_threads_on_postgres_and_one_on_sqlite(tmp_path, request, database):
    """A burst of 12 deliveries: on PostgreSQL with CHARTWARDEN_DB_POOL_SIZE=3, 3 in the database at once on
    3 connections kept open (no new session per request); on SQLite one writer at a time."""
    url = request.getfixturevalue("pg_url") if database == "postgres" else ""
    settings = make_settings(tmp_path, database_url=url, db_pool_size=3)
    router, _seen = make_router()
    app = create_app(settings, router=router)
    with TestClient(app=app) as client:
        engine = app.state.holder["engine"]
        inside, peak, opened = [0], [0], [0]

        @sa.event.listens_for(engine, "connect")
        def connected(*_):
            opened[0] += 1

        @sa.event.listens_for(engine, "before_cursor_execute")
        def before(conn, cursor, statement, *_):
            if statement.startswith("INSERT INTO deliveries"):
                inside[0] += 1
                peak[0] = max(peak[0], inside[0])
                time.sleep(0.05)  # long enough for every request of the burst to be waiting
                inside[0] -= 1

        assert _concurrent_deliveries(client, 12, "burst") == [202] * 12
        pool = (engine.pool.size(), engine.pool._max_overflow) if database == "postgres" else None
        writers = app.state.holder["writers"].total_tokens
    assert len(rows_at(settings.database_url, "deliveries")) == 12
    if database == "postgres":
        assert (writers, peak[0], pool) == (3, 3, (7, 4))
        assert opened[0] == 2  # the migration's connection stays open in the pool: 1 + 2 more, never a 4th
    else:
        assert (writers, peak[0]) == (1, 1)


def rows_at(url: str, table: str) -> list[dict]:
    engine = store.make_engine(url)
    try:
        with engine.connect() as conn:
            return [r._asdict() for r in conn.execute(sa.text(f"SELECT * FROM {table} ORDER BY 1")).all()]
    finally:
        engine.dispose()
