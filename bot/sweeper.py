"""The redelivery sweeper: ask GitHub to send again the webhook deliveries that failed.

GitHub never retries a failed delivery by itself (it failed when this service was down, slow or
unreachable). Every `CHARTWARDEN_SWEEP_SECONDS` the sweeper reads the App's delivery log
(GET /app/hook/deliveries, newest first, App JWT), back to shortly before its previous sweep (the
first time: the three days within which GitHub still redelivers), and groups the attempts by guid (a
redelivery keeps the guid). A guid none of whose attempts succeeded, that this service never recorded
(the `deliveries` table) and that it never asked for before (the `redeliveries` table) is asked for
once: POST /app/hook/deliveries/{id}/attempts on its latest attempt.

The `redeliveries` row is written before asking: its primary key (the guid) makes sure no two sweeps,
in one process or several, ask twice. When GitHub refuses (4xx) the row keeps the refusal and the
guid is not asked for again; when the request itself failed (5xx, network, a rate limit) the row is
removed so the next sweep tries again. A process killed between writing the row and asking leaves it
"asking": never asking twice wins over asking once.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.forge.base import DeliveryLog, ForgeError, HookDelivery
from bot.store import DeliveryRecord, Redelivery, utcnow

log = logging.getLogger("chartwarden.sweeper")

REDELIVERABLE = timedelta(days=3)  # GitHub's window on github.com (GHES: 7 days)
OVERLAP = timedelta(minutes=15)  # attempts show in the log a little after they happen
MAX_PAGES = 100  # 10 000 attempts a sweep at most
REDELIVERIES = Redelivery.__table__
DELIVERIES = DeliveryRecord.__table__


@dataclass
class SweepResult:
    scanned: int = 0  # attempts read within the window
    failed: list[str] = field(default_factory=list)  # guids without a successful attempt
    requested: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # failed, but recorded here or asked for already
    errors: list[str] = field(default_factory=list)  # asking failed; tried again next sweep


def _claim(engine: Engine, attempt: HookDelivery, now: datetime) -> bool:
    """Write the guid's row (outcome "asking"); False when the service has it or asked for it already."""
    with engine.begin() as conn:
        if conn.execute(sa.select(DELIVERIES.c.delivery_id).where(DELIVERIES.c.delivery_id == attempt.guid)).first():
            return False
        try:
            with conn.begin_nested():
                conn.execute(sa.insert(REDELIVERIES).values(
                    guid=attempt.guid, hook_delivery_id=attempt.id, event=attempt.event[:64], action=attempt.action[:64],
                    delivered_at=attempt.delivered_at, outcome="asking", error="", requested_at=now))
        except sa.exc.IntegrityError:
            return False
    return True


def _settle(engine: Engine, guid: str, outcome: str | None, error: str = "") -> None:
    with engine.begin() as conn:
        if outcome is None:
            conn.execute(sa.delete(REDELIVERIES).where(REDELIVERIES.c.guid == guid))
        else:
            conn.execute(sa.update(REDELIVERIES).where(REDELIVERIES.c.guid == guid).values(outcome=outcome, error=error[:2000]))


async def sweep(api: DeliveryLog, engine: Engine, *, now: datetime, since: datetime,
                stop: asyncio.Event | None = None, asking: Callable[[bool], None] | None = None) -> SweepResult:
    """One sweep over the attempts delivered at or after `since` (naive UTC).

    `asking(True)` / `asking(False)` bracket each claim-and-ask: the sweep may be cancelled outside
    them (it then asked for nothing it did not record), not inside.
    """
    asking = asking or (lambda _busy: None)
    since = max(since, now - REDELIVERABLE)
    result = SweepResult()
    by_guid: dict[str, list[HookDelivery]] = {}
    cursor = ""
    for _ in range(MAX_PAGES):
        page, cursor = await api.list_deliveries(cursor)
        recent = [d for d in page if d.delivered_at >= since and d.guid]
        result.scanned += len(recent)
        for attempt in recent:
            by_guid.setdefault(attempt.guid, []).append(attempt)
        if not cursor or any(d.delivered_at < since for d in page):
            break
    for guid, attempts in by_guid.items():
        if any(a.ok for a in attempts):
            continue
        result.failed.append(guid)
        if stop is not None and stop.is_set():
            break
        latest = max(attempts, key=lambda a: (a.delivered_at, a.id))
        asking(True)
        try:
            outcome = await _ask(api, engine, latest, now)
        finally:
            asking(False)
        if outcome in ("requested", "refused", "skipped"):
            getattr(result, outcome).append(guid)
        else:
            result.errors.append(f"{guid}: {outcome}")
    return result


async def _ask(api: DeliveryLog, engine: Engine, attempt: HookDelivery, now: datetime) -> str:
    """Claim the guid and ask: "requested", "refused", "skipped", or the error (not asked; next sweep)."""
    if not await asyncio.to_thread(_claim, engine, attempt, now):
        return "skipped"
    try:
        await api.redeliver(attempt.id)
    except ForgeError as exc:
        if exc.status is not None and 400 <= exc.status < 500:
            await asyncio.to_thread(_settle, engine, attempt.guid, "refused", str(exc))
            return "refused"
        await asyncio.to_thread(_settle, engine, attempt.guid, None)
        return str(exc)
    except Exception as exc:  # a rate limit (RetryLater), the network: not asked, ask next time
        await asyncio.to_thread(_settle, engine, attempt.guid, None)
        return f"{type(exc).__name__}: {exc}"
    await asyncio.to_thread(_settle, engine, attempt.guid, "requested")
    log.info("asked for a redelivery", extra={"guid": attempt.guid, "hook_delivery_id": attempt.id,
                                              "event": attempt.event, "action": attempt.action})
    return "requested"


class Sweeper:
    """Sweeps every `interval` seconds until stopped; the first sweep looks back three days."""

    def __init__(self, api: DeliveryLog, engine: Engine, *, interval: float, clock: Callable[[], datetime] = utcnow,
                 on_sweep: Callable[[SweepResult], None] | None = None):
        if interval <= 0:
            raise ValueError("the sweep interval must be positive")
        self.api = api
        self.engine = engine
        self.interval = interval
        self.clock = clock
        self.on_sweep = on_sweep
        self.last_started: datetime | None = None
        self._asking = False

    def _set_asking(self, busy: bool) -> None:
        self._asking = busy

    async def sweep_once(self, stop: asyncio.Event | None = None) -> SweepResult:
        started = self.clock()
        since = self.last_started - OVERLAP if self.last_started is not None else started - REDELIVERABLE
        result = await sweep(self.api, self.engine, now=started, since=since, stop=stop, asking=self._set_asking)
        self.last_started = started
        log.info("swept the delivery log", extra={"scanned": result.scanned, "failed": len(result.failed),
                                                  "requested": len(result.requested), "refused": len(result.refused),
                                                  "errors": len(result.errors)})
        if self.on_sweep is not None:
            self.on_sweep(result)
        return result

    async def run(self, stop: asyncio.Event) -> None:
        """Sweep now and every interval; when `stop` is set, a sweep still reading the log is cancelled,
        one asking GitHub finishes that request and stops."""
        while not stop.is_set():
            task = asyncio.ensure_future(self.sweep_once(stop))
            stopped = asyncio.ensure_future(stop.wait())
            await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
            stopped.cancel()
            if not task.done() and not self._asking:
                task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                if not stop.is_set():
                    raise
                return
            except Exception as exc:  # GitHub or the database unreachable: try again next interval
                log.warning("the sweep failed", extra={"error": f"{type(exc).__name__}: {exc}"})
            try:
                await asyncio.wait_for(stop.wait(), timeout=self.interval)
            except asyncio.TimeoutError:
                pass
