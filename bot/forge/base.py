"""What handlers may ask of a forge: a handful of verbs and plain data types.

GitHub implements it in bot/forge/github.py; tests use the one recording fake in
tests/service/fakes.py. Repositories are named "owner/name". Methods raise
`bot.worker.RetryLater` when the forge asks us to slow down, and `ForgeError` otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

ANNOTATIONS_PER_REQUEST = 50  # GitHub rejects more in one check-run request
MAX_TEXT = 65_535  # check-run summary/text and comment bodies
CUT_NOTE = "\n\n…(cut at GitHub's limit)\n"


def fit(text: str, limit: int = MAX_TEXT) -> str:
    """`text`, or as much of it as GitHub takes with a note saying it was cut."""
    return text if len(text) <= limit else text[: limit - len(CUT_NOTE)] + CUT_NOTE


class ForgeError(Exception):
    """A forge request failed for a reason other than rate limiting."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class PullRequest:
    number: int
    head_sha: str
    base_sha: str
    base_ref: str = ""
    head_repo: str = ""  # "owner/name" of the head branch's repository (differs for forks)
    state: str = "open"
    draft: bool = False


@dataclass(frozen=True)
class ChangedFile:
    path: str
    status: str  # added | modified | removed | renamed | copied | changed | unchanged
    patch: str | None = None  # absent for binary or very large diffs
    previous_path: str = ""


@dataclass(frozen=True)
class Annotation:
    path: str
    start_line: int
    end_line: int
    level: str  # notice | warning | failure
    message: str
    title: str = ""

    def as_dict(self) -> dict:
        data = {"path": self.path, "start_line": self.start_line, "end_line": self.end_line,
                "annotation_level": self.level, "message": self.message}
        if self.title:
            data["title"] = self.title
        return data


@dataclass(frozen=True)
class CheckOutput:
    title: str
    summary: str
    text: str = ""
    annotations: tuple[Annotation, ...] = ()

    def as_dict(self) -> dict:
        data = {"title": self.title, "summary": fit(self.summary)}
        if self.text:
            data["text"] = fit(self.text)
        if self.annotations:
            if len(self.annotations) > ANNOTATIONS_PER_REQUEST:
                raise ValueError(f"at most {ANNOTATIONS_PER_REQUEST} annotations per request")
            data["annotations"] = [a.as_dict() for a in self.annotations]
        return data


@dataclass(frozen=True)
class ReviewComment:
    path: str
    line: int
    body: str
    side: str = "RIGHT"
    start_line: int | None = None

    def as_dict(self) -> dict:
        data = {"path": self.path, "line": self.line, "side": self.side, "body": self.body}
        if self.start_line is not None:
            data["start_line"] = self.start_line
            data["start_side"] = self.side
        return data


@dataclass(frozen=True)
class PostedComment:
    """A comment already on the pull request (review comment or conversation comment)."""

    id: int
    body: str
    user_login: str
    path: str = ""
    line: int | None = None


@dataclass(frozen=True)
class TarballLimits:
    max_bytes: int = 100 * 1024 * 1024  # the compressed download
    max_unpacked_bytes: int = 500 * 1024 * 1024
    max_files: int = 20_000


@runtime_checkable
class Forge(Protocol):
    async def get_file(self, repo: str, path: str, ref: str) -> bytes | None:
        """The file's bytes at `ref`, or None when it does not exist there."""

    async def get_pull_request(self, repo: str, number: int) -> PullRequest: ...

    async def pull_requests_for_commit(self, repo: str, sha: str) -> list[PullRequest]:
        """Open pull requests whose head is `sha`."""

    async def list_changed_files(self, repo: str, number: int) -> list[ChangedFile]: ...

    async def download_tarball(self, repo: str, sha: str, max_bytes: int) -> bytes:
        """The gzipped tarball of the tree at `sha`; ForgeError when larger than `max_bytes`."""

    async def create_check_run(self, repo: str, *, name: str, head_sha: str, status: str,
                               output: CheckOutput | None = None, external_id: str = "") -> int: ...

    async def update_check_run(self, repo: str, check_run_id: int, *, status: str | None = None,
                               conclusion: str | None = None, output: CheckOutput | None = None) -> None: ...

    async def list_review_comments(self, repo: str, number: int) -> list[PostedComment]: ...

    async def create_review(self, repo: str, number: int, *, commit_id: str, body: str,
                            comments: list[ReviewComment]) -> int: ...

    async def upsert_marker_comment(self, repo: str, number: int, marker: str, body: str) -> int:
        """Edit our conversation comment holding `marker`, or create it; returns its id."""

    async def create_comment(self, repo: str, number: int, body: str) -> int:
        """A new conversation comment on the pull request (an answer to a command); returns its id."""

    async def get_collaborator_permission(self, repo: str, login: str) -> str:
        """admin | maintain | write | triage | read | none."""



@dataclass(frozen=True)
class HookDelivery:
    """One attempt to deliver a webhook to the App (a redelivery is a new attempt with the same guid)."""

    id: int
    guid: str
    delivered_at: datetime  # naive UTC
    status: str  # "OK" when it succeeded
    status_code: int
    event: str = ""
    action: str = ""
    redelivery: bool = False

    @property
    def ok(self) -> bool:
        return self.status == "OK" or 200 <= self.status_code < 400


@runtime_checkable
class DeliveryLog(Protocol):
    """The App's webhook delivery log (App-level auth), for the redelivery sweeper."""

    async def list_deliveries(self, cursor: str = "") -> tuple[list[HookDelivery], str]:
        """One page of attempts, newest first, and the cursor of the next page ("" after the last)."""

    async def redeliver(self, delivery_id: int) -> None:
        """Ask GitHub to send the attempt `delivery_id` again."""
