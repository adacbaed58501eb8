"""installation: keep the installations table in step with GitHub (no forge call)."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa

from bot.events import Event
from bot.routing import Context, Router
from bot.store import Installation, utcnow

router = Router()
TABLE = Installation.__table__


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
