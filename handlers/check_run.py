"""check_run / check_suite re-requested from the GitHub UI: audit that head SHA again."""

from __future__ import annotations

from bot.events import Event
from bot.routing import Context, Router
from handlers._audit import audit_commit

router = Router()


def _has_sha(event: Event) -> bool:
    return bool(event.installation_id and event.repository and event.head_sha)


@router.register("check_run", action="rerequested", when=_has_sha)
@router.register("check_suite", action="rerequested", when=_has_sha)
async def rerun(event: Event, ctx: Context) -> None:
    await audit_commit(ctx, event.repository, event.head_sha, event.pr_number)
