"""The one recording fake forge every service test uses.

It keeps repository trees by SHA (served as GitHub-shaped tarballs), pull requests, their changed
files (with unified-diff patches computed from the two trees), comments, permissions and check runs,
and records every call in `calls` as (method, arguments). Check-run updates follow GitHub: output
fields replace the previous ones, annotations append. `fail[method] = exc` makes a method raise.

It has two faces: the Forge protocol (handler tests call it directly), and GitHub's REST API over
HTTP (`await forge.http(request)`, an httpx handler) so the real adapter in bot/forge/github.py can
be driven against the same state: through httpx.MockTransport, or behind the local stub that stands
in front of the prism mock (tests/service/mockgithub.py).
"""

from __future__ import annotations

import contextlib
import difflib
import io
import json
import re
import tarfile
from dataclasses import replace
from urllib.parse import parse_qs

import httpx

from bot.forge.base import (
    ANNOTATIONS_PER_REQUEST,
    Annotation,
    ChangedFile,
    CheckOutput,
    ForgeError,
    HookDelivery,
    PostedComment,
    PullRequest,
    ReviewComment,
)


def make_tarball(files: dict[str, str | bytes], top: str = "owner-repo-0000000", symlinks: dict[str, str] | None = None) -> bytes:
    """A .tar.gz shaped like GitHub's: everything under one top folder."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        folder = tarfile.TarInfo(top)
        folder.type = tarfile.DIRTYPE
        folder.mode = 0o755
        tar.addfile(folder)
        for path, content in sorted(files.items()):
            data = content.encode() if isinstance(content, str) else content
            info = tarfile.TarInfo(f"{top}/{path}")
            info.size = len(data)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
        for path, target in sorted((symlinks or {}).items()):
            info = tarfile.TarInfo(f"{top}/{path}")
            info.type = tarfile.SYMTYPE
            info.linkname = target
            tar.addfile(info)
    return buffer.getvalue()


def patch(before: str | None, after: str | None) -> str:
    """GitHub's `patch` field: unified-diff hunks without the ---/+++ header."""
    lines = difflib.unified_diff((before or "").splitlines(), (after or "").splitlines(), lineterm="", n=3)
    return "\n".join(line for line in lines if not line.startswith(("---", "+++")))


class FakeForge:
    def __init__(self, *, bot_login: str = "chartwarden[bot]"):
        self.bot_login = bot_login
        self.calls: list[tuple[str, dict]] = []
        self.trees: dict[str, dict[str, str]] = {}
        self.tarballs: dict[str, bytes] = {}
        self.pulls: dict[int, PullRequest] = {}
        self.files: dict[int, list[ChangedFile]] = {}
        self.review_comments: dict[int, list[PostedComment]] = {}
        self.issue_comments: dict[int, list[PostedComment]] = {}
        self.permissions: dict[str, str] = {}
        self.check_runs: dict[int, dict] = {}
        self.reviews: list[dict] = []
        self.fail: dict[str, Exception] = {}
        self.http_requests: list[tuple[str, str, dict]] = []  # (method, path, JSON body) through the HTTP face
        self.hook_deliveries: list[HookDelivery] = []  # the App's delivery log, newest first
        self.deliveries_per_page = 100
        self.redelivery_status = 502  # how the attempts GitHub makes when asked to redeliver turn out
        self.now = None  # when those attempts happen (default: when the attempt asked for did)
        self._ids = 1000

    # -- set-up helpers ------------------------------------------------------------------------

    def _next_id(self) -> int:
        self._ids += 1
        return self._ids

    def add_tree(self, sha: str, files: dict[str, str], symlinks: dict[str, str] | None = None) -> None:
        self.trees[sha] = dict(files)
        self.tarballs[sha] = make_tarball(files, top=f"owner-repo-{sha[:7]}", symlinks=symlinks)

    def open_pull_request(self, number: int, base_sha: str, head_sha: str, base_ref: str = "main") -> PullRequest:
        """Register a PR between two added trees; its changed files get patches from the trees."""
        pr = PullRequest(number=number, head_sha=head_sha, base_sha=base_sha, base_ref=base_ref, head_repo="owner/repo")
        self.pulls[number] = pr
        base, head = self.trees[base_sha], self.trees[head_sha]
        changed = []
        for path in sorted(set(base) | set(head)):
            if base.get(path) == head.get(path):
                continue
            status = "added" if path not in base else "removed" if path not in head else "modified"
            changed.append(ChangedFile(path=path, status=status, patch=patch(base.get(path), head.get(path))))
        self.files[number] = changed
        return pr

    def add_hook_delivery(self, id: int, guid: str, delivered_at, status_code: int, event: str = "pull_request",
                          action: str = "opened", redelivery: bool = False) -> HookDelivery:
        attempt = HookDelivery(id=id, guid=guid, delivered_at=delivered_at, status="OK" if 200 <= status_code < 300 else
                               "Invalid HTTP Response: 502" if status_code else "timed out", status_code=status_code,
                               event=event, action=action, redelivery=redelivery)
        self.hook_deliveries.append(attempt)
        self.hook_deliveries.sort(key=lambda d: (d.delivered_at, d.id), reverse=True)
        return attempt

    @contextlib.asynccontextmanager
    async def factory(self, installation_id: int):
        """A forge_factory for create_app / the dispatcher: always this fake."""
        self.calls.append(("for_installation", {"installation_id": installation_id}))
        yield self

    def _record(self, method: str, **args) -> None:
        self.calls.append((method, args))
        if method in self.fail:
            raise self.fail[method]

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]

    # -- the Forge protocol ----------------------------------------------------------------------

    async def get_file(self, repo: str, path: str, ref: str) -> bytes | None:
        self._record("get_file", repo=repo, path=path, ref=ref)
        content = self.trees.get(ref, {}).get(path)
        return content.encode() if content is not None else None

    async def get_pull_request(self, repo: str, number: int) -> PullRequest:
        self._record("get_pull_request", repo=repo, number=number)
        if number not in self.pulls:
            raise ForgeError(f"get pull request #{number}: HTTP 404: Not Found", 404)
        return self.pulls[number]

    async def pull_requests_for_commit(self, repo: str, sha: str) -> list[PullRequest]:
        self._record("pull_requests_for_commit", repo=repo, sha=sha)
        return [pr for pr in self.pulls.values() if pr.head_sha == sha and pr.state == "open"]

    async def list_changed_files(self, repo: str, number: int) -> list[ChangedFile]:
        self._record("list_changed_files", repo=repo, number=number)
        return list(self.files.get(number, []))

    async def download_tarball(self, repo: str, sha: str, max_bytes: int) -> bytes:
        self._record("download_tarball", repo=repo, sha=sha)
        data = self.tarballs[sha]
        if len(data) > max_bytes:
            raise ForgeError(f"tarball of {sha[:12]} is over the {max_bytes}-byte limit")
        return data

    async def create_check_run(self, repo: str, *, name: str, head_sha: str, status: str,
                               output: CheckOutput | None = None, external_id: str = "") -> int:
        self._record("create_check_run", repo=repo, name=name, head_sha=head_sha, status=status, output=output, external_id=external_id)
        run_id = self._next_id()
        self.check_runs[run_id] = {"name": name, "head_sha": head_sha, "status": status, "conclusion": None,
                                   "title": None, "summary": None, "annotations": [], "requests": 1}
        if output is not None:
            self._apply(self.check_runs[run_id], output)
        return run_id

    @staticmethod
    def _apply(run: dict, output: CheckOutput) -> None:
        if len(output.annotations) > ANNOTATIONS_PER_REQUEST:
            raise AssertionError(f"{len(output.annotations)} annotations in one request")
        run["title"], run["summary"] = output.title, output.summary
        run["annotations"] += list(output.annotations)

    async def update_check_run(self, repo: str, check_run_id: int, *, status: str | None = None,
                               conclusion: str | None = None, output: CheckOutput | None = None) -> None:
        self._record("update_check_run", repo=repo, check_run_id=check_run_id, status=status, conclusion=conclusion, output=output)
        run = self.check_runs[check_run_id]
        run["requests"] += 1
        if conclusion is not None:
            run["status"], run["conclusion"] = "completed", conclusion
        elif status is not None:
            run["status"] = status
        if output is not None:
            self._apply(run, output)

    async def list_review_comments(self, repo: str, number: int) -> list[PostedComment]:
        self._record("list_review_comments", repo=repo, number=number)
        return list(self.review_comments.get(number, []))

    async def create_review(self, repo: str, number: int, *, commit_id: str, body: str, comments: list[ReviewComment]) -> int:
        self._record("create_review", repo=repo, number=number, commit_id=commit_id, body=body, comments=list(comments))
        review_id = self._next_id()
        self.reviews.append({"id": review_id, "number": number, "commit_id": commit_id, "body": body, "comments": list(comments)})
        for comment in comments:
            self.review_comments.setdefault(number, []).append(
                PostedComment(id=self._next_id(), body=comment.body, user_login=self.bot_login, path=comment.path, line=comment.line))
        return review_id

    async def upsert_marker_comment(self, repo: str, number: int, marker: str, body: str) -> int:
        self._record("upsert_marker_comment", repo=repo, number=number, marker=marker, body=body)
        comments = self.issue_comments.setdefault(number, [])
        for index, comment in enumerate(comments):
            if marker in comment.body and comment.user_login == self.bot_login:
                comments[index] = replace(comment, body=body)
                return comment.id
        comment = PostedComment(id=self._next_id(), body=body, user_login=self.bot_login)
        comments.append(comment)
        return comment.id

    async def create_comment(self, repo: str, number: int, body: str) -> int:
        self._record("create_comment", repo=repo, number=number, body=body)
        comment = PostedComment(id=self._next_id(), body=body, user_login=self.bot_login)
        self.issue_comments.setdefault(number, []).append(comment)
        return comment.id

    async def get_collaborator_permission(self, repo: str, login: str) -> str:
        self._record("get_collaborator_permission", repo=repo, login=login)
        return self.permissions.get(login, "none")

    # -- the App's delivery log (the DeliveryLog protocol) --------------------------------------

    async def list_deliveries(self, cursor: str = "") -> tuple[list[HookDelivery], str]:
        self._record("list_deliveries", cursor=cursor)
        start = int(cursor or 0)
        end = start + self.deliveries_per_page
        return self.hook_deliveries[start:end], str(end) if end < len(self.hook_deliveries) else ""

    async def redeliver(self, delivery_id: int) -> None:
        self._record("redeliver", delivery_id=delivery_id)
        [asked] = [d for d in self.hook_deliveries if d.id == delivery_id]
        self.add_hook_delivery(self._next_id(), asked.guid, self.now or asked.delivered_at, self.redelivery_status,
                               asked.event, asked.action, redelivery=True)

    # -- the HTTP face: GitHub's REST API over the same state -----------------------------------

    TOKEN_PREFIX = "ghs_fake_installation_"

    async def http(self, request: httpx.Request) -> httpx.Response:
        """Answer one GitHub REST request from this fake's state (an httpx MockTransport handler)."""
        await request.aread()
        path = request.url.path
        query = {k: v[-1] for k, v in parse_qs(request.url.query.decode()).items()}
        body = json.loads(request.content) if request.content else {}
        self.http_requests.append((request.method, path, body))
        for method, pattern, name in _ROUTES:
            match = re.fullmatch(pattern, path)
            if method == request.method and match:
                try:
                    return await getattr(self, f"_http_{name}")(*match.groups(), query=query, body=body)
                except ForgeError as exc:
                    return httpx.Response(exc.status or 500, json={"message": str(exc)})
        return httpx.Response(404, json={"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})

    @staticmethod
    def _page(items: list, query: dict) -> list:
        per_page, page = int(query.get("per_page", 30)), int(query.get("page", 1))
        return items[(page - 1) * per_page: page * per_page]

    @staticmethod
    def _pr_json(pr: PullRequest) -> dict:
        return {"number": pr.number, "state": pr.state, "draft": pr.draft,
                "head": {"sha": pr.head_sha, "repo": {"full_name": pr.head_repo}},
                "base": {"sha": pr.base_sha, "ref": pr.base_ref}}

    async def _http_token(self, installation_id: str, **_) -> httpx.Response:
        return httpx.Response(201, json={"token": f"{self.TOKEN_PREFIX}{installation_id}", "expires_at": "2099-01-01T00:00:00Z",
                                         "permissions": {"checks": "write", "pull_requests": "write"},
                                         "repository_selection": "all"})

    async def _http_deliveries(self, *, query: dict, **_) -> httpx.Response:
        per_page, self.deliveries_per_page = self.deliveries_per_page, int(query.get("per_page", 30))
        try:
            page, cursor = await self.list_deliveries(query.get("cursor", ""))
        finally:
            self.deliveries_per_page = per_page
        items = [{"id": d.id, "guid": d.guid, "delivered_at": d.delivered_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                  "redelivery": d.redelivery, "duration": 0.1, "status": d.status, "status_code": d.status_code,
                  "event": d.event, "action": d.action, "installation_id": 1, "repository_id": 1} for d in page]
        link = f'<http://github.test/app/hook/deliveries?per_page={query.get("per_page", 30)}&cursor={cursor}>; rel="next"'
        return httpx.Response(200, json=items, headers={"link": link} if cursor else {})

    async def _http_redeliver(self, delivery_id: str, **_) -> httpx.Response:
        await self.redeliver(int(delivery_id))
        return httpx.Response(202, json={})

    async def _http_tarball(self, owner: str, repo: str, sha: str, **_) -> httpx.Response:
        data = await self.download_tarball(f"{owner}/{repo}", sha, 1 << 40)
        return httpx.Response(200, content=data, headers={"content-type": "application/x-gzip"})

    async def _http_pull(self, owner: str, repo: str, number: str, **_) -> httpx.Response:
        return httpx.Response(200, json=self._pr_json(await self.get_pull_request(f"{owner}/{repo}", int(number))))

    async def _http_pulls_for_commit(self, owner: str, repo: str, sha: str, **_) -> httpx.Response:
        return httpx.Response(200, json=[self._pr_json(pr) for pr in await self.pull_requests_for_commit(f"{owner}/{repo}", sha)])

    async def _http_files(self, owner: str, repo: str, number: str, *, query: dict, **_) -> httpx.Response:
        files = await self.list_changed_files(f"{owner}/{repo}", int(number))
        items = [{"filename": f.path, "status": f.status, **({"patch": f.patch} if f.patch is not None else {}),
                  **({"previous_filename": f.previous_path} if f.previous_path else {})} for f in files]
        return httpx.Response(200, json=self._page(items, query))

    async def _http_review_comments(self, owner: str, repo: str, number: str, *, query: dict, **_) -> httpx.Response:
        comments = await self.list_review_comments(f"{owner}/{repo}", int(number))
        items = [{"id": c.id, "body": c.body, "user": {"login": c.user_login}, "path": c.path, "line": c.line} for c in comments]
        return httpx.Response(200, json=self._page(items, query))

    async def _http_review(self, owner: str, repo: str, number: str, *, body: dict, **_) -> httpx.Response:
        comments = [ReviewComment(path=c["path"], line=c["line"], body=c["body"], side=c.get("side", "RIGHT"),
                                  start_line=c.get("start_line")) for c in body.get("comments", [])]
        review_id = await self.create_review(f"{owner}/{repo}", int(number), commit_id=body["commit_id"], body=body["body"],
                                             comments=comments)
        return httpx.Response(200, json={"id": review_id, "state": "COMMENTED", "body": body["body"]})

    async def _http_issue_comments(self, owner: str, repo: str, number: str, *, query: dict, **_) -> httpx.Response:
        self._record("list_issue_comments", repo=f"{owner}/{repo}", number=int(number))
        items = [{"id": c.id, "body": c.body, "user": {"login": c.user_login}} for c in self.issue_comments.get(int(number), [])]
        return httpx.Response(200, json=self._page(items, query))

    async def _http_create_comment(self, owner: str, repo: str, number: str, *, body: dict, **_) -> httpx.Response:
        comment_id = await self.create_comment(f"{owner}/{repo}", int(number), body["body"])
        return httpx.Response(201, json={"id": comment_id, "body": body["body"], "user": {"login": self.bot_login}})

    async def _http_edit_comment(self, owner: str, repo: str, comment_id: str, *, body: dict, **_) -> httpx.Response:
        self._record("edit_comment", repo=f"{owner}/{repo}", comment_id=int(comment_id), body=body["body"])
        for number, comments in self.issue_comments.items():
            for index, comment in enumerate(comments):
                if comment.id == int(comment_id):
                    comments[index] = replace(comment, body=body["body"])
                    return httpx.Response(200, json={"id": comment.id, "body": body["body"]})
        return httpx.Response(404, json={"message": "Not Found"})

    async def _http_create_check_run(self, owner: str, repo: str, *, body: dict, **_) -> httpx.Response:
        run_id = await self.create_check_run(f"{owner}/{repo}", name=body["name"], head_sha=body["head_sha"],
                                             status=body.get("status", "queued"), output=_output(body.get("output")),
                                             external_id=body.get("external_id", ""))
        return httpx.Response(201, json={"id": run_id, "head_sha": body["head_sha"], "status": body.get("status", "queued")})

    async def _http_update_check_run(self, owner: str, repo: str, run_id: str, *, body: dict, **_) -> httpx.Response:
        await self.update_check_run(f"{owner}/{repo}", int(run_id), status=body.get("status"),
                                    conclusion=body.get("conclusion"), output=_output(body.get("output")))
        return httpx.Response(200, json={"id": int(run_id), **{k: v for k, v in self.check_runs[int(run_id)].items()
                                                                if k in ("status", "conclusion", "head_sha")}})

    async def _http_permission(self, owner: str, repo: str, login: str, **_) -> httpx.Response:
        permission = await self.get_collaborator_permission(f"{owner}/{repo}", login)
        if permission == "none":
            return httpx.Response(404, json={"message": "Not Found"})
        return httpx.Response(200, json={"permission": permission, "user": {"login": login}})

    async def _http_contents(self, owner: str, repo: str, path: str, *, query: dict, **_) -> httpx.Response:
        import base64

        content = await self.get_file(f"{owner}/{repo}", path, query.get("ref", ""))
        if content is None:
            return httpx.Response(404, json={"message": "Not Found"})
        return httpx.Response(200, json={"type": "file", "path": path, "encoding": "base64",
                                         "content": base64.b64encode(content).decode()})


def _output(data: dict | None) -> CheckOutput | None:
    if data is None:
        return None
    notes = tuple(Annotation(path=a["path"], start_line=a["start_line"], end_line=a["end_line"], level=a["annotation_level"],
                             message=a["message"], title=a.get("title", "")) for a in data.get("annotations", []))
    return CheckOutput(title=data["title"], summary=data["summary"], text=data.get("text", ""), annotations=notes)


_REPO = r"/repos/([^/]+)/([^/]+)"
_ROUTES = [
    ("POST", r"/app/installations/(\d+)/access_tokens", "token"),
    ("GET", r"/app/hook/deliveries", "deliveries"),
    ("POST", r"/app/hook/deliveries/(\d+)/attempts", "redeliver"),
    ("GET", _REPO + r"/tarball/([^/]+)", "tarball"),
    ("GET", _REPO + r"/pulls/(\d+)", "pull"),
    ("GET", _REPO + r"/commits/([^/]+)/pulls", "pulls_for_commit"),
    ("GET", _REPO + r"/pulls/(\d+)/files", "files"),
    ("GET", _REPO + r"/pulls/(\d+)/comments", "review_comments"),
    ("POST", _REPO + r"/pulls/(\d+)/reviews", "review"),
    ("GET", _REPO + r"/issues/(\d+)/comments", "issue_comments"),
    ("POST", _REPO + r"/issues/(\d+)/comments", "create_comment"),
    ("PATCH", _REPO + r"/issues/comments/(\d+)", "edit_comment"),
    ("POST", _REPO + r"/check-runs", "create_check_run"),
    ("PATCH", _REPO + r"/check-runs/(\d+)", "update_check_run"),
    ("GET", _REPO + r"/collaborators/([^/]+)/permission", "permission"),
    ("GET", _REPO + r"/contents/(.+)", "contents"),
]
