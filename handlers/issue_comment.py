"""`/chartwarden audit` in a pull request's conversation: audit it again (write access needed)."""

from __future__ import annotations

import re

from bot.events import Event
from bot.routing import Context, Router
from handlers._audit import audit_pull_request

router = Router()

COMMAND = re.compile(r"^\s*/chartwarden\s+audit\s*$", re.MULTILINE)
ALLOWED = ("admin", "maintain", "write")


def is_audit_command(event: Event) -> bool:
    """A person's comment on a pull request with a line that reads `/chartwarden audit`."""
    body = event.get("comment", "body", default="")
    return (
        event.pr_number is not None
        and event.installation_id is not None
        and bool(event.repository)
        and event.sender_type != "Bot"
        and event.get("comment", "user", "type", default="") != "Bot"
        and isinstance(body, str)
        and COMMAND.search(body) is not None
    )


@router.register("issue_comment", action="created", when=is_audit_command)
async def audit_command(event: Event, ctx: Context) -> None:
    login = event.get("comment", "user", "login", default=event.sender_login)
    permission = await ctx.forge.get_collaborator_permission(event.repository, login)
    if permission not in ALLOWED:
        ctx.log.info("ignored a command", extra={"login": login, "permission": permission, "pr": event.pr_number})
        return
    pr = await ctx.forge.get_pull_request(event.repository, event.pr_number)
    await audit_pull_request(ctx, event.repository, pr)
