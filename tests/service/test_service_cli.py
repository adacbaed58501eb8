"""`chartwarden serve` and `chartwarden worker` as real processes."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bot import store
from bot.queue import JobSpec, Queue
from tests.service import webhooks

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()


def service_env(tmp_path, pem, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHARTWARDEN_") and k != "DATABASE_URL"}
    return {**env, "CHARTWARDEN_APP_ID": "123", "CHARTWARDEN_PRIVATE_KEY": pem, "CHARTWARDEN_WEBHOOK_SECRET": webhooks.SECRET,
            "CHARTWARDEN_DATA_DIR": str(tmp_path), "CHARTWARDEN_GITHUB_API_URL": "http://127.0.0.1:9/",
            "CHARTWARDEN_WORKER_POLL_SECONDS": "0.05", **extra}


def cli(*args: str, env: dict, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_missing_setting_is_one_line_and_exit_2(tmp_path, pem):
    env = service_env(tmp_path, pem)
    del env["CHARTWARDEN_WEBHOOK_SECRET"]
    for command in ("serve", "worker"):
        done = cli(command, env=env)
        assert (done.returncode, done.stdout, done.stderr) == (
            2, "", "chartwarden: CHARTWARDEN_WEBHOOK_SECRET is not set (the App's webhook secret)\n")


def test_serve_answers_webhooks_runs_the_job_in_process_and_stops_on_sigterm(tmp_path, pem):
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve", "--port", str(port)], cwd=ROOT,
                            env=service_env(tmp_path, pem), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "serve did not come up"
            time.sleep(0.2)
        raw, headers = webhooks.request("installation.created", "serve-1")
        response = httpx.post(f"{base}/webhooks/github", content=raw, headers=headers)
        assert (response.status_code, response.json()) == (202, {"status": "queued", "job": 1})
        assert httpx.post(f"{base}/webhooks/github", content=raw, headers={**headers, "X-Hub-Signature-256": "sha256=00"}).status_code == 401
        assert httpx.get(f"{base}/readyz").json() == {"status": "ok"}
        engine = store.make_engine(f"sqlite:///{tmp_path}/chartwarden.db")
        for _ in range(300):
            with engine.connect() as conn:
                state = conn.execute(sa.text("SELECT state FROM jobs WHERE id = 1")).scalar_one()
            if state == "done":
                break
            time.sleep(0.05)
        assert state == "done"
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT id, account_login FROM installations")).all() == [(957387, "Codertocat")]
        engine.dispose()
        metrics = httpx.get(f"{base}/metrics").text
        assert 'chartwarden_webhook_deliveries_total{event="installation",outcome="queued"} 1.0' in metrics
        assert 'chartwarden_jobs_finished_total{event="installation",outcome="done"} 1.0' in metrics
        assert 'chartwarden_queue_jobs{state="done"} 1.0' in metrics
    finally:
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=60)
    # uvicorn shuts down gracefully on SIGTERM, then re-raises the signal so the exit status says why
    assert proc.returncode in (0, -signal.SIGTERM), err[-2000:]
    logs = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert len(logs) == len(err.splitlines())  # every line on stderr is a JSON object
    [delivery] = [entry for entry in logs if entry["message"] == "delivery"]
    assert {k: delivery[k] for k in ("level", "delivery_id", "event", "outcome", "job_id")} == {
        "level": "info", "delivery_id": "serve-1", "event": "installation.created", "outcome": "queued", "job_id": 1}
    assert {"Waiting for application shutdown.", "Application shutdown complete."} <= {e["message"] for e in logs}
    finished = [entry for entry in logs if entry["message"] == "job finished"]
    assert [(e["delivery_id"], e["outcome"]) for e in finished] == [("serve-1", "done")]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_worker_until_idle_drains_the_queue_and_exits(tmp_path, pem, backend, request):
    url = f"sqlite:///{tmp_path}/chartwarden.db" if backend == "sqlite" else request.getfixturevalue("pg_url")
    engine = store.make_engine(url)
    store.migrate(engine)
    Queue(engine).enqueue(JobSpec(event="installation", action="created", payload=webhooks.body("installation.created").decode(),
                                  delivery_id="w-1", installation_id=957387))
    done = cli("worker", "--until-idle", env=service_env(tmp_path, pem, DATABASE_URL=url))
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[-1] == "chartwarden worker: ran 1 job"
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT state, attempts FROM jobs")).all() == [("done", 1)]
        assert conn.execute(sa.text("SELECT id FROM installations")).all() == [(957387,)]
    engine.dispose()
