"""The GitHub adapter over httpx.MockTransport: App auth, token cache, rate limits, pagination, markers."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from datetime import timedelta

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.forge.base import Annotation, CheckOutput, ForgeError, ReviewComment
from bot.forge.github import GitHubApp
from bot.observability import Metrics
from bot.worker import RetryLater

TOKEN = {"token": "ghs_installation", "expires_at": "2099-01-01T00:00:00Z", "permissions": {"checks": "write"},
         "repository_selection": "all"}


@pytest.fixture(scope="module")
def keys():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    return pem, key.public_key()


class Server:
    """Answers from a table of (method, path) -> list of responses (the last one repeats)."""

    def __init__(self, routes: dict):
        self.routes = {k: list(v) if isinstance(v, list) else [v] for k, v in routes.items()}
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if request.url.path.endswith("/access_tokens"):
            return httpx.Response(201, json=TOKEN)
        key = (request.method, request.url.path + (f"?{request.url.query.decode()}" if request.url.query else ""))
        answers = self.routes.get(key) or self.routes.get((request.method, request.url.path))
        if not answers:
            return httpx.Response(404, json={"message": "Not Found"})
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        return answer() if callable(answer) else answer

    def seen(self) -> list[tuple[str, str]]:
        return [(r.method, r.url.path + (f"?{r.url.query.decode()}" if r.url.query else "")) for r in self.requests]


def make_app(keys, server: Server, metrics=None, max_wait=60, sleeps=None) -> GitHubApp:
    extra = {"sleep": sleeps.sleep} if sleeps is not None else {}
    return GitHubApp(app_id=123, private_key=keys[0], api_url="http://127.0.0.1:9/", bot_login="chartwarden[bot]",
                     metrics=metrics, max_wait=timedelta(seconds=max_wait), transport=httpx.MockTransport(server), **extra)


def run(coro):
    return asyncio.run(coro)


class Sleeps(list):
    """The adapter's waits, recorded (rounded to seconds) instead of slept."""

    async def sleep(self, seconds: float) -> None:
        self.append(round(seconds))


@pytest.fixture
def sleeps():
    return Sleeps()


def test_the_app_jwt_buys_an_installation_token_that_is_cached_across_jobs(keys):
    server = Server({("POST", "/repos/o/r/check-runs"): httpx.Response(201, json={"id": 4})})
    app = make_app(keys, server)

    async def scenario():
        async with app.forge(42) as forge:
            assert await forge.create_check_run("o/r", name="Chartwarden", head_sha="a" * 40, status="in_progress") == 4
        async with app.forge(42) as forge:
            await forge.create_check_run("o/r", name="Chartwarden", head_sha="a" * 40, status="in_progress")
        async with app.forge(43) as forge:
            await forge.create_check_run("o/r", name="Chartwarden", head_sha="a" * 40, status="in_progress")

    run(scenario())
    assert server.seen() == [
        ("POST", "/app/installations/42/access_tokens"), ("POST", "/repos/o/r/check-runs"), ("POST", "/repos/o/r/check-runs"),
        ("POST", "/app/installations/43/access_tokens"), ("POST", "/repos/o/r/check-runs"),
    ]
    token_request, api_request = server.requests[0], server.requests[1]
    scheme, bearer = token_request.headers["authorization"].split()
    claims = jwt.decode(bearer, keys[1], algorithms=["RS256"])
    assert (scheme, claims["iss"], claims["exp"] - claims["iat"]) == ("Bearer", "123", 600)
    assert abs(claims["iat"] - (time.time() - 60)) < 30
    assert api_request.headers["authorization"] == "token ghs_installation"
    assert api_request.headers["user-agent"] == "chartwarden/0.1.0"
    assert json.loads(api_request.content) == {"name": "Chartwarden", "head_sha": "a" * 40, "status": "in_progress"}


def test_check_run_updates_carry_conclusion_output_and_annotations(keys):
    server = Server({("PATCH", "/repos/o/r/check-runs/4"): httpx.Response(200, json={"id": 4})})
    app = make_app(keys, server)
    note = Annotation("charts/web/values.yaml", 5, 5, "failure", "runs privileged", "container-privileged (critical)")

    async def scenario():
        async with app.forge(1) as forge:
            await forge.update_check_run("o/r", 4, status="completed", conclusion="failure",
                                         output=CheckOutput("1 new finding", "summary", annotations=(note,)))
            with pytest.raises(ValueError):
                await forge.update_check_run("o/r", 4, output=CheckOutput("t", "s", annotations=(note,) * 51))

    run(scenario())
    assert json.loads(server.requests[-1].content) == {
        "status": "completed", "conclusion": "failure",
        "output": {"title": "1 new finding", "summary": "summary", "annotations": [{
            "path": "charts/web/values.yaml", "start_line": 5, "end_line": 5, "annotation_level": "failure",
            "message": "runs privileged", "title": "container-privileged (critical)"}]},
    }


def test_a_short_retry_after_is_waited_in_place_once(keys, sleeps):
    limited = httpx.Response(403, headers={"retry-after": "3"}, json={"message": "You have exceeded a secondary rate limit."})
    server = Server({("POST", "/repos/o/r/check-runs"): [limited, httpx.Response(201, json={"id": 9})]})
    app = make_app(keys, server, sleeps=sleeps)

    async def scenario():
        async with app.forge(1) as forge:
            return await forge.create_check_run("o/r", name="c", head_sha="a" * 40, status="queued")

    assert run(scenario()) == 9
    assert sleeps == [3]


def test_a_long_primary_limit_goes_back_to_the_queue_with_the_reset_delay(keys, sleeps):
    reset = str(int(time.time()) + 1800)
    limited = httpx.Response(403, headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset},
                             json={"message": "API rate limit exceeded"})
    server = Server({("GET", "/repos/o/r/pulls/2"): limited, ("GET", "/repos/o/r/pulls/3"): httpx.Response(200, json={})})
    app = make_app(keys, server, sleeps=sleeps)

    async def scenario(number):
        async with app.forge(1) as forge:
            await forge.get_pull_request("o/r", number)

    with pytest.raises(RetryLater) as caught:
        run(scenario(2))
    assert (str(caught.value), caught.value.installation_id) == ("GitHub rate limit on get pull request #2", 1)
    assert 1790 <= caught.value.retry_after.total_seconds() <= 1800
    with pytest.raises(RetryLater) as again:  # another job of the installation: held back, nothing sent
        run(scenario(3))
    assert str(again.value) == "GitHub rate limit on get pull request #3"
    assert 1790 <= again.value.retry_after.total_seconds() <= 1800
    assert server.seen() == [("POST", "/app/installations/1/access_tokens"), ("GET", "/repos/o/r/pulls/2")]
    assert sleeps == []


def test_a_secondary_limit_without_headers_waits_at_least_a_minute_through_the_queue(keys, sleeps):
    limited = httpx.Response(403, json={"message": "You have exceeded a secondary rate limit. Please wait a few minutes."})
    server = Server({("POST", "/repos/o/r/pulls/2/reviews"): limited})
    app = make_app(keys, server, max_wait=30, sleeps=sleeps)

    async def scenario():
        async with app.forge(1) as forge:
            await forge.create_review("o/r", 2, commit_id="a" * 40, body="b", comments=[ReviewComment("f.yaml", 3, "x")])

    with pytest.raises(RetryLater) as caught:
        run(scenario())
    assert (str(caught.value), round(caught.value.retry_after.total_seconds())) == ("GitHub secondary rate limit on review on #2", 60)
    assert sleeps == []


def test_a_secondary_limit_within_max_wait_is_slept_before_the_next_request(keys, sleeps):
    limited = httpx.Response(403, json={"message": "You have exceeded a secondary rate limit. Please wait a few minutes."})
    server = Server({("POST", "/repos/o/r/pulls/2/reviews"): [limited, httpx.Response(200, json={"id": 80})]})
    app = make_app(keys, server, max_wait=60, sleeps=sleeps)

    async def scenario():
        async with app.forge(1) as forge:
            return await forge.create_review("o/r", 2, commit_id="a" * 40, body="b", comments=[ReviewComment("f.yaml", 3, "x")])

    assert run(scenario()) == 80
    assert sleeps == [60]


def test_an_answer_announcing_an_exhausted_budget_holds_the_next_request_until_the_reset(keys, sleeps):
    reset = str(int(time.time()) + 20)
    last = httpx.Response(200, json={"number": 2}, headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset})
    server = Server({("GET", "/repos/o/r/pulls/2"): last, ("GET", "/repos/o/r/pulls/3"): httpx.Response(200, json={"number": 3})})
    app = make_app(keys, server, sleeps=sleeps)

    async def scenario():
        async with app.forge(1) as forge:
            return (await forge.get_pull_request("o/r", 2)).number, (await forge.get_pull_request("o/r", 3)).number

    assert run(scenario()) == (2, 3)
    assert len(sleeps) == 1 and 18 <= sleeps[0] <= 20


@pytest.mark.parametrize("status, headers, message, expected", [
    (429, {"retry-after": "7"}, "slow down", (1007.0, "rate limit")),
    (403, {"retry-after": "7"}, "You have exceeded a secondary rate limit", (1007.0, "secondary rate limit")),
    (403, {"retry-after": "Thu, 01 Jan 1970 00:17:00 GMT"}, "", (1020.0, "rate limit")),
    (403, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1500"}, "API rate limit exceeded", (1500.0, "rate limit")),
    (429, {}, "", (1060.0, "secondary rate limit")),
    (403, {}, "You have exceeded a secondary rate limit.", (1060.0, "secondary rate limit")),
    (403, {}, "Resource not accessible by integration", None),
    (200, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1300"}, "", (1300.0, "rate limit")),
    (200, {"x-ratelimit-remaining": "12", "x-ratelimit-reset": "1300"}, "", None),
])
def test_which_answers_close_the_gate_and_until_when(status, headers, message, expected):
    from bot.forge.github import limit_until

    assert limit_until(httpx.Response(status, headers=headers, json={"message": message}), 1000.0) == expected


def test_server_errors_are_retried_twice_then_reported(keys, sleeps):
    server = Server({("GET", "/repos/o/r/pulls/2"): httpx.Response(502, json={"message": "Bad Gateway"})})
    app = make_app(keys, server, sleeps=sleeps)

    async def scenario():
        async with app.forge(1) as forge:
            await forge.get_pull_request("o/r", 2)

    with pytest.raises(ForgeError) as caught:
        run(scenario())
    assert (str(caught.value), caught.value.status) == ("get pull request #2: HTTP 502: Bad Gateway", 502)
    assert sleeps == [1, 2]
    assert server.seen().count(("GET", "/repos/o/r/pulls/2")) == 3


def test_metrics_count_calls_and_keep_the_remaining_rate_limit(keys):
    ok = httpx.Response(201, json={"id": 1}, headers={"x-ratelimit-remaining": "4987", "x-ratelimit-resource": "core"})
    server = Server({("POST", "/repos/o/r/check-runs"): ok})
    metrics = Metrics()
    app = make_app(keys, server, metrics=metrics)

    async def scenario():
        async with app.forge(1) as forge:
            await forge.create_check_run("o/r", name="c", head_sha="a" * 40, status="queued")

    run(scenario())
    lines = set(metrics.render().decode().splitlines())
    assert 'chartwarden_github_requests_total{method="POST",status="201"} 2.0' in lines
    assert 'chartwarden_github_rate_limit_remaining{resource="core"} 4987.0' in lines


def test_changed_files_are_paged_and_reviews_and_comments_read_back(keys):
    page1 = [{"filename": f"f{n}.yaml", "status": "modified", "patch": "@@ -1 +1 @@\n-a\n+b"} for n in range(100)]
    page2 = [{"filename": "logo.png", "status": "added"},
             {"filename": "new.yaml", "status": "renamed", "previous_filename": "old.yaml", "patch": "@@ -0,0 +1 @@\n+x"}]
    server = Server({
        ("GET", "/repos/o/r/pulls/2/files?per_page=100&page=1"): httpx.Response(200, json=page1),
        ("GET", "/repos/o/r/pulls/2/files?per_page=100&page=2"): httpx.Response(200, json=page2),
        ("GET", "/repos/o/r/pulls/2/comments?per_page=100&page=1"): httpx.Response(200, json=[
            {"id": 7, "body": "hi", "user": {"login": "chartwarden[bot]"}, "path": "a.yaml", "line": 3}]),
    })
    app = make_app(keys, server)

    async def scenario():
        async with app.forge(1) as forge:
            return await forge.list_changed_files("o/r", 2), await forge.list_review_comments("o/r", 2)

    files, comments = run(scenario())
    assert len(files) == 102
    assert (files[100].path, files[100].patch, files[101].previous_path) == ("logo.png", None, "old.yaml")
    assert [(c.id, c.user_login, c.path, c.line) for c in comments] == [(7, "chartwarden[bot]", "a.yaml", 3)]


def test_the_summary_comment_is_edited_when_ours_and_created_otherwise(keys):
    marker = "<!-- chartwarden:audit -->"
    theirs = {"id": 1, "body": f"quote {marker}", "user": {"login": "mallory"}}
    ours = {"id": 2, "body": f"{marker}\nold", "user": {"login": "chartwarden[bot]"}}
    server = Server({
        ("GET", "/repos/o/r/issues/2/comments"): httpx.Response(200, json=[theirs, ours]),
        ("GET", "/repos/o/r/issues/3/comments"): httpx.Response(200, json=[theirs]),
        ("PATCH", "/repos/o/r/issues/comments/2"): httpx.Response(200, json={"id": 2}),
        ("POST", "/repos/o/r/issues/3/comments"): httpx.Response(201, json={"id": 30}),
    })
    app = make_app(keys, server)

    async def scenario():
        async with app.forge(1) as forge:
            return (await forge.upsert_marker_comment("o/r", 2, marker, f"{marker}\nnew"),
                    await forge.upsert_marker_comment("o/r", 3, marker, f"{marker}\nfirst"))

    assert run(scenario()) == (2, 30)
    writes = [(r.method, r.url.path, json.loads(r.content)) for r in server.requests if r.method in ("PATCH", "POST") and "access_tokens" not in r.url.path]
    assert writes == [("PATCH", "/repos/o/r/issues/comments/2", {"body": f"{marker}\nnew"}),
                      ("POST", "/repos/o/r/issues/3/comments", {"body": f"{marker}\nfirst"})]


def test_files_permissions_pull_requests_and_tarballs(keys):
    content = {"type": "file", "encoding": "base64", "content": base64.b64encode(b"failOn: high\n").decode()}
    pr = {"number": 2, "state": "open", "draft": False, "head": {"sha": "h" * 40, "repo": {"full_name": "fork/r"}},
          "base": {"sha": "b" * 40, "ref": "main"}}
    server = Server({
        ("GET", "/repos/o/r/contents/.chartwarden.yaml"): httpx.Response(200, json=content),
        ("GET", "/repos/o/r/collaborators/alice/permission"): httpx.Response(200, json={"permission": "write"}),
        ("GET", "/repos/o/r/commits/" + "h" * 40 + "/pulls"): httpx.Response(200, json=[pr, {**pr, "number": 3, "state": "closed"}]),
        ("GET", "/repos/o/r/tarball/" + "h" * 40): httpx.Response(200, content=b"\x1f\x8b" + b"z" * 5000),
    })
    app = make_app(keys, server)

    async def scenario():
        async with app.forge(1) as forge:
            got = [await forge.get_file("o/r", ".chartwarden.yaml", "b" * 40), await forge.get_file("o/r", "missing", "b" * 40),
                   await forge.get_collaborator_permission("o/r", "alice"), await forge.get_collaborator_permission("o/r", "bob"),
                   await forge.pull_requests_for_commit("o/r", "h" * 40),
                   len(await forge.download_tarball("o/r", "h" * 40, 10_000))]
            with pytest.raises(ForgeError) as caught:
                await forge.download_tarball("o/r", "h" * 40, 4000)
            return got, str(caught.value)

    got, error = run(scenario())
    assert got[:4] == [b"failOn: high\n", None, "write", "none"]
    [only] = got[4]
    assert (only.number, only.head_sha, only.base_sha, only.base_ref, only.head_repo) == (2, "h" * 40, "b" * 40, "main", "fork/r")
    assert got[5] == 5002
    assert error == f"tarball of {'h' * 12} is over the 4000-byte limit"
    assert ("GET", "/repos/o/r/contents/.chartwarden.yaml?ref=" + "b" * 40) in server.seen()


def test_text_over_githubs_limits_is_cut_with_a_note(keys):
    server = Server({("PATCH", "/repos/o/r/check-runs/4"): httpx.Response(200, json={"id": 4}),
                     ("GET", "/repos/o/r/issues/2/comments"): httpx.Response(200, json=[]),
                     ("POST", "/repos/o/r/issues/2/comments"): httpx.Response(201, json={"id": 5})})
    app = make_app(keys, server)

    async def scenario():
        async with app.forge(1) as forge:
            await forge.update_check_run("o/r", 4, output=CheckOutput("t", "s" * 70_000, text="x" * 10))
            await forge.upsert_marker_comment("o/r", 2, "<!-- m -->", "<!-- m -->" + "b" * 70_000)

    run(scenario())
    summary = json.loads(server.requests[-3].content)["output"]["summary"]
    body = json.loads(server.requests[-1].content)["body"]
    assert (len(summary), summary[-30:]) == (65_535, "sss\n\n…(cut at GitHub's limit)\n")
    assert (len(body), body.startswith("<!-- m -->"), body.endswith("b\n\n…(cut at GitHub's limit)\n")) == (65_536, True, True)
