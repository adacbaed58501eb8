"""The one recording fake forge every service test uses.

It keeps repository trees by SHA (served as GitHub-shaped tarballs), pull requests, their changed
files (with unified-diff patches computed from the two trees), comments, permissions and check runs,
and records every call in `calls` as (method, arguments). Check-run updates follow GitHub: output
fields replace the previous ones, annotations append. `fail[method] = exc` makes a method raise.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import tarfile
from dataclasses import replace

from bot.forge.base import ANNOTATIONS_PER_REQUEST, ChangedFile, CheckOutput, ForgeError, PostedComment, PullRequest, ReviewComment


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

    async def get_collaborator_permission(self, repo: str, login: str) -> str:
        self._record("get_collaborator_permission", repo=repo, login=login)
        return self.permissions.get(login, "none")
