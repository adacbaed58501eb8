"""Fault injection: GitHub failing at random (seeded) under many jobs, on a simulated clock.

The real queue (SQLite), worker, router, handlers and GitHub adapter run 24 pull-request audits for
three installations against the fake forge's HTTP face, behind `FaultyGitHub`, which answers a
quarter of the requests with a fault instead: 500, 502, 429 with Retry-After, 403 with
x-ratelimit-remaining 0 and x-ratelimit-reset, a secondary-limit 403 without headers (wait a minute),
or a good answer announcing an exhausted budget. Time is simulated: the adapter's waits, the queue's
clock and the server's clock are one `SimClock`, and when no job is due the test moves the clock to
the next one. Every job must end done with the default five attempts, and no request of an
installation may be sent while a limit it was given says wait.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone

import httpx
import sqlalchemy as sa
import yaml

from bot.app import job_spec, record_delivery
from bot.events import DeliveryHeaders, normalise
from bot.forge.github import GitHubApp
from bot.queue import Queue
from bot.routing import HandlerOptions
from bot.worker import Worker, dispatcher
from checks._registry import all_rules
from handlers import router
from tests.service import webhooks
from tests.service.fakes import FakeForge

INSTALLATIONS = (11, 12, 13)
PRS_PER_INSTALLATION = 8
POD = """apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27.3
      securityContext:
        privileged: {}
"""
CONFIG = yaml.safe_dump({"failOn": "high", "checks": {"disable": sorted(set(all_rules()) - {"container-privileged"})}})
KINDS = ("500", "502", "503 outage", "429 retry-after", "403 reset", "403 secondary", "200 exhausted")
OUTAGE = 3  # requests of the installation answered 503 in a row: more than the adapter's two retries


class SimClock:
    """Epoch seconds that move only when someone sleeps or the test jumps to the next due job."""

    def __init__(self, start: float = 1_900_000_000.0):
        self.t = start

    def time(self) -> float:
        return self.t

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.t, timezone.utc).replace(tzinfo=None)

    async def sleep(self, seconds: float) -> None:
        self.t += max(seconds, 0.0)
        await asyncio.sleep(0)


@dataclass(frozen=True)
class Sent:
    index: int
    at: float
    installation: int
    method: str
    path: str
    fault: str | None


class FaultyGitHub:
    """The fake forge's HTTP face, with a seeded share of the answers replaced by faults."""

    def __init__(self, forge: FakeForge, clock: SimClock, seed: int, rate: float = 0.25):
        self.forge, self.clock, self.rate = forge, clock, rate
        self.rng = random.Random(seed)
        self.sent: list[Sent] = []
        self.windows: list[tuple[int, int, float]] = []  # (index of the answer, installation, wait until)
        self.outage: dict[int, int] = {}  # installation -> requests still to answer 503

    @staticmethod
    def _installation(request: httpx.Request) -> int:
        if request.url.path.endswith("/access_tokens"):
            return int(request.url.path.split("/")[-2])
        return int(request.headers["authorization"].rsplit("_", 1)[-1])

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        now, installation = self.clock.time(), self._installation(request)
        token = request.url.path.endswith("/access_tokens")
        fault = self.rng.choice(KINDS) if not token and self.rng.random() < self.rate else None
        if fault == "503 outage":
            self.outage[installation] = OUTAGE
        if not token and self.outage.get(installation):
            self.outage[installation] -= 1
            fault = "503 outage"
        index = len(self.sent)
        self.sent.append(Sent(index, now, installation, request.method, request.url.path, fault))
        if fault in ("500", "502", "503 outage"):
            status = int(fault[:3])
            return httpx.Response(status, json={"message": {500: "Server Error", 502: "Bad Gateway", 503: "Unavailable"}[status]})
        if fault == "429 retry-after":
            wait = self.rng.choice([1, 4, 30, 60, 90, 600])
            self.windows.append((index, installation, now + wait))
            return httpx.Response(429, headers={"retry-after": str(wait)}, json={"message": "Too many requests"})
        if fault == "403 reset":
            reset = int(now) + self.rng.choice([15, 120, 1800])
            self.windows.append((index, installation, reset))
            return httpx.Response(403, headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)},
                                  json={"message": f"API rate limit exceeded for installation ID {installation}."})
        if fault == "403 secondary":
            self.windows.append((index, installation, now + 60))
            return httpx.Response(403, json={"message": "You have exceeded a secondary rate limit. Please wait a few minutes."})
        answer = await self.forge.http(request)
        if fault == "200 exhausted":
            reset = int(now) + self.rng.choice([5, 45, 300])
            self.windows.append((index, installation, reset))
            headers = {**answer.headers, "x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)}
            return httpx.Response(answer.status_code, headers=headers, content=answer.content)
        return answer


def _sha(kind: str, number: int) -> str:
    return f"{kind}{number:039x}"[:40]


def _delivery(number: int, installation: int):
    payload = webhooks.payload("pull_request.opened")
    payload["installation"]["id"] = installation
    payload["repository"]["full_name"] = f"org{installation}/charts"
    payload["number"] = payload["pull_request"]["number"] = number
    payload["pull_request"]["base"]["sha"], payload["pull_request"]["head"]["sha"] = _sha("b", number), _sha("a", number)
    raw = json.dumps(payload).encode()
    return normalise(DeliveryHeaders(f"delivery-{number}", "pull_request"), payload), raw


def test_random_5xx_and_rate_limits_every_job_finishes_and_no_request_is_sent_inside_a_wait(sqlite_engine, app_key, caplog):
    caplog.set_level(logging.CRITICAL, logger="chartwarden")
    clock = SimClock()
    forge = FakeForge()
    faulty = FaultyGitHub(forge, clock, seed=20261126)
    numbers = {}
    for offset, installation in enumerate(INSTALLATIONS):
        for n in range(PRS_PER_INSTALLATION):
            number = 100 * (offset + 1) + n
            numbers[number] = installation
            forge.add_tree(_sha("b", number), {".chartwarden.yaml": CONFIG, "manifests/pod.yaml": POD.format("false")})
            forge.add_tree(_sha("a", number), {".chartwarden.yaml": CONFIG, "manifests/pod.yaml": POD.format("true")})
            forge.open_pull_request(number, _sha("b", number), _sha("a", number))
    queue = Queue(sqlite_engine, clock=clock.now)  # default attempts (5), backoff (15 s doubling) and lease
    for number, installation in numbers.items():
        event, raw = _delivery(number, installation)
        assert record_delivery(sqlite_engine, queue, event, job_spec(event, router, raw))[0] == "queued"

    github = GitHubApp(app_id=1, private_key=app_key[0], api_url="http://github.test/", bot_login="chartwarden[bot]",
                       transport=httpx.MockTransport(faulty), clock=clock.time, sleep=clock.sleep)
    outcomes: Counter = Counter()
    worker = Worker(queue, dispatcher(router, github.forge, engine=sqlite_engine, options=HandlerOptions()),
                    worker_id="w", on_finished=lambda job, outcome, _s: outcomes.update([outcome]))

    async def drive() -> None:
        for _ in range(2000):
            if await worker.run_once():
                continue
            with sqlite_engine.connect() as conn:
                due = conn.execute(sa.text("SELECT min(run_after) FROM jobs WHERE state = 'queued'")).scalar()
            if due is None:
                return
            clock.t = max(clock.t, datetime.fromisoformat(str(due)).replace(tzinfo=timezone.utc).timestamp())
        raise AssertionError("the jobs did not finish")

    asyncio.run(drive())

    with sqlite_engine.connect() as conn:
        states = conn.execute(sa.text("SELECT state, count(*) FROM jobs GROUP BY state")).all()
    assert dict(states) == {"done": len(numbers)}
    early = [(window, s) for window in faulty.windows for s in faulty.sent
             if s.index > window[0] and s.installation == window[1] and s.at < window[2]]
    assert early == []
    faults = Counter(s.fault for s in faulty.sent if s.fault)
    assert set(faults) == set(KINDS) and min(faults.values()) >= 5, faults
    assert outcomes["deferred"] >= 3 and outcomes["retry"] >= 1 and outcomes["done"] == len(numbers), outcomes
    assert len(faulty.windows) >= 30


    for number in numbers:
        runs = sorted((run_id, run) for run_id, run in forge.check_runs.items() if run["head_sha"] == _sha("a", number))
        latest = runs[-1][1]
        assert (latest["status"], latest["conclusion"], latest["title"]) == ("completed", "failure", "1 new finding (1 critical)")
        assert [(a.path, a.start_line, a.level, a.title) for a in latest["annotations"]] == [
            ("manifests/pod.yaml", 10, "failure", "container-privileged (critical)")]
        [review] = [r for r in forge.reviews if r["number"] == number]
        assert [(c.path, c.line) for c in review["comments"]] == [("manifests/pod.yaml", 10)]
        [summary] = forge.issue_comments[number]
        assert summary.body.startswith(f"<!-- chartwarden:audit -->\n### Chartwarden audit\n\nAt `{_sha('a', number)[:7]}` the **Chartwarden** check fails")

