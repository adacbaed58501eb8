"""`chartwarden serve` and `chartwarden worker`: the webhook service's processes.

serve   uvicorn running create_app(): the webhook endpoint, health, metrics and (unless --no-worker)
        one in-process worker. The default deployment: one process on SQLite.
worker  a queue worker alone (scale-out on PostgreSQL: any number of these beside N `serve
        --no-worker` replicas). SIGTERM/SIGINT let the current job finish, then exit.
Where a worker runs, the redelivery sweeper runs beside it every CHARTWARDEN_SWEEP_SECONDS (0: off;
`worker --until-idle` drains the queue only).
Settings come from the environment (bot/settings.py); a missing one is reported in one line, exit 2.
"""

from __future__ import annotations

import asyncio
import signal
import sys

from bot.settings import Settings, SettingsError


def _settings() -> Settings | None:
    try:
        return Settings.from_env()
    except SettingsError as exc:
        print(f"chartwarden: {exc}", file=sys.stderr)
        return None


def serve(args) -> int:
    settings = _settings()
    if settings is None:
        return 2
    import uvicorn

    from bot.app import create_app
    from bot.forge.github import GitHubApp
    from bot.observability import Metrics, configure_logging

    configure_logging(settings.log_level)
    metrics = Metrics()
    github = GitHubApp.from_settings(settings, metrics)
    app = create_app(settings, forge_factory=github.forge, run_worker=not args.no_worker, metrics=metrics, deliveries=github)
    uvicorn.run(app, host=args.host or settings.host, port=args.port or settings.port, log_config=None,
                access_log=False, proxy_headers=True, lifespan="on")
    return 0


async def _run_worker(settings: Settings, until_idle: bool) -> int:
    from bot import store
    from bot.app import handler_options, make_queue
    from bot.forge.github import GitHubApp
    from bot.observability import Metrics
    from bot.worker import Worker, dispatcher
    from handlers import router

    engine = store.make_engine(settings.database_url)
    try:
        await asyncio.to_thread(store.migrate, engine)
        queue = make_queue(engine, settings)
        metrics = Metrics()
        metrics.watch_queue(queue.depth)
        if settings.worker_metrics_port:
            from prometheus_client import start_http_server

            start_http_server(settings.worker_metrics_port, addr=settings.host, registry=metrics.registry)
        github = GitHubApp.from_settings(settings, metrics)
        worker = Worker(
            queue,
            dispatcher(router, github.forge, engine=engine, options=handler_options(settings)),
            poll_interval=settings.worker_poll_seconds,
            on_finished=lambda job, outcome, seconds: metrics.job_finished(job.event, outcome, seconds),
        )
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        sweeper_task = None
        if settings.sweep_seconds > 0 and not until_idle:
            from bot.sweeper import Sweeper

            sweeper = Sweeper(github, engine, interval=settings.sweep_seconds, on_sweep=metrics.swept)
            sweeper_task = asyncio.create_task(sweeper.run(stop))
        ran = await worker.run(stop, until_idle=until_idle)
        if sweeper_task is not None:
            stop.set()
            try:
                await asyncio.wait_for(sweeper_task, timeout=5)
            except asyncio.TimeoutError:
                pass
        print(f"chartwarden worker: ran {ran} job{'s' if ran != 1 else ''}", file=sys.stderr)
        return 0
    finally:
        engine.dispose()


def worker(args) -> int:
    settings = _settings()
    if settings is None:
        return 2
    from bot.observability import configure_logging

    configure_logging(settings.log_level)
    return asyncio.run(_run_worker(settings, args.until_idle))
