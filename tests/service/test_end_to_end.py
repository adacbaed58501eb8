"""End to end through the real pieces, with GitHub played by the prism mock of its REST description.

A signed `pull_request` opened delivery (the real payload of tests/fixtures/webhooks) is POSTed to
the real Litestar app, recorded and queued in the real SQLite store, run by the in-process worker,
and the real GitHub adapter sends every request to the stub in front of prism (mockgithub.Front).
prism validates each one; the stub answers from the fake forge where the answer must be specific:
the installation token (a live expiry), the base and head tarballs (a small chart whose head adds a
privileged container on a changed line), the pull request (its head SHA) and its changed files
(their patches). Everything else is prism's example answer (check run id 4, review id 80, ...).
"""

from __future__ import annotations

import time

from litestar.testing import TestClient

from bot import store
from bot.app import create_app
from bot.forge.diff import changed_lines
from bot.forge.github import GitHubApp
from bot.settings import Settings
from tests.service import webhooks
from tests.service.fakes import FakeForge
from tests.service.test_handlers import (
    ANNOTATION,
    BASE,
    HEAD,
    REVIEW_BODY,
    REVIEW_COMMENT,
    SUMMARY,
    SUMMARY_COMMENT,
    trees,
)

REPO = "/repos/Codertocat/Hello-World"
SPECIFIC = [
    ("POST", r"/app/installations/\d+/access_tokens"),
    ("GET", r"/repos/[^/]+/[^/]+/tarball/[0-9a-f]{40}"),
    ("GET", r"/repos/[^/]+/[^/]+/pulls/\d+"),
    ("GET", r"/repos/[^/]+/[^/]+/pulls/\d+/files"),
]


def job_states(settings: Settings) -> list[str]:
    engine = store.make_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            return [row[0] for row in conn.exec_driver_sql("SELECT state FROM jobs ORDER BY id")]
    finally:
        engine.dispose()


def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


def test_a_signed_pull_request_becomes_a_check_run_a_review_and_a_summary_through_prism(front, app_key, tmp_path):
    forge = FakeForge()
    trees(forge)
    front.serve_from(forge, SPECIFIC)
    settings = Settings(app_id=1, private_key=app_key[0], webhook_secret=webhooks.SECRET, data_dir=tmp_path,
                        github_api_url=front.url, worker_poll_seconds=0.05)
    github = GitHubApp.from_settings(settings)
    app = create_app(settings, forge_factory=github.forge, run_worker=True)
    raw, headers = webhooks.request("pull_request.opened", "72d3162e-cc78-11e3-81ab-4c9367dc0958")
    with TestClient(app=app) as client:
        first = client.post("/webhooks/github", content=raw, headers=headers)
        assert (first.status_code, first.json()) == (202, {"status": "queued", "job": 1})
        wait_for(lambda: job_states(settings) == ["done"])
        sent = len(front.exchanges)
        again = client.post("/webhooks/github", content=raw, headers=headers)  # GitHub redelivers: same id
        assert (again.status_code, again.json()) == (200, {"status": "duplicate"})
        time.sleep(0.3)  # six worker polls: a job, had one been queued, would have started
        assert job_states(settings) == ["done"]

    assert len(front.exchanges) == sent
    assert [(x.method, x.target, x.prism_status, x.status) for x in front.exchanges] == [
        ("POST", "/app/installations/1/access_tokens", 201, 201),
        ("POST", f"{REPO}/check-runs", 201, 201),
        ("GET", f"{REPO}/tarball/{BASE}", 302, 200),
        ("GET", f"{REPO}/tarball/{HEAD}", 302, 200),
        ("PATCH", f"{REPO}/check-runs/4", 200, 200),
        ("GET", f"{REPO}/pulls/2", 200, 200),
        ("GET", f"{REPO}/pulls/2/files?per_page=100&page=1", 200, 200),
        ("GET", f"{REPO}/pulls/2/comments?per_page=100&page=1", 200, 200),
        ("POST", f"{REPO}/pulls/2/reviews", 200, 200),
        ("GET", f"{REPO}/issues/2/comments?per_page=100&page=1", 200, 200),
        ("POST", f"{REPO}/issues/2/comments", 201, 201),
    ]
    by_call = {(x.method, x.path): x for x in front.exchanges}
    assert sum(1 for x in front.exchanges if (x.method, x.path) == ("POST", f"{REPO}/check-runs")) == 1
    assert by_call["POST", f"{REPO}/check-runs"].json() == {
        "name": "Chartwarden", "head_sha": HEAD, "status": "in_progress", "external_id": "2"}
    assert by_call["PATCH", f"{REPO}/check-runs/4"].json() == {
        "status": "completed", "conclusion": "failure",
        "output": {"title": "1 new finding (1 critical), 1 fixed", "summary": SUMMARY, "annotations": [ANNOTATION]},
    }
    assert by_call["POST", f"{REPO}/pulls/2/reviews"].json() == {
        "commit_id": HEAD, "body": REVIEW_BODY, "event": "COMMENT", "comments": [REVIEW_COMMENT]}
    changed = changed_lines(forge.files[2])  # the patches the stub served for pulls/2/files
    assert all(c["line"] in changed[c["path"]].added for c in by_call["POST", f"{REPO}/pulls/2/reviews"].json()["comments"])
    assert by_call["POST", f"{REPO}/issues/2/comments"].json() == {"body": SUMMARY_COMMENT}
    token = by_call["POST", f"{REPO}/check-runs"].headers["authorization"]
    assert token == "token ghs_fake_installation_1"
    assert by_call["POST", "/app/installations/1/access_tokens"].headers["authorization"].startswith("Bearer ey")
