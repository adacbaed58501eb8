"""pull_request: audit the head against the base when a PR is opened, pushed to or reopened."""

from __future__ import annotations

from bot.events import Event
from bot.forge.base import PullRequest
from bot.routing import Context, Router
from handlers._audit import audit_pull_request

router = Router()


def pull_request_of(event: Event) -> PullRequest:
    return PullRequest(
        number=event.pr_number or 0,
        head_sha=event.head_sha,
        base_sha=event.base_sha,
        base_ref=event.get("pull_request", "base", "ref", default=""),
        head_repo=event.get("pull_request", "head", "repo", "full_name", default=""),
        state=event.get("pull_request", "state", default="open"),
        draft=bool(event.get("pull_request", "draft", default=False)),
    )


def _auditable(event: Event) -> bool:
    return bool(event.installation_id and event.repository and event.pr_number and event.head_sha and event.base_sha)


@router.register("pull_request", action="opened", when=_auditable, supersedes=True)
@router.register("pull_request", action="synchronize", when=_auditable, supersedes=True)
@router.register("pull_request", action="reopened", when=_auditable, supersedes=True)
async def audit(event: Event, ctx: Context) -> None:
    await audit_pull_request(ctx, event.repository, pull_request_of(event))
