"""The redelivery sweeper: with the fake's delivery log, against prism, and on its interval in serve."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta

import sqlalchemy as sa
from litestar.testing import TestClient

from bot.app import create_app
from bot.forge.base import ForgeError
from bot.forge.github import GitHubApp
from bot.routing import Router
from bot.settings import Settings
from bot.sweeper import Sweeper
from tests.service import webhooks
from tests.service.fakes import FakeForge

T0 = datetime(2026, 3, 1, 12, 0, 0)


class Clock:
    def __init__(self, start: datetime = T0):
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def ago(**kw) -> datetime:
    return T0 - timedelta(**kw)


def rows(engine) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(
            "SELECT guid, hook_delivery_id, event, action, outcome, error FROM redeliveries ORDER BY guid"))]


def asked(forge: FakeForge) -> list[int]:
    return [args["delivery_id"] for name, args in forge.calls if name == "redeliver"]


def test_failed_deliveries_are_asked_for_once_each_and_never_again(sqlite_engine):
    forge = FakeForge()
    forge.deliveries_per_page = 2
    forge.add_hook_delivery(1, "a", ago(hours=3), 502)
    forge.add_hook_delivery(5, "a", ago(hours=2), 0, redelivery=True)  # someone retried by hand: timed out
    forge.add_hook_delivery(2, "b", ago(hours=3, minutes=1), 500)
    forge.add_hook_delivery(6, "b", ago(hours=1), 202, redelivery=True)  # ... and this one arrived
    forge.add_hook_delivery(3, "c", ago(minutes=30), 202)
    forge.add_hook_delivery(4, "e", ago(minutes=20), 502, event="issue_comment", action="created")
    forge.add_hook_delivery(0, "d", ago(days=3, minutes=1), 502)  # beyond GitHub's redelivery window
    with sqlite_engine.begin() as conn:  # "e" reached us after all (we answered too late)
        conn.execute(sa.text("INSERT INTO deliveries (delivery_id, event, action, repository, outcome, received_at) "
                             "VALUES ('e', 'issue_comment', 'created', '', 'ignored', '2026-03-01 11:40:00')"))
    clock = Clock()
    sweeper = Sweeper(forge, sqlite_engine, interval=300, clock=clock)
    forge.now = T0

    first = asyncio.run(sweeper.sweep_once())
    assert (first.scanned, first.failed, first.requested, first.skipped, first.refused, first.errors) == (
        6, ["e", "a"], ["a"], ["e"], [], [])
    assert [args["cursor"] for name, args in forge.calls if name == "list_deliveries"] == ["", "2", "4", "6"]  # "d" ends it
    assert asked(forge) == [5]  # the latest attempt of "a"
    assert rows(sqlite_engine) == [("a", 5, "pull_request", "opened", "requested", "")]

    clock.now = T0 + timedelta(minutes=5)  # the redelivery failed too: "a" is still not asked for again
    second = asyncio.run(sweeper.sweep_once())
    assert (second.scanned, second.failed, second.requested, second.skipped) == (1, ["a"], [], ["a"])
    assert asked(forge) == [5]
    assert [args["cursor"] for name, args in forge.calls if name == "list_deliveries"][4:] == [""]  # back to T0 - 15 min


def test_a_refusal_is_kept_and_a_failed_request_is_tried_again_next_sweep(sqlite_engine):
    forge = FakeForge()
    forge.add_hook_delivery(7, "refused", ago(hours=1), 502)
    clock = Clock()
    sweeper = Sweeper(forge, sqlite_engine, interval=300, clock=clock)
    forge.fail["redeliver"] = ForgeError("redeliver delivery 7: HTTP 422: Validation Failed", 422)
    assert asyncio.run(sweeper.sweep_once()).refused == ["refused"]
    assert rows(sqlite_engine) == [("refused", 7, "pull_request", "opened", "refused", "redeliver delivery 7: HTTP 422: Validation Failed")]

    forge.add_hook_delivery(8, "flaky", ago(minutes=10), 502)
    forge.fail["redeliver"] = ForgeError("redeliver delivery 8: HTTP 502: Bad Gateway", 502)
    result = asyncio.run(sweeper.sweep_once())
    assert (result.requested, result.skipped, result.errors) == ([], [], ["flaky: redeliver delivery 8: HTTP 502: Bad Gateway"])
    assert [r[0] for r in rows(sqlite_engine)] == ["refused"]

    del forge.fail["redeliver"]
    clock.now = T0 + timedelta(minutes=5)
    assert asyncio.run(sweeper.sweep_once()).requested == ["flaky"]
    assert asked(forge) == [7, 8, 8]


def test_a_guid_another_sweeper_claimed_is_left_to_it(sqlite_engine):
    forge = FakeForge()
    forge.add_hook_delivery(9, "taken", ago(hours=1), 502)
    with sqlite_engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO redeliveries (guid, hook_delivery_id, event, action, outcome, error, requested_at) "
                             "VALUES ('taken', 9, 'pull_request', 'opened', 'asking', '', '2026-03-01 11:59:00')"))
    result = asyncio.run(Sweeper(forge, sqlite_engine, interval=300, clock=Clock()).sweep_once())
    assert (result.failed, result.skipped, asked(forge)) == (["taken"], ["taken"], [])


def test_the_sweep_sends_requests_githubs_description_accepts(front, app_key, sqlite_engine):
    """Listed with the App JWT, paged with the Link header's cursor, redelivered: all validated by prism."""
    forge = FakeForge()
    now = datetime.utcnow().replace(microsecond=0)
    for n in range(150):
        forge.add_hook_delivery(1000 + n, f"guid-{n}", now - timedelta(minutes=n), 502 if n in (10, 120) else 200)
    front.serve_from(forge, [("GET", r"/app/hook/deliveries")])
    github = GitHubApp(app_id=123, private_key=app_key[0], api_url=front.url, bot_login="chartwarden[bot]")
    result = asyncio.run(Sweeper(github, sqlite_engine, interval=300).sweep_once())
    assert (result.scanned, result.requested) == (150, ["guid-10", "guid-120"])
    assert [(x.method, x.target, x.prism_status, x.status) for x in front.exchanges] == [
        ("GET", "/app/hook/deliveries?per_page=100", 200, 200),
        ("GET", "/app/hook/deliveries?per_page=100&cursor=100", 200, 200),
        ("POST", "/app/hook/deliveries/1010/attempts", 202, 202),
        ("POST", "/app/hook/deliveries/1120/attempts", 202, 202),
    ]
    assert all(x.headers["authorization"].startswith("Bearer ey") for x in front.exchanges)
    assert [r[:2] + r[4:5] for r in rows(sqlite_engine)] == [("guid-10", 1010, "requested"), ("guid-120", 1120, "requested")]


def _settings(tmp_path, sweep: float) -> Settings:
    return Settings(app_id=1, private_key="-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----",
                    webhook_secret=webhooks.SECRET, data_dir=tmp_path, worker_poll_seconds=0.05, sweep_seconds=sweep)


def test_serve_sweeps_on_its_interval_and_not_at_all_when_it_is_zero(tmp_path):
    forge = FakeForge()
    forge.add_hook_delivery(11, "lost", datetime.utcnow() - timedelta(minutes=3), 502)
    app = create_app(_settings(tmp_path / "on", 0.05), router=Router(), forge_factory=forge.factory, run_worker=True,
                     deliveries=forge)
    with TestClient(app=app) as client:
        deadline = time.monotonic() + 10
        while forge.names().count("list_deliveries") < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        metrics = client.get("/metrics").text
    assert forge.names().count("list_deliveries") >= 3
    assert asked(forge) == [11]
    assert 'chartwarden_redeliveries_total{outcome="requested"} 1.0' in metrics

    idle = FakeForge()
    idle.add_hook_delivery(12, "lost", datetime.utcnow() - timedelta(minutes=3), 502)
    app = create_app(_settings(tmp_path / "off", 0), router=Router(), forge_factory=idle.factory, run_worker=True,
                     deliveries=idle)
    with TestClient(app=app):
        time.sleep(0.2)
    assert idle.calls == []


class SlowLog(FakeForge):
    """A delivery log whose reads or redelivery requests hang until released."""

    def __init__(self, hang: str):
        super().__init__()
        self.hang, self.entered, self.release = hang, asyncio.Event(), asyncio.Event()

    async def list_deliveries(self, cursor: str = ""):
        if self.hang == "list":
            self.entered.set()
            await self.release.wait()
        return await super().list_deliveries(cursor)

    async def redeliver(self, delivery_id: int) -> None:
        if self.hang == "redeliver":
            self.entered.set()
            await self.release.wait()
        await super().redeliver(delivery_id)


def test_stopping_cancels_a_sweep_reading_the_log_but_lets_a_request_for_redelivery_finish(sqlite_engine):
    async def scenario(hang: str):
        forge = SlowLog(hang)
        forge.add_hook_delivery(21, f"stuck-{hang}", datetime.utcnow() - timedelta(minutes=1), 502)
        stop = asyncio.Event()
        run = asyncio.ensure_future(Sweeper(forge, sqlite_engine, interval=300).run(stop))
        await asyncio.wait_for(forge.entered.wait(), 5)
        stop.set()
        await asyncio.sleep(0.05)
        finished_early = run.done()
        forge.release.set()
        await asyncio.wait_for(run, 5)
        return finished_early, asked(forge)

    assert asyncio.run(scenario("list")) == (True, [])
    assert asyncio.run(scenario("redeliver")) == (False, [21])
    assert [r[0::4] for r in rows(sqlite_engine)] == [("stuck-redeliver", "requested")]
