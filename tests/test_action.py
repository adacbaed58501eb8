"""The Action's entry command, run exactly as a runner would, and its metadata and pre-commit hook.

The pull-request comment tests point GITHUB_API_URL at a small recording proxy in front of a prism
mock of GitHub's REST description (tests/fixtures/openapi/github-trimmed.json, served with
`--errors`): every request the Action sends is checked against the description by prism, and the
proxy keeps it for the assertions. Where a test needs GitHub to answer something other than the
description's example (this PR's changed files, comments already posted, a read-only token's 403)
the proxy replaces the answer, but only after prism accepted the request.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jsonschema
import pytest
import yaml

from checks._registry import all_rules
from tests.needs import missing

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
PRISM = ROOT / ".tools/npm/node_modules/.bin/prism"
SPEC = FIXTURES / "openapi" / "github-trimmed.json"
REPO = "Codertocat/Hello-World"  # the repository of the recorded pull_request payload
PRIVILEGED = (
    "::error file=charts/web/values.yaml,line=5,title=container-privileged (critical)::container \"web\" runs privileged"
    " Fix: set `securityContext.privileged: false` (or remove the key) and add only the specific capability the process needs."
)
KEEP = {"container-privileged", "image-tag-latest-or-missing"}
CHART = {
    "Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
    "values.yaml": "image:\n  repository: nginx\n  tag: 1.27.0\nsecurityContext:\n  privileged: false\n",
    "templates/deploy.yaml": (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n"
        "  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n"
        '          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"\n          securityContext:\n'
        "            {{- toYaml .Values.securityContext | nindent 12 }}\n"
    ),
}


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def make_repo(tmp_path: Path) -> tuple[Path, str]:
    repo = tmp_path / "repo"
    for rel, text in CHART.items():
        (repo / "charts" / "web" / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / "charts" / "web" / rel).write_text(text)
    others = sorted(set(all_rules()) - KEEP)
    (repo / ".chartwarden.yaml").write_text(json.dumps({"failOn": "high", "checks": {"disable": others}}))
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "ci@example.invalid")
    git(repo, "config", "user.name", "ci")
    # the base already runs "latest"; the PR makes the container privileged
    values = repo / "charts" / "web" / "values.yaml"
    values.write_text(values.read_text().replace("tag: 1.27.0", "tag: latest"))
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "base")
    base = git(repo, "rev-parse", "HEAD")
    values.write_text(values.read_text().replace("privileged: false", "privileged: true"))
    git(repo, "commit", "-qam", "head")
    return repo, base


def run_action(tmp_path: Path, repo: Path, base: str, *, api_url: str | None = None, fork: bool = False,
               **inputs: str) -> tuple[subprocess.CompletedProcess, Path, Path]:
    event = json.loads((FIXTURES / "action" / "pull_request.opened.json").read_text())
    event["pull_request"]["base"]["sha"] = base  # the real payload, pointing at this test repo's base commit
    event["pull_request"]["head"]["sha"] = git(repo, "rev-parse", "HEAD")
    if fork:
        event["pull_request"]["head"]["repo"]["full_name"] = "someone/Hello-World"
    event_path = tmp_path / "event.json"
    event_path.write_text(json.dumps(event))
    summary, output = tmp_path / "summary.md", tmp_path / "output.txt"
    for stale in (summary, output):
        stale.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "INPUT_", "CHARTWARDEN_"))}
    env.update(
        GITHUB_WORKSPACE=str(repo),
        GITHUB_EVENT_NAME="pull_request",
        GITHUB_EVENT_PATH=str(event_path),
        GITHUB_STEP_SUMMARY=str(summary),
        GITHUB_OUTPUT=str(output),
        **{f"INPUT_{k.upper()}": v for k, v in inputs.items()},
    )
    if api_url is not None:  # what a runner sets, plus the repository and run the comment links to
        env.update(GITHUB_API_URL=api_url, GITHUB_REPOSITORY=REPO, GITHUB_SERVER_URL="https://github.com",
                   GITHUB_RUN_ID="4242", GITHUB_JOB="audit")
    proc = subprocess.run([sys.executable, "-m", "bot.cli", "action"], env=env, capture_output=True, text=True, cwd=tmp_path)
    return proc, summary, output


def test_action_on_a_pull_request(tmp_path):
    repo, base = make_repo(tmp_path)
    proc, summary, output = run_action(tmp_path, repo, base, **{"PATH": "charts/web", "FAIL-ON": "high"})
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.splitlines() == [
        PRIVILEGED,
        "::notice title=Chartwarden::Pull request comments skipped: no github_token."
        " Findings are in the annotations and the job summary.",
    ]
    assert output.read_text().splitlines() == ["score=5.0", "findings=2", "new-findings=1", "sarif-file=chartwarden.sarif"]
    text = summary.read_text()
    assert "| `charts/web` | 5.0/10 | 1 | 0 | 0 | 0 | 0 |" in text
    assert f"1 new, 0 fixed, 1 existing finding(s) since `{base[:12]}`; 2 in all." in text
    log = json.loads((repo / "chartwarden.sarif").read_text())
    schema = json.loads((FIXTURES / "schemas" / "sarif-2.1.0-rtm.5.json").read_text())
    jsonschema.Draft4Validator(schema).validate(log)
    assert sorted(r["ruleId"] for r in log["runs"][0]["results"]) == ["container-privileged", "image-tag-latest-or-missing"]


def test_action_inputs_with_underscores_and_no_baseline(tmp_path):
    repo, _ = make_repo(tmp_path)
    proc, _, output = run_action(tmp_path, repo, "0" * 40, PATH="charts/web", FAIL_ON="none", BASELINE="HEAD", SARIF_FILE="out.sarif")
    assert proc.returncode == 0, proc.stderr
    assert output.read_text().splitlines() == ["score=5.0", "findings=2", "new-findings=0", "sarif-file=out.sarif"]
    assert (repo / "out.sarif").is_file()


def test_action_metadata_is_valid(root):
    import importlib.resources

    schema_text = (importlib.resources.files("check_jsonschema") / "builtin_schemas" / "vendor" / "github-actions.json").read_text()
    metadata = yaml.safe_load((root / "action.yml").read_text())
    jsonschema.Draft7Validator(json.loads(schema_text)).validate(metadata)
    assert set(metadata["inputs"]) == {"path", "values", "kubernetes-version", "fail-on", "config", "baseline", "sarif-file", "github_token"}
    assert set(metadata["outputs"]) == {"score", "findings", "new-findings", "sarif-file"}


def test_pre_commit_hook_runs_on_a_chart(root, tmp_path):
    hooks = yaml.safe_load((root / ".pre-commit-hooks.yaml").read_text())
    assert [h["id"] for h in hooks] == ["chartwarden"]
    check = subprocess.run([str(Path(sys.executable).parent / "pre-commit"), "validate-manifest", str(root / ".pre-commit-hooks.yaml")], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    repo, _ = make_repo(tmp_path)
    entry = hooks[0]["entry"].split()
    entry[0] = str(Path(sys.executable).parent / entry[0])
    proc = subprocess.run([*entry, *hooks[0]["args"]], cwd=repo, capture_output=True, text=True)
    assert proc.returncode == 1
    assert "charts/web/values.yaml:5: critical: container-privileged: container \"web\" runs privileged [Deployment/web]" in proc.stdout


# -- pull-request comments through the token, against a prism mock of GitHub ---------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def prism_url(tmp_path_factory):
    """tests/service/test_forge_prism.py's mock: the trimmed description, `--errors`, on loopback."""
    if not PRISM.exists():
        missing("prism is not installed: run scripts/install-test-assets.sh")
    port = _free_port()
    log = tmp_path_factory.mktemp("prism") / "prism.log"
    with log.open("w") as out:
        proc = subprocess.Popen([str(PRISM), "mock", "--errors", "-h", "127.0.0.1", "-p", str(port), str(SPEC)],
                                stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while "Prism is listening" not in log.read_text():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"prism did not start:\n{log.read_text()[-2000:]}")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


class Recorder:
    """Requests seen, as (method, path, query, json body); `answers[(method, path)] = (status, json)`."""

    def __init__(self, upstream: str):
        self.upstream = upstream
        self.requests: list[tuple[str, str, str, object]] = []
        self.answers: dict[tuple[str, str], tuple[int, object]] = {}
        self.refused: list[str] = []  # prism's answers to requests that break the description

    @property
    def writes(self) -> list[tuple[str, str, object]]:
        return [(m, p, b) for m, p, _, b in self.requests if m != "GET"]


@pytest.fixture
def github(prism_url):
    """A recording proxy in front of prism; yields (its URL, the Recorder)."""
    recorder = Recorder(prism_url)

    class Handler(BaseHTTPRequestHandler):
        def _handle(self):
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            path, _, query = self.path.partition("?")
            recorder.requests.append((self.command, path, query, json.loads(raw) if raw else None))
            forwarded = urllib.request.Request(recorder.upstream + self.path, data=raw or None, method=self.command, headers={
                k: v for k, v in self.headers.items() if k.lower() in ("accept", "content-type", "authorization", "user-agent")})
            try:
                with urllib.request.urlopen(forwarded, timeout=10) as resp:
                    status, body = resp.status, resp.read()
            except urllib.error.HTTPError as exc:
                status, body = exc.code, exc.read()
                recorder.refused.append(f"{self.command} {self.path}: {status} {body[:500]!r}")
            if status < 400 and (self.command, path) in recorder.answers:  # accepted by the description
                status, data = recorder.answers[(self.command, path)]
                body = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", recorder
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def pr_files(repo: Path, base: str) -> list[dict]:
    """GitHub's answer to the PR's file list: the test repo's own diff, hunks without the header."""
    diff = git(repo, "diff", base, "HEAD", "--", "charts/web/values.yaml")
    patch = diff[diff.index("@@"):]
    return [{"sha": "bbcd538c8e72b8c175046e27cc8f907076331401", "filename": "charts/web/values.yaml", "status": "modified",
             "additions": 1, "deletions": 1, "changes": 2, "patch": patch,
             "blob_url": "", "raw_url": "", "contents_url": ""}]


def comment(id_: int, login: str, body: str, **extra) -> dict:
    return {"id": id_, "body": body, "user": {"login": login, "type": "Bot"}, **extra}


PULL = f"/repos/{REPO}/pulls/2"
ISSUE = f"/repos/{REPO}/issues/2"
NOTICE = re.compile(r"^::notice title=Chartwarden::Pull request comments skipped: (.*)$", re.M)


def test_pull_request_gets_the_apps_review_and_summary_comment(tmp_path, github):
    url, recorder = github
    repo, base = make_repo(tmp_path)
    head = git(repo, "rev-parse", "HEAD")
    recorder.answers[("GET", f"{PULL}/files")] = (200, pr_files(repo, base))
    recorder.answers[("GET", f"{PULL}/comments")] = (200, [])
    recorder.answers[("GET", f"{ISSUE}/comments")] = (200, [comment(3, "octocat", "Me too")])
    proc, summary, output = run_action(tmp_path, repo, base, api_url=url, PATH="charts/web", GITHUB_TOKEN="ghs_test")
    assert proc.returncode == 1, proc.stderr  # fail-on high (the config's), as without comments
    assert proc.stdout.splitlines()[0] == PRIVILEGED
    assert "Chartwarden: 1 review comment(s) and the summary comment on #2." in proc.stdout
    assert not NOTICE.search(proc.stdout) and "::warning" not in proc.stdout, proc.stdout
    assert output.read_text().splitlines() == ["score=5.0", "findings=2", "new-findings=1", "sarif-file=chartwarden.sarif"]
    assert "1 new, 0 fixed, 1 existing finding(s)" in summary.read_text()
    assert recorder.refused == []
    assert [(m, p, q) for m, p, q, _ in recorder.requests] == [
        ("GET", f"{PULL}/files", "per_page=100&page=1"),
        ("GET", f"{PULL}/comments", "per_page=100&page=1"),
        ("POST", f"{PULL}/reviews", ""),
        ("GET", f"{ISSUE}/comments", "per_page=100&page=1"),
        ("POST", f"{ISSUE}/comments", ""),
    ]
    review = recorder.requests[2][3]
    assert {k: review[k] for k in ("commit_id", "event")} == {"commit_id": head, "event": "COMMENT"}
    assert review["body"].startswith("Chartwarden: 1 new finding on lines this pull request changed")
    # only the new finding (the base already ran "latest"), on its changed line, with the fix as a suggestion
    [note] = review["comments"]
    assert (note["path"], note["line"], note["side"]) == ("charts/web/values.yaml", 5, "RIGHT")
    fingerprint = re.fullmatch(
        r'\*\*container-privileged\*\* \(critical\): container "web" runs privileged\n\n'
        r"Fix: set `securityContext\.privileged: false` .*\n\n"
        r"```suggestion\n  privileged: false\n```\n\n<!-- chartwarden:finding ([0-9a-f]+) -->", note["body"])
    assert fingerprint, note["body"]
    body = recorder.requests[4][3]["body"]
    assert body.startswith("<!-- chartwarden:audit -->\n### Chartwarden audit\n")
    assert "the **audit** check fails: 1 new finding (1 critical)." in body
    assert "| `charts/web` | 5.0/10 |" in body and "1 new, 0 fixed, 1 unchanged." in body
    assert f"[Workflow run](https://github.com/{REPO}/actions/runs/4242)" in body

    # the next run finds its comment and its summary: no second review, the summary edited in place
    recorder.requests.clear()
    recorder.answers[("GET", f"{PULL}/comments")] = (200, [
        comment(10, "octocat", f"same text <!-- chartwarden:finding {fingerprint.group(1)} -->", path="charts/web/values.yaml"),
        comment(11, "github-actions[bot]", note["body"], path="charts/web/values.yaml", line=5)])
    recorder.answers[("GET", f"{ISSUE}/comments")] = (200, [
        comment(3, "octocat", "<!-- chartwarden:audit --> quoted"), comment(7, "github-actions[bot]", body)])
    proc, _, _ = run_action(tmp_path, repo, base, api_url=url, PATH="charts/web", GITHUB_TOKEN="ghs_test")
    assert proc.returncode == 1, proc.stderr
    assert "Chartwarden: 0 review comment(s) and the summary comment on #2." in proc.stdout
    assert recorder.refused == []
    assert [(m, p) for m, p, _ in recorder.writes] == [("PATCH", f"/repos/{REPO}/issues/comments/7")]


def test_a_fork_pull_request_keeps_annotations_and_skips_comments(tmp_path, github):
    url, recorder = github
    repo, base = make_repo(tmp_path)
    proc, summary, output = run_action(tmp_path, repo, base, api_url=url, fork=True, PATH="charts/web", GITHUB_TOKEN="ghs_ro")
    assert proc.returncode == 1, proc.stderr  # fail-on decides, as ever
    assert proc.stdout.splitlines()[0] == PRIVILEGED
    assert NOTICE.findall(proc.stdout) == [
        "pull request from the fork someone/Hello-World: its token is read-only (use pull_request_target or a"
        " workflow_run job to comment). Findings are in the annotations and the job summary."]
    assert recorder.requests == []  # not even a read
    assert output.read_text().splitlines() == ["score=5.0", "findings=2", "new-findings=1", "sarif-file=chartwarden.sarif"]
    assert "1 new, 0 fixed, 1 existing finding(s)" in summary.read_text()


def test_a_read_only_token_degrades_to_annotations(tmp_path, github):
    url, recorder = github
    repo, base = make_repo(tmp_path)
    recorder.answers[("GET", f"{PULL}/files")] = (200, pr_files(repo, base))
    recorder.answers[("GET", f"{PULL}/comments")] = (200, [])
    recorder.answers[("POST", f"{PULL}/reviews")] = (403, {
        "message": "Resource not accessible by integration",
        "documentation_url": "https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request", "status": "403"})
    proc, summary, output = run_action(tmp_path, repo, base, api_url=url, PATH="charts/web", FAIL_ON="none", GITHUB_TOKEN="ghs_ro")
    assert proc.returncode == 0, proc.stderr  # fail-on none: the 403 does not fail the step either
    assert proc.stdout.splitlines()[0] == PRIVILEGED
    [why] = NOTICE.findall(proc.stdout)
    assert why.startswith(f"the token cannot write to {REPO} (review on #2: HTTP 403: Resource not accessible by integration)")
    assert "::warning" not in proc.stdout and "::error::" not in proc.stdout
    assert [(m, p) for m, p, _ in recorder.writes] == [("POST", f"{PULL}/reviews")]  # the summary comment is not tried
    assert recorder.refused == []
    assert output.read_text().splitlines() == ["score=5.0", "findings=2", "new-findings=1", "sarif-file=chartwarden.sarif"]
    assert summary.read_text()


def test_a_line_the_checkout_does_not_share_with_the_head_gets_no_comment(tmp_path, github):
    """A pull_request run checks out the merge commit: where its line is not the head's, no comment lands there."""
    url, recorder = github
    repo, base = make_repo(tmp_path)
    files = pr_files(repo, base)
    files[0]["patch"] = files[0]["patch"].replace("+  privileged: true", "+  privileged: yes")
    recorder.answers[("GET", f"{PULL}/files")] = (200, files)
    recorder.answers[("GET", f"{PULL}/comments")] = (200, [])
    recorder.answers[("GET", f"{ISSUE}/comments")] = (200, [])
    proc, _, _ = run_action(tmp_path, repo, base, api_url=url, PATH="charts/web", GITHUB_TOKEN="ghs_test")
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.splitlines()[0] == PRIVILEGED  # the annotation is still there
    assert "Chartwarden: 0 review comment(s) and the summary comment on #2." in proc.stdout
    assert [(m, p) for m, p, _ in recorder.writes] == [("POST", f"{ISSUE}/comments")]
    assert recorder.refused == []
