"""installation, installation_repositories: keep the installation tables in step with GitHub (no forge call).

What they record is what the worker reads before running any other job (bot.store.inactive_reason):
a job for a deleted or suspended installation, or for a repository removed from its installation,
is skipped without a single request to GitHub.
"""

from __future__ import annotations

import asyncio

import sqlalchemy as sa

from bot.events import Event
from bot.routing import Context, Router
from bot.store import Installation, RemovedRepository, utcnow

router = Router()
TABLE = Installation.__table__
REMOVED = RemovedRepository.__table__


def _save(engine, event: Event, now) -> None:
    inst = event.get("installation", default={})
    values = {
        "account_login": str(event.get("installation", "account", "login", default="")),
        "account_type": str(event.get("installation", "account", "type", default="")),
        "target_type": str(inst.get("target_type") or ""),
        "repository_selection": str(inst.get("repository_selection") or ""),
        "updated_at": now,
    }
    if event.action == "created":
        values.update(deleted_at=None, suspended_at=None)
    elif event.action == "deleted":
        values["deleted_at"] = now
    elif event.action == "suspend":
        values["suspended_at"] = now
    elif event.action == "unsuspend":
        values["suspended_at"] = None
    with engine.begin() as conn:
        updated = conn.execute(sa.update(TABLE).where(TABLE.c.id == event.installation_id).values(**values)).rowcount
        if not updated:
            conn.execute(sa.insert(TABLE).values(id=event.installation_id, created_at=now, **{
                "deleted_at": None, "suspended_at": None, **values}))
        if event.action == "created":  # a fresh installation starts with every repository it was given
            conn.execute(sa.delete(REMOVED).where(REMOVED.c.installation_id == event.installation_id))


def _names(event: Event, key: str) -> list[str]:
    items = event.get(key, default=[])
    return sorted({str(r["full_name"]) for r in items if isinstance(r, dict) and r.get("full_name")}) if isinstance(items, list) else []


def _save_repositories(engine, event: Event, now) -> None:
    removed, added = _names(event, "repositories_removed"), _names(event, "repositories_added")
    with engine.begin() as conn:
        if removed + added:
            conn.execute(sa.delete(REMOVED).where(REMOVED.c.installation_id == event.installation_id,
                                                  REMOVED.c.repository.in_(removed + added)))
        for name in removed:
            conn.execute(sa.insert(REMOVED).values(installation_id=event.installation_id, repository=name, removed_at=now))


def _known(event: Event) -> bool:
    return event.installation_id is not None


@router.register("installation", action="created", when=_known)
@router.register("installation", action="deleted", when=_known)
@router.register("installation", action="suspend", when=_known)
@router.register("installation", action="unsuspend", when=_known)
async def record(event: Event, ctx: Context) -> None:
    now = (ctx.clock or utcnow)()
    await asyncio.to_thread(_save, ctx.engine, event, now)
    ctx.log.info("installation", extra={"installation_id": event.installation_id, "action": event.action})


@router.register("installation_repositories", action="added", when=_known)
@router.register("installation_repositories", action="removed", when=_known)
async def repositories(event: Event, ctx: Context) -> None:
    now = (ctx.clock or utcnow)()
    await asyncio.to_thread(_save_repositories, ctx.engine, event, now)
    ctx.log.info("installation repositories", extra={
        "installation_id": event.installation_id, "action": event.action,
        "added": ",".join(_names(event, "repositories_added")), "removed": ",".join(_names(event, "repositories_removed"))})
