"""The web app: `create_app(settings, ...)` returns the Litestar application.

POST /webhooks/github  verify the signature over the raw bytes (401, nothing stored, when wrong) ->
                       record the delivery id (a redelivery: 200, nothing new) -> enqueue a job when a
                       handler wants the event -> 202. No GitHub call happens on this path.
GET  /healthz          the process answers.
GET  /readyz           the database answers `SELECT 1` (503 otherwise).
GET  /metrics          Prometheus text: deliveries, queue depth, job durations, GitHub calls, rate limit,
                       redeliveries asked for.

The lifespan owns the database engine (created from settings unless one is given, migrated to head)
and, when `run_worker` is set (`chartwarden serve`), one in-process worker (woken by each delivery
that queues a job; it polls every CHARTWARDEN_WORKER_POLL_SECONDS for jobs of other processes) and, given the App's
delivery log (`deliveries`) and a non-zero `sweep_seconds`, the redelivery sweeper (bot/sweeper.py).
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import AsyncIterator, Callable

import anyio
import sqlalchemy as sa
from litestar import Litestar, Request, Response, get, post
from sqlalchemy.engine import Engine

from bot import events, store
from bot.events import BadDelivery, Event, SignatureMismatch
from bot.observability import CONTENT_TYPE, Metrics
from bot.queue import JobSpec, Queue
from bot.routing import HandlerOptions, Router
from bot.settings import Settings

log = logging.getLogger("chartwarden.app")

MAX_BODY_BYTES = 26 * 1024 * 1024  # GitHub sends payloads up to 25 MB
DELIVERIES = store.DeliveryRecord.__table__


def handler_options(settings: Settings) -> HandlerOptions:
    return HandlerOptions(
        check_name=settings.check_name,
        bot_login=settings.bot_login,
        max_tarball_bytes=settings.max_tarball_bytes,
        max_unpacked_bytes=settings.max_unpacked_bytes,
        max_files=settings.max_files,
        audit_processes=settings.audit_processes,
    )


def make_queue(engine: Engine, settings: Settings) -> Queue:
    return Queue(
        engine,
        lease=timedelta(seconds=settings.job_lease_seconds),
        max_attempts=settings.job_max_attempts,
        backoff_base=timedelta(seconds=settings.job_backoff_seconds),
    )


def job_spec(event: Event, router: Router, raw: bytes) -> JobSpec | None:
    """The job for an event some handler wants, or None."""
    routes = router.routes_for(event)
    if not routes:
        return None
    key = f"{event.repository}#{event.pr_number}" if event.repository and event.pr_number else ""
    return JobSpec(
        event=event.name,
        action=event.action,
        payload=raw.decode("utf-8", "replace"),
        delivery_id=event.delivery_id,
        installation_id=event.installation_id,
        repository=event.repository,
        pr_number=event.pr_number,
        head_sha=event.head_sha,
        supersede_key=key,
        supersedes=any(route.supersedes for route in routes) and bool(event.head_sha),
    )


def delivery_writers(engine: Engine, settings: Settings) -> int:
    """How many threads write deliveries at once: 1 on SQLite, CHARTWARDEN_DB_POOL_SIZE on PostgreSQL.

    SQLite takes one writer at a time, and a writer that finds the lock taken sleeps in SQLite's busy
    handler (up to 100 ms a time) rather than being woken when it frees: queueing the writes in the
    process, in order, keeps the tail short. On PostgreSQL the writers match the connections the pool
    keeps open (store.make_engine), so a burst waits for a connection instead of opening new ones
    (anyio's default would run up to 40 at once).
    """
    return settings.db_pool_size if store.is_postgres(engine) else 1


INSERT_DELIVERY = sa.insert(DELIVERIES)  # built once; values come as parameters


def record_delivery(engine: Engine, queue: Queue, event: Event, spec: JobSpec | None) -> tuple[str, int | None]:
    """Store the delivery and its job in one transaction: ("queued" | "ignored" | "duplicate", job id).

    The job goes in first, so the delivery row is written once, with its job id. A delivery id seen
    before fails the delivery INSERT, and the job (and its supersede) is rolled back with it.
    """
    outcome = "queued" if spec is not None else "ignored"
    try:
        with engine.begin() as conn:
            job_id = queue.enqueue(spec, connection=conn) if spec is not None else None
            conn.execute(
                INSERT_DELIVERY,
                {
                    "delivery_id": event.delivery_id,
                    "event": event.name,
                    "action": event.action,
                    "installation_id": event.installation_id,
                    "repository": event.repository,
                    "outcome": outcome,
                    "job_id": job_id,
                    "received_at": queue.clock(),
                },
            )
    except sa.exc.IntegrityError:
        return "duplicate", None
    return outcome, job_id


def create_app(
    settings: Settings,
    *,
    engine: Engine | None = None,
    router: Router | None = None,
    forge_factory: Callable | None = None,
    metrics: Metrics | None = None,
    run_worker: bool = False,
    migrate: bool = True,
    deliveries=None,
) -> Litestar:
    """The Litestar app. Tests pass their own engine, router and a fake forge factory."""
    if router is None:
        from handlers import router as default_router

        router = default_router
    metrics = metrics or Metrics()
    holder: dict = {}

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        own_engine = engine is None
        db = engine if engine is not None else store.make_engine(
            settings.database_url, pool_size=settings.db_pool_size + store.RESERVED_CONNECTIONS)
        if migrate:
            await anyio.to_thread.run_sync(store.migrate, db)
        queue = make_queue(db, settings)
        metrics.watch_queue(queue.depth)
        holder.update(engine=db, queue=queue, writers=anyio.CapacityLimiter(delivery_writers(db, settings)))
        stop = asyncio.Event()
        worker_task = None
        if run_worker:
            from bot.worker import Worker, dispatcher

            if forge_factory is None:
                raise ValueError("run_worker needs a forge_factory")
            worker = Worker(
                queue,
                dispatcher(router, forge_factory, engine=db, options=handler_options(settings)),
                poll_interval=settings.worker_poll_seconds,
                on_finished=lambda job, outcome, seconds: metrics.job_finished(job.event, outcome, seconds),
            )
            holder["wake_worker"] = worker.notify
            worker_task = asyncio.create_task(worker.run(stop))
        sweeper_task = None
        if run_worker and deliveries is not None and settings.sweep_seconds > 0:
            from bot.sweeper import Sweeper

            sweeper = Sweeper(deliveries, db, interval=settings.sweep_seconds, on_sweep=metrics.swept)
            sweeper_task = asyncio.create_task(sweeper.run(stop))
        log.info("started", extra={"database": db.url.get_backend_name(), "worker": run_worker,
                                   "sweeper": sweeper_task is not None})
        try:
            yield
        finally:
            stop.set()
            for task, what, patience in ((worker_task, "the in-process worker", 30), (sweeper_task, "the sweeper", 5)):
                if task is None:
                    continue
                try:
                    await asyncio.wait_for(task, timeout=patience)  # cancelled after that
                except asyncio.TimeoutError:
                    log.warning(f"{what} did not stop in {patience} s")
            holder.pop("wake_worker", None)
            metrics.watch_queue(lambda: {})
            if own_engine:
                db.dispose()

    @post("/webhooks/github", status_code=202)
    async def github_webhook(request: Request) -> Response:
        raw = await request.body()
        try:
            event = events.event_from_request(request.headers, raw, settings.webhook_secrets)
        except SignatureMismatch as exc:
            metrics.deliveries.labels(event="unverified", outcome="bad_signature").inc()
            log.warning("refused a delivery", extra={"reason": str(exc), "delivery_id": request.headers.get("x-github-delivery", "")[:64]})
            return Response({"error": str(exc)}, status_code=401)
        except BadDelivery as exc:
            metrics.deliveries.labels(event="unknown", outcome="bad_request").inc()
            log.warning("refused a delivery", extra={"reason": str(exc), "delivery_id": request.headers.get("x-github-delivery", "")[:64]})
            return Response({"error": str(exc)}, status_code=400)
        spec = job_spec(event, router, raw)
        outcome, job_id = await anyio.to_thread.run_sync(
            record_delivery, holder["engine"], holder["queue"], event, spec, limiter=holder["writers"])
        if outcome == "queued" and "wake_worker" in holder:
            holder["wake_worker"]()  # committed: the in-process worker need not wait for its next poll
        metrics.deliveries.labels(event=event.name, outcome=outcome).inc()
        log.info(
            "delivery",
            extra={"delivery_id": event.delivery_id, "event": event.key, "outcome": outcome, "job_id": job_id,
                   "repository": event.repository, "installation_id": event.installation_id},
        )
        if outcome == "queued":
            return Response({"status": "queued", "job": job_id}, status_code=202)
        if event.name == "ping" and outcome == "ignored":
            return Response({"status": "pong"}, status_code=200)
        return Response({"status": outcome}, status_code=200)

    @get("/healthz")
    async def healthz() -> dict:
        return {"status": "ok"}

    @get("/readyz")
    async def readyz() -> Response:
        try:
            await anyio.to_thread.run_sync(store.ping, holder["engine"])
        except Exception as exc:  # any failure to reach the database means "not ready"
            return Response({"status": "unavailable", "error": type(exc).__name__}, status_code=503)
        return Response({"status": "ok"}, status_code=200)

    @get("/metrics")
    async def metrics_endpoint() -> Response:
        body = await anyio.to_thread.run_sync(metrics.render)
        return Response(body, media_type=CONTENT_TYPE, status_code=200)

    app = Litestar(
        route_handlers=[github_webhook, healthz, readyz, metrics_endpoint],
        lifespan=[lifespan],
        request_max_body_size=MAX_BODY_BYTES,
        logging_config=None,
    )
    app.state.metrics = metrics
    app.state.holder = holder
    return app
