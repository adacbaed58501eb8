"""The GitHub adapter: the Forge protocol over githubkit, authenticated as a GitHub App.

`GitHubApp` holds the App-level client (JWT auth, one token cache, one throttler, our retry policy)
and hands out a `GitHubForge` per installation: `async with app.forge(installation_id) as forge`.
Installation tokens are cached by githubkit until a minute before they expire, in a cache private to
this `GitHubApp` (githubkit's default cache is process-global).

Rate limits: a wait GitHub asks for (Retry-After, or x-ratelimit-reset when remaining is 0) of up to
`max_wait` seconds is slept inside the request, once; a longer one becomes `RetryLater` so the job
goes back to the queue with that delay instead of pinning a worker. A secondary-limit 403/429 without
those headers waits at least a minute (GitHub's guidance), also through the queue. 5xx and network
errors are retried twice with 1 s and 2 s pauses.

Responses are read as plain JSON (`resp.json()`), not through githubkit's strict models, so a field
GitHub adds or drops does not break a job.
"""

from __future__ import annotations

import base64
import contextlib
from datetime import timedelta
from typing import AsyncIterator

from githubkit import AppAuthStrategy, GitHub
from githubkit.cache import MemCacheStrategy
from githubkit.exception import GitHubException, RateLimitExceeded, RequestError, RequestFailed
from githubkit.retry import RetryOption
from githubkit.throttling import LocalThrottler

from bot import __version__
from bot.forge.base import (
    ANNOTATIONS_PER_REQUEST,
    ChangedFile,
    CheckOutput,
    ForgeError,
    PostedComment,
    PullRequest,
    ReviewComment,
)
from bot.worker import RetryLater

SECONDARY_MIN_WAIT = timedelta(seconds=60)
MAX_PAGES = 30  # 3000 files: GitHub's own cap on a pull request's file list


def _is_secondary_limit(exc: GitHubException) -> bool:
    if not isinstance(exc, RequestFailed) or exc.response.status_code not in (403, 429):
        return False
    try:
        message = str(exc.response.json().get("message", ""))
    except Exception:
        message = exc.response.text
    return "secondary rate limit" in message.lower() or exc.response.status_code == 429


def retry_policy(max_wait: timedelta):
    """githubkit's auto_retry decision: short waits in place, long ones back to the queue."""

    def decide(exc: GitHubException, count: int) -> RetryOption:
        if isinstance(exc, RateLimitExceeded):
            if count < 1 and exc.retry_after <= max_wait:
                return RetryOption(True, exc.retry_after)
            return RetryOption(False)
        if isinstance(exc, RequestFailed):
            if exc.response.status_code >= 500 and count < 2:
                return RetryOption(True, timedelta(seconds=2**count))
            return RetryOption(False)
        if isinstance(exc, RequestError) and count < 2:
            return RetryOption(True, timedelta(seconds=2**count))
        return RetryOption(False)

    return decide


def _split(repo: str) -> tuple[str, str]:
    owner, _, name = repo.partition("/")
    if not owner or not name:
        raise ValueError(f"repository {repo!r} is not owner/name")
    return owner, name


def _pull_request(data: dict) -> PullRequest:
    head, base = data.get("head") or {}, data.get("base") or {}
    return PullRequest(
        number=int(data["number"]),
        head_sha=str(head.get("sha") or ""),
        base_sha=str(base.get("sha") or ""),
        base_ref=str(base.get("ref") or ""),
        head_repo=str((head.get("repo") or {}).get("full_name") or ""),
        state=str(data.get("state") or ""),
        draft=bool(data.get("draft")),
    )


class GitHubForge:
    """The Forge protocol for one installation (an installation-authenticated githubkit client)."""

    def __init__(self, gh: GitHub, *, bot_login: str):
        self.gh = gh
        self.bot_login = bot_login

    async def _call(self, what: str, request):
        try:
            return await request
        except RateLimitExceeded as exc:
            raise RetryLater(f"GitHub rate limit on {what}", max(exc.retry_after, timedelta(seconds=1))) from None
        except RequestFailed as exc:
            if _is_secondary_limit(exc):
                raise RetryLater(f"GitHub secondary rate limit on {what}", SECONDARY_MIN_WAIT) from None
            status = exc.response.status_code
            try:
                detail = exc.response.json().get("message", "")
            except Exception:
                detail = exc.response.text[:200]
            raise ForgeError(f"{what}: HTTP {status}: {detail}", status) from None
        except RequestError as exc:
            raise ForgeError(f"{what}: {exc}") from None

    async def get_file(self, repo: str, path: str, ref: str) -> bytes | None:
        owner, name = _split(repo)
        try:
            resp = await self._call(f"get {path}", self.gh.rest.repos.async_get_content(owner, name, path, ref=ref))
        except ForgeError as exc:
            if exc.status == 404:
                return None
            raise
        data = resp.json()
        if not isinstance(data, dict) or data.get("type") != "file":
            return None
        return base64.b64decode(data.get("content") or "")

    async def get_pull_request(self, repo: str, number: int) -> PullRequest:
        owner, name = _split(repo)
        resp = await self._call(f"get pull request #{number}", self.gh.rest.pulls.async_get(owner, name, number))
        return _pull_request(resp.json())

    async def pull_requests_for_commit(self, repo: str, sha: str) -> list[PullRequest]:
        owner, name = _split(repo)
        resp = await self._call(
            f"pull requests of {sha[:12]}",
            self.gh.rest.repos.async_list_pull_requests_associated_with_commit(owner, name, sha, per_page=100),
        )
        return [
            _pull_request(item) for item in resp.json()
            if item.get("state") == "open" and (item.get("head") or {}).get("sha") == sha
        ]

    async def list_changed_files(self, repo: str, number: int) -> list[ChangedFile]:
        owner, name = _split(repo)
        files: list[ChangedFile] = []
        for page in range(1, MAX_PAGES + 1):
            resp = await self._call(
                f"files of pull request #{number}",
                self.gh.rest.pulls.async_list_files(owner, name, number, per_page=100, page=page),
            )
            batch = resp.json()
            files += [
                ChangedFile(path=item["filename"], status=item.get("status", "modified"), patch=item.get("patch"),
                            previous_path=item.get("previous_filename") or "")
                for item in batch
            ]
            if len(batch) < 100:
                break
        return files

    async def download_tarball(self, repo: str, sha: str, max_bytes: int) -> bytes:
        owner, name = _split(repo)
        resp = await self._call(
            f"tarball of {sha[:12]}", self.gh.rest.repos.async_download_tarball_archive(owner, name, sha, stream=True)
        )
        chunks: list[bytes] = []
        size = 0
        async for chunk in resp.aiter_bytes():
            size += len(chunk)
            if size > max_bytes:
                await resp.raw_response.aclose()
                raise ForgeError(f"tarball of {sha[:12]} is over the {max_bytes}-byte limit")
            chunks.append(chunk)
        return b"".join(chunks)

    async def create_check_run(self, repo: str, *, name: str, head_sha: str, status: str,
                               output: CheckOutput | None = None, external_id: str = "") -> int:
        owner, repo_name = _split(repo)
        data: dict = {"name": name, "head_sha": head_sha, "status": status}
        if external_id:
            data["external_id"] = external_id
        if output is not None:
            data["output"] = output.as_dict()
        resp = await self._call("create check run", self.gh.rest.checks.async_create(owner, repo_name, data=data))
        return int(resp.json()["id"])

    async def update_check_run(self, repo: str, check_run_id: int, *, status: str | None = None,
                               conclusion: str | None = None, output: CheckOutput | None = None) -> None:
        owner, name = _split(repo)
        data: dict = {}
        if status is not None:
            data["status"] = status
        if conclusion is not None:
            data["conclusion"] = conclusion
        if output is not None:
            if len(output.annotations) > ANNOTATIONS_PER_REQUEST:
                raise ValueError(f"at most {ANNOTATIONS_PER_REQUEST} annotations per request")
            data["output"] = output.as_dict()
        await self._call("update check run", self.gh.rest.checks.async_update(owner, name, check_run_id, data=data))

    async def list_review_comments(self, repo: str, number: int) -> list[PostedComment]:
        owner, name = _split(repo)
        found: list[PostedComment] = []
        for page in range(1, MAX_PAGES + 1):
            resp = await self._call(
                f"review comments of #{number}",
                self.gh.rest.pulls.async_list_review_comments(owner, name, number, per_page=100, page=page),
            )
            batch = resp.json()
            found += [
                PostedComment(id=int(item["id"]), body=item.get("body") or "", user_login=(item.get("user") or {}).get("login", ""),
                              path=item.get("path") or "", line=item.get("line"))
                for item in batch
            ]
            if len(batch) < 100:
                break
        return found

    async def create_review(self, repo: str, number: int, *, commit_id: str, body: str,
                            comments: list[ReviewComment]) -> int:
        owner, name = _split(repo)
        data = {"commit_id": commit_id, "body": body, "event": "COMMENT", "comments": [c.as_dict() for c in comments]}
        resp = await self._call(f"review on #{number}", self.gh.rest.pulls.async_create_review(owner, name, number, data=data))
        return int(resp.json()["id"])

    async def upsert_marker_comment(self, repo: str, number: int, marker: str, body: str) -> int:
        owner, name = _split(repo)
        for page in range(1, MAX_PAGES + 1):
            resp = await self._call(
                f"comments of #{number}", self.gh.rest.issues.async_list_comments(owner, name, number, per_page=100, page=page)
            )
            batch = resp.json()
            for item in batch:
                if marker in (item.get("body") or "") and (item.get("user") or {}).get("login") == self.bot_login:
                    await self._call(
                        "edit summary comment",
                        self.gh.rest.issues.async_update_comment(owner, name, int(item["id"]), data={"body": body}),
                    )
                    return int(item["id"])
            if len(batch) < 100:
                break
        resp = await self._call(
            "create summary comment", self.gh.rest.issues.async_create_comment(owner, name, number, data={"body": body})
        )
        return int(resp.json()["id"])

    async def create_comment(self, repo: str, number: int, body: str) -> int:
        owner, name = _split(repo)
        resp = await self._call(f"comment on #{number}", self.gh.rest.issues.async_create_comment(owner, name, number, data={"body": body}))
        return int(resp.json()["id"])

    async def get_collaborator_permission(self, repo: str, login: str) -> str:
        owner, name = _split(repo)
        try:
            resp = await self._call(
                f"permission of {login}", self.gh.rest.repos.async_get_collaborator_permission_level(owner, name, login)
            )
        except ForgeError as exc:
            if exc.status == 404:
                return "none"
            raise
        return str(resp.json().get("permission") or "none")


class GitHubApp:
    """The App-level client; `forge(installation_id)` yields a GitHubForge for one job."""

    def __init__(self, *, app_id: int, private_key: str, api_url: str, bot_login: str, metrics=None,
                 max_wait: timedelta = timedelta(seconds=60), transport=None, timeout: float = 30.0):
        hooks = {"response": [self._on_response]} if metrics is not None else None
        self.metrics = metrics
        self.bot_login = bot_login
        self.gh = GitHub(
            AppAuthStrategy(app_id=app_id, private_key=private_key),
            base_url=api_url,
            user_agent=f"chartwarden/{__version__}",
            timeout=timeout,
            auto_retry=retry_policy(max_wait),
            throttler=LocalThrottler(20),
            http_cache=False,
            cache_strategy=MemCacheStrategy(),
            async_transport=transport,
            async_event_hooks=hooks,
        )

    @classmethod
    def from_settings(cls, settings, metrics=None, **kw) -> "GitHubApp":
        return cls(app_id=settings.app_id, private_key=settings.private_key, api_url=settings.github_api_url,
                   bot_login=settings.bot_login, metrics=metrics,
                   max_wait=timedelta(seconds=settings.rate_limit_max_wait_seconds), **kw)

    async def _on_response(self, response) -> None:
        self.metrics.github_response(response.request.method, response.status_code, response.headers)

    @contextlib.asynccontextmanager
    async def forge(self, installation_id: int) -> AsyncIterator[GitHubForge]:
        gh = self.gh.with_auth(self.gh.auth.as_installation(installation_id))
        async with gh:
            yield GitHubForge(gh, bot_login=self.bot_login)
