"""A worker process for the queue tests (not a test module).

    python -m tests.service._drain URL WORKER_ID MODE LEASE_SECONDS

It prints "ready", waits for a line on stdin, then runs a bot.worker.Worker whose handler records one
row in the `effects` table per job it runs. MODE "drain": exit when nothing is runnable.
MODE "hang": after recording the row, print "started JOB_ID" and sleep until killed.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta

import sqlalchemy as sa

from bot import store
from bot.queue import Queue
from bot.worker import Worker


def main() -> None:
    url, worker_id, mode, lease = sys.argv[1:5]
    engine = store.make_engine(url, pool_size=2)
    queue = Queue(engine, lease=timedelta(seconds=float(lease)))

    async def handle(job) -> None:
        with engine.begin() as conn:
            conn.execute(
                sa.text("INSERT INTO effects (job_id, worker, attempt) VALUES (:job, :worker, :attempt)"),
                {"job": job.id, "worker": worker_id, "attempt": job.attempts},
            )
        if mode == "hang":
            print(f"started {job.id}", flush=True)
            await asyncio.sleep(3600)
        else:
            await asyncio.sleep(0.003)

    print("ready", flush=True)
    sys.stdin.readline()
    worker = Worker(queue, handle, worker_id=worker_id, poll_interval=0.05)
    ran = asyncio.run(worker.run(until_idle=mode == "drain"))
    print(f"ran {ran}", flush=True)
    engine.dispose()


if __name__ == "__main__":
    main()
