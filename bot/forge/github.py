"""The GitHub adapter: the Forge protocol over githubkit, authenticated as a GitHub App.

`GitHubApp` holds the App-level client (JWT auth, one token cache, one throttler) and hands out a
`GitHubForge` per installation: `async with app.forge(installation_id) as forge`. Installation
tokens are cached by githubkit until a minute before they expire, in a cache private to this
`GitHubApp` (githubkit's default cache is process-global).

Rate limits: every answer is read for a limit. A 403/429 with Retry-After, or with
x-ratelimit-remaining 0 and x-ratelimit-reset, a secondary-limit 403/429 without those headers (wait
a minute: GitHub's guidance), and any answer announcing remaining 0 close the installation's gate
(`RateGate`, shared by every forge of one GitHubApp) until that time. No request of that
installation is sent before it opens again: a wait of up to `max_wait` seconds is slept before
sending, a longer one raises `RetryLater` so the job goes back to the queue (and the worker parks the
installation's other queued jobs) instead of pinning a worker. 5xx answers and network errors are
retried twice, after `server_pause` and twice that. The clock and the sleep are injectable, so
tests run hours of waits in no time.

Responses are read as plain JSON (`resp.json()`), not through githubkit's strict models, so a field
GitHub adds or drops does not break a job.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import time
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import AsyncIterator, Awaitable, Callable, Hashable
from urllib.parse import parse_qs, urlsplit

import httpx
from githubkit import AppAuthStrategy, GitHub
from githubkit.cache import MemCacheStrategy
from githubkit.exception import RequestError, RequestFailed
from githubkit.throttling import LocalThrottler

from bot import __version__
from bot.forge.base import (
    ANNOTATIONS_PER_REQUEST,
    ChangedFile,
    CheckOutput,
    ForgeError,
    HookDelivery,
    PostedComment,
    PullRequest,
    ReviewComment,
    fit,
)
from bot.worker import RetryLater

SECONDARY_MIN_WAIT = 60.0  # seconds: GitHub's guidance when a secondary limit names no time
MAX_BODY = 65_536  # comment and review bodies ("Body is too long (maximum is 65536 characters)")
MAX_PAGES = 30  # 3000 files: GitHub's own cap on a pull request's file list
SERVER_RETRIES = 2
LIMIT_RETRIES = 3  # limits met by one call before it goes back to the queue, however short they are
APP = "app"  # the gate key of App-level (JWT) requests


def _message(response: httpx.Response) -> str:
    try:
        data = response.json()
    except Exception:
        return response.text[:200]
    return str(data.get("message", "")) if isinstance(data, dict) else ""


def _seconds_until(value: str | None, now: float) -> float | None:
    """Retry-After as seconds from now: a number of seconds, or an HTTP date."""
    if value is None:
        return None
    value = value.strip()
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        return max(parsedate_to_datetime(value).timestamp() - now, 0.0)
    except (TypeError, ValueError):
        return None


def limit_until(response: httpx.Response, now: float) -> tuple[float, str] | None:
    """(epoch seconds, "rate limit" | "secondary rate limit") when `response` says to wait, else None."""
    headers = response.headers
    exhausted = headers.get("x-ratelimit-remaining") == "0"
    try:
        reset = float(headers["x-ratelimit-reset"]) if "x-ratelimit-reset" in headers else None
    except ValueError:
        reset = None
    if response.status_code in (403, 429):
        message = _message(response).lower()
        kind = "secondary rate limit" if "secondary rate limit" in message else "rate limit"
        retry_after = _seconds_until(headers.get("retry-after"), now)
        if retry_after is not None:
            return now + retry_after, kind
        if exhausted and reset is not None:
            return max(reset, now), kind
        if response.status_code == 429 or "rate limit" in message:
            return now + SECONDARY_MIN_WAIT, "secondary rate limit"
        return None  # a plain 403: a permission problem, not a limit
    if exhausted and reset is not None and reset > now:
        return reset, "rate limit"
    return None


class RateGate:
    """When each installation (or the App, key `APP`) may send its next request, in epoch seconds."""

    def __init__(self) -> None:
        self._until: dict[Hashable, tuple[float, str]] = {}

    def until(self, key: Hashable) -> tuple[float, str]:
        return self._until.get(key, (0.0, ""))

    def block(self, key: Hashable, until: float, reason: str) -> None:
        if until > self.until(key)[0]:
            self._until[key] = (until, reason)


def _hook_delivery(item: dict) -> HookDelivery:
    when = datetime.fromisoformat(str(item["delivered_at"]).replace("Z", "+00:00"))
    return HookDelivery(
        id=int(item["id"]),
        guid=str(item.get("guid") or ""),
        delivered_at=when.astimezone(timezone.utc).replace(tzinfo=None) if when.tzinfo else when,
        status=str(item.get("status") or ""),
        status_code=int(item.get("status_code") or 0),
        event=str(item.get("event") or ""),
        action=str(item.get("action") or ""),
        redelivery=bool(item.get("redelivery")),
    )


def _next_cursor(response) -> str:
    """The `cursor` of the Link header's next page, or ""."""
    url = response.raw_response.links.get("next", {}).get("url", "") if hasattr(response, "raw_response") else ""
    return (parse_qs(urlsplit(url).query).get("cursor") or [""])[0] if url else ""


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


class _Caller:
    """Sends requests through the gate (one key: an installation, or the App) and retries server errors."""

    def __init__(self, *, key: Hashable, installation_id: int | None, gate: RateGate | None, max_wait: float,
                 clock: Callable[[], float], sleep: Callable[[float], Awaitable[None]], server_pause: float):
        self.key = key
        self.installation_id = installation_id
        self.gate = gate or RateGate()
        self.max_wait = max_wait
        self.clock = clock
        self.sleep = sleep
        self.server_pause = server_pause

    def _later(self, what: str, reason: str, wait: float) -> RetryLater:
        return RetryLater(f"GitHub {reason} on {what}", timedelta(seconds=max(wait, 1.0)), installation_id=self.installation_id)

    async def _through_gate(self, what: str) -> None:
        until, reason = self.gate.until(self.key)
        wait = until - self.clock()
        if wait <= 0:
            return
        if wait > self.max_wait:
            raise self._later(what, reason, wait)
        await self.sleep(wait)

    async def call(self, what: str, send: Callable[[], Awaitable]):
        failures = limited = 0
        while True:
            await self._through_gate(what)
            try:
                resp = await send()
            except RequestFailed as exc:
                limit = limit_until(exc.response, self.clock())
                if limit is not None:
                    self.gate.block(self.key, *limit)
                    limited += 1
                    if limited > LIMIT_RETRIES:
                        raise self._later(what, limit[1], limit[0] - self.clock()) from None
                    continue
                status = exc.response.status_code
                if status >= 500 and failures < SERVER_RETRIES:
                    await self.sleep(self.server_pause * 2**failures)
                    failures += 1
                    continue
                raise ForgeError(f"{what}: HTTP {status}: {_message(exc.response)}", status) from None
            except RequestError as exc:
                if failures < SERVER_RETRIES:
                    await self.sleep(self.server_pause * 2**failures)
                    failures += 1
                    continue
                raise ForgeError(f"{what}: {exc}") from None
            limit = limit_until(resp.raw_response if hasattr(resp, "raw_response") else resp, self.clock())
            if limit is not None:
                self.gate.block(self.key, *limit)
            return resp


class GitHubForge:
    """The Forge protocol for one installation (an installation-authenticated githubkit client)."""

    def __init__(self, gh: GitHub, *, bot_login: str, installation_id: int | None = None, gate: RateGate | None = None,
                 max_wait: float = 60.0, clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep, server_pause: float = 1.0):
        self.gh = gh
        self.bot_login = bot_login
        self._caller = _Caller(key=installation_id, installation_id=installation_id, gate=gate, max_wait=max_wait,
                               clock=clock, sleep=sleep, server_pause=server_pause)

    async def _call(self, what: str, send: Callable[[], Awaitable]):
        return await self._caller.call(what, send)

    async def get_file(self, repo: str, path: str, ref: str) -> bytes | None:
        owner, name = _split(repo)
        try:
            resp = await self._call(f"get {path}", lambda: self.gh.rest.repos.async_get_content(owner, name, path, ref=ref))
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
        resp = await self._call(f"get pull request #{number}", lambda: self.gh.rest.pulls.async_get(owner, name, number))
        return _pull_request(resp.json())

    async def pull_requests_for_commit(self, repo: str, sha: str) -> list[PullRequest]:
        owner, name = _split(repo)
        resp = await self._call(
            f"pull requests of {sha[:12]}",
            lambda: self.gh.rest.repos.async_list_pull_requests_associated_with_commit(owner, name, sha, per_page=100),
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
                lambda: self.gh.rest.pulls.async_list_files(owner, name, number, per_page=100, page=page),
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
            f"tarball of {sha[:12]}", lambda: self.gh.rest.repos.async_download_tarball_archive(owner, name, sha, stream=True)
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
        resp = await self._call("create check run", lambda: self.gh.rest.checks.async_create(owner, repo_name, data=data))
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
        await self._call("update check run", lambda: self.gh.rest.checks.async_update(owner, name, check_run_id, data=data))

    async def list_review_comments(self, repo: str, number: int) -> list[PostedComment]:
        owner, name = _split(repo)
        found: list[PostedComment] = []
        for page in range(1, MAX_PAGES + 1):
            resp = await self._call(
                f"review comments of #{number}",
                lambda: self.gh.rest.pulls.async_list_review_comments(owner, name, number, per_page=100, page=page),
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
        data = {"commit_id": commit_id, "body": fit(body, MAX_BODY), "event": "COMMENT",
                "comments": [{**c.as_dict(), "body": fit(c.body, MAX_BODY)} for c in comments]}
        resp = await self._call(f"review on #{number}", lambda: self.gh.rest.pulls.async_create_review(owner, name, number, data=data))
        return int(resp.json()["id"])

    async def upsert_marker_comment(self, repo: str, number: int, marker: str, body: str) -> int:
        owner, name = _split(repo)
        body = fit(body, MAX_BODY)
        for page in range(1, MAX_PAGES + 1):
            resp = await self._call(
                f"comments of #{number}", lambda: self.gh.rest.issues.async_list_comments(owner, name, number, per_page=100, page=page)
            )
            batch = resp.json()
            for item in batch:
                if marker in (item.get("body") or "") and (item.get("user") or {}).get("login") == self.bot_login:
                    await self._call(
                        "edit summary comment",
                        lambda: self.gh.rest.issues.async_update_comment(owner, name, int(item["id"]), data={"body": body}),
                    )
                    return int(item["id"])
            if len(batch) < 100:
                break
        resp = await self._call(
            "create summary comment", lambda: self.gh.rest.issues.async_create_comment(owner, name, number, data={"body": body})
        )
        return int(resp.json()["id"])

    async def create_comment(self, repo: str, number: int, body: str) -> int:
        owner, name = _split(repo)
        body = fit(body, MAX_BODY)
        resp = await self._call(f"comment on #{number}", lambda: self.gh.rest.issues.async_create_comment(owner, name, number, data={"body": body}))
        return int(resp.json()["id"])

    async def get_collaborator_permission(self, repo: str, login: str) -> str:
        owner, name = _split(repo)
        try:
            resp = await self._call(
                f"permission of {login}", lambda: self.gh.rest.repos.async_get_collaborator_permission_level(owner, name, login)
            )
        except ForgeError as exc:
            if exc.status == 404:
                return "none"
            raise
        return str(resp.json().get("permission") or "none")


class GitHubApp:
    """The App-level client; `forge(installation_id)` yields a GitHubForge for one job."""

    def __init__(self, *, app_id: int, private_key: str, api_url: str, bot_login: str, metrics=None,
                 max_wait: timedelta = timedelta(seconds=60), transport=None, timeout: float = 30.0,
                 clock: Callable[[], float] = time.time, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 server_pause: float = 1.0):
        hooks = {"response": [self._on_response]} if metrics is not None else None
        self.metrics = metrics
        self.bot_login = bot_login
        self.gate = RateGate()
        self._limits = dict(gate=self.gate, max_wait=max_wait.total_seconds(), clock=clock, sleep=sleep,
                            server_pause=server_pause)
        self.gh = GitHub(
            AppAuthStrategy(app_id=app_id, private_key=private_key),
            base_url=api_url,
            user_agent=f"chartwarden/{__version__}",
            timeout=timeout,
            auto_retry=False,  # retries and rate-limit waits are ours (_Caller), through the gate
            throttler=LocalThrottler(20),
            http_cache=False,
            cache_strategy=MemCacheStrategy(),
            async_transport=transport,
            async_event_hooks=hooks,
        )
        self._app_caller = _Caller(key=APP, installation_id=None, **self._limits)

    @classmethod
    def from_settings(cls, settings, metrics=None, **kw) -> "GitHubApp":
        return cls(app_id=settings.app_id, private_key=settings.private_key, api_url=settings.github_api_url,
                   bot_login=settings.bot_login, metrics=metrics,
                   max_wait=timedelta(seconds=settings.rate_limit_max_wait_seconds), **kw)

    # -- the App's webhook delivery log (App JWT): the DeliveryLog protocol, for the sweeper ----

    async def list_deliveries(self, cursor: str = "") -> tuple[list[HookDelivery], str]:
        params = {"per_page": 100, **({"cursor": cursor} if cursor else {})}
        resp = await self._app_caller.call("list webhook deliveries",
                                           lambda: self.gh.rest.apps.async_list_webhook_deliveries(**params))
        return [_hook_delivery(item) for item in resp.json() or []], _next_cursor(resp)

    async def redeliver(self, delivery_id: int) -> None:
        await self._app_caller.call(f"redeliver delivery {delivery_id}",
                                    lambda: self.gh.rest.apps.async_redeliver_webhook_delivery(delivery_id))

    async def _on_response(self, response) -> None:
        self.metrics.github_response(response.request.method, response.status_code, response.headers)

    @contextlib.asynccontextmanager
    async def forge(self, installation_id: int) -> AsyncIterator[GitHubForge]:
        gh = self.gh.with_auth(self.gh.auth.as_installation(installation_id))
        async with gh:
            yield GitHubForge(gh, bot_login=self.bot_login, installation_id=installation_id, **self._limits)
