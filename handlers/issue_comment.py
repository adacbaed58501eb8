"""Slash commands in a pull request's conversation, on a line of their own; they need write access.

    /chartwarden audit   audit the pull request again
    /chartwarden help    answer with the list of commands (also a bare `/chartwarden`)

Someone without write access gets a short refusal instead. Comments by bots are never commands.
"""

from __future__ import annotations

import re

from bot.events import Event
from bot.routing import Context, Router
from handlers import _review
from handlers._audit import audit_pull_request

router = Router()

COMMANDS = {"audit": "audit this pull request again", "help": "list these commands"}
COMMAND = re.compile(r"^[ \t]*/chartwarden(?:[ \t]+(audit|help))?[ \t]*$", re.MULTILINE)
ALLOWED = ("admin", "maintain", "write")


def command_of(event: Event) -> str | None:
    """The first command in a person's comment on a pull request, or None."""
    body = event.get("comment", "body", default="")
    if (
        event.pr_number is None
        or event.installation_id is None
        or not event.repository
        or event.sender_type == "Bot"
        or event.get("comment", "user", "type", default="") == "Bot"
        or not isinstance(body, str)
    ):
        return None
    found = COMMAND.search(body)
    return (found.group(1) or "help") if found else None


def is_command(event: Event) -> bool:
    return command_of(event) is not None


@router.register("issue_comment", action="created", when=is_command)
async def command(event: Event, ctx: Context) -> None:
    verb = command_of(event)
    login = event.get("comment", "user", "login", default=event.sender_login)
    permission = await ctx.forge.get_collaborator_permission(event.repository, login)
    if permission not in ALLOWED:
        ctx.log.info("refused a command", extra={"login": login, "permission": permission, "pr": event.pr_number, "command": verb})
        await ctx.forge.create_comment(event.repository, event.pr_number, _review.refusal(login, verb))
        return
    if verb == "help":
        await ctx.forge.create_comment(event.repository, event.pr_number, _review.help_text(COMMANDS))
        return
    pr = await ctx.forge.get_pull_request(event.repository, event.pr_number)
    await audit_pull_request(ctx, event.repository, pr)
