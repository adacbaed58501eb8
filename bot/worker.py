"""The worker loop: claim a job, keep its lease alive while a handler runs it, record the outcome.

Database calls are synchronous and run in a thread, so the loop can share an event loop with the web
app (`chartwarden serve`, where the webhook handler calls `notify()` after committing a job, so an
idle worker starts it at once instead of at its next poll) or run alone (`chartwarden worker`, one per process, any number of
processes on PostgreSQL).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from datetime import timedelta
from typing import Awaitable, Callable

from bot.queue import Claimed, Queue

log = logging.getLogger("chartwarden.worker")

Handler = Callable[[Claimed], Awaitable[None]]


class RetryLater(Exception):
    """Raised by a handler to have its job tried again no sooner than `retry_after`.

    The forge raises it when GitHub asks to wait (a rate limit): the job is deferred, which does not
    use one of its attempts. With `installation_id`, the limit holds for that whole installation, and
    its other queued jobs are parked until then too.
    """

    def __init__(self, message: str, retry_after: timedelta, *, installation_id: int | None = None):
        super().__init__(message)
        self.retry_after = retry_after
        self.installation_id = installation_id


class Skip(Exception):
    """Raised by a handler when a job must not run at all (its installation or repository is gone)."""


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class Worker:
    def __init__(
        self,
        queue: Queue,
        handle: Handler,
        *,
        worker_id: str | None = None,
        poll_interval: float = 1.0,
        heartbeat_interval: float | None = None,
        on_finished: Callable[[Claimed, str, float], None] | None = None,
    ):
        self.queue = queue
        self.handle = handle
        self.worker_id = worker_id or default_worker_id()
        self.poll_interval = poll_interval
        self.heartbeat_interval = heartbeat_interval or max(queue.lease.total_seconds() / 3, 0.05)
        self.on_finished = on_finished
        self._wake = asyncio.Event()

    def notify(self) -> None:
        """A job was enqueued (and committed) in this process: stop idling and look now.

        Call it from the worker's event loop. Jobs enqueued by other processes are found by the poll
        every `poll_interval` seconds.
        """
        self._wake.set()

    async def _keep_lease(self, claimed: Claimed, task: asyncio.Task, lost: asyncio.Event) -> None:
        while True:
            await asyncio.sleep(self.heartbeat_interval)
            if not await asyncio.to_thread(self.queue.heartbeat, claimed):
                log.warning("lost the lease; stopping the job", extra={"job_id": claimed.id, "delivery_id": claimed.delivery_id})
                lost.set()
                task.cancel()
                return

    async def run_once(self) -> bool:
        """Claim and run one job; False when nothing was runnable."""
        claimed = await asyncio.to_thread(self.queue.claim, self.worker_id)
        if claimed is None:
            return False
        extra = {"job_id": claimed.id, "delivery_id": claimed.delivery_id, "event": claimed.event, "attempt": claimed.attempts}
        log.info("job started", extra=extra)
        started = time.monotonic()
        task = asyncio.ensure_future(self.handle(claimed))
        lost = asyncio.Event()
        keeper = asyncio.ensure_future(self._keep_lease(claimed, task, lost))
        outcome = "done"
        try:
            await task
        except asyncio.CancelledError:
            if not lost.is_set():
                raise  # shutting down: the lease lapses and another worker takes the job
            outcome = "lost"  # the lease went to another worker: whatever it records stands
        except RetryLater as exc:
            log.info("job deferred", extra={**extra, "reason": str(exc), "retry_after_s": exc.retry_after.total_seconds()})
            state = await asyncio.to_thread(
                self.queue.defer, claimed, describe(exc), exc.retry_after, installation_id=exc.installation_id
            )
            outcome = "deferred" if state else "lost"
        except Skip as exc:
            log.info("job skipped", extra={**extra, "reason": str(exc)})
            outcome = "skipped" if await asyncio.to_thread(self.queue.skip, claimed, str(exc)) else "lost"
        except Exception as exc:  # a handler's failure is the job's, never the worker's
            log.exception("job failed", extra=extra)
            state = await asyncio.to_thread(self.queue.fail, claimed, describe(exc))
            outcome = {"queued": "retry", "dead": "dead"}.get(state or "", "lost")
        else:
            if not await asyncio.to_thread(self.queue.complete, claimed):
                outcome = "lost"
        finally:
            keeper.cancel()
            try:
                await keeper
            except asyncio.CancelledError:
                pass
        duration = time.monotonic() - started
        log.info("job finished", extra={**extra, "outcome": outcome, "duration_s": round(duration, 3)})
        if self.on_finished is not None:
            self.on_finished(claimed, outcome, duration)
        return True

    async def run(self, stop: asyncio.Event | None = None, *, until_idle: bool = False) -> int:
        """Run jobs until `stop` is set (or, with until_idle, until nothing is runnable); returns jobs run."""
        stop = stop or asyncio.Event()
        ran = 0
        while not stop.is_set():
            self._wake.clear()  # a notify() from here on ends the idle wait below
            try:
                worked = await self.run_once()
            except Exception:  # the database went away: keep the worker alive and try again
                log.exception("worker loop error")
                worked = False
            if worked:
                ran += 1
                continue
            if until_idle:
                break
            await self._idle(stop)
        return ran

    async def _idle(self, stop: asyncio.Event) -> None:
        """Wait for `stop`, a notify() or `poll_interval` seconds, whichever comes first."""
        waits = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
        try:
            await asyncio.wait(waits, timeout=self.poll_interval, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()


BOOKKEEPING = ("installation", "installation_repositories")  # they never call GitHub, and must run


def dispatcher(router, forge_factory, *, engine=None, options=None) -> Handler:
    """A job handler that rebuilds the event from the job and dispatches it through `router`.

    With the service `engine`, a job for a deleted or suspended installation, or for a repository
    removed from its installation, is skipped (`Skip`) before any forge is built or request sent.

    `forge_factory(installation_id)` returns an async context manager yielding the forge for that
    installation (the GitHub client is rebuilt per job from the id; nothing but ids is queued).
    """
    from bot.events import DeliveryHeaders, normalise, parse_payload
    from bot.observability import ContextLogger
    from bot.routing import Context, HandlerOptions
    from bot.store import inactive_reason

    options = options or HandlerOptions()

    async def handle(job: Claimed) -> None:
        event = normalise(DeliveryHeaders(job.delivery_id, job.event), parse_payload(job.payload.encode()))
        logger = ContextLogger(
            logging.getLogger("chartwarden.handlers"),
            {"delivery_id": job.delivery_id, "job_id": job.id, "event": event.key, "repository": event.repository},
        )
        if engine is not None and event.installation_id is not None and event.name not in BOOKKEEPING:
            reason = await asyncio.to_thread(inactive_reason, engine, event.installation_id, event.repository)
            if reason is not None:
                raise Skip(reason)
        if event.installation_id is None:
            await router.dispatch(event, Context(forge=None, options=options, engine=engine, log=logger))
            return
        async with forge_factory(event.installation_id) as forge:
            await router.dispatch(event, Context(forge=forge, options=options, engine=engine, log=logger))

    return handle
