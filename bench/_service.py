"""What the webhook-service benchmarks share: a fresh database, the service as a subprocess, and a GitHub mock.

- `fresh_database(kind)`: a SQLite file in a temp folder, or a brand-new PostgreSQL schema (reached
  through `search_path` in the URL, as tests/service/conftest.py does) that is dropped afterwards.
- `Service`: `chartwarden serve` started with bench settings (a throwaway App key and webhook secret,
  the redelivery sweeper off), its JSON logs written to a file, stopped with SIGINT so the lifespan
  shuts down cleanly.
- `GitHubMock`: a small recording proxy in front of prism (tests/fixtures/openapi/github-trimmed.json,
  `--errors`), which answers itself the two things prism cannot: the tarball endpoint (a redirect, as
  GitHub's, to a codeload-like path of the proxy serving a real .tar.gz of a chart, laid out as GitHub
  lays it out) and the installation token (prism's example token
  expired in 2016, which would make githubkit fetch a new one before every call). Every request is
  recorded with its arrival time (time.monotonic of this process) so a benchmark can time what the
  service sent.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.request
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable  # run the benches with the project's venv: .venv/bin/python bench/...
PRISM = ROOT / ".tools" / "npm" / "node_modules" / ".bin" / "prism"
SPEC = ROOT / "tests" / "fixtures" / "openapi" / "github-trimmed.json"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SECRET = "bench-webhook-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def private_key_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def sign(body: bytes, secret: str = SECRET) -> str:
    import hmac

    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


# -- database -------------------------------------------------------------------------------------


@dataclass
class Database:
    kind: str
    url: str
    label: str

    def engine(self):
        import sqlalchemy as sa

        from bot import store

        return sa.create_engine(store.normalise_url(self.url), poolclass=sa.pool.NullPool)

    def counts(self, delivery_prefix: str = "") -> dict[str, int]:
        """Rows in deliveries (those whose id starts with the prefix) and jobs, by state."""
        import sqlalchemy as sa

        engine = self.engine()
        try:
            with engine.connect() as conn:
                deliveries = conn.execute(
                    sa.text("SELECT count(*) FROM deliveries WHERE delivery_id LIKE :p"), {"p": delivery_prefix + "%"}
                ).scalar_one()
                linked = conn.execute(
                    sa.text("SELECT count(*) FROM deliveries d JOIN jobs j ON j.id = d.job_id WHERE d.delivery_id LIKE :p"),
                    {"p": delivery_prefix + "%"},
                ).scalar_one()
                states = dict(conn.execute(sa.text("SELECT state, count(*) FROM jobs GROUP BY state")).all())
        finally:
            engine.dispose()
        return {"deliveries": deliveries, "deliveries_with_job": linked, **{f"jobs_{k}": v for k, v in states.items()}}


    def sessions(self) -> int:
        """PostgreSQL: sessions ever opened on this database (pg_stat_database, PostgreSQL 14+)."""
        import sqlalchemy as sa

        engine = self.engine()
        try:
            with engine.connect() as conn:
                return int(conn.execute(sa.text(
                    "SELECT sessions FROM pg_stat_database WHERE datname = current_database()")).scalar_one())
        finally:
            engine.dispose()


@contextmanager
def fresh_database(kind: str, pg_url: str = PG_DEFAULT) -> Iterator[Database]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="cw-bench-db-") as tmp:
            path = Path(tmp) / "chartwarden.db"
            yield Database("sqlite", f"sqlite:///{path}", f"SQLite file {path.name} (WAL)")
        return
    if kind != "postgres":
        raise ValueError(kind)
    import sqlalchemy as sa

    from bot import store

    admin = sa.create_engine(store.normalise_url(pg_url), poolclass=sa.pool.NullPool, connect_args={"connect_timeout": 3})
    schema = f"cw_bench_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = sa.engine.make_url(store.normalise_url(pg_url)).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield Database("postgres", url.render_as_string(hide_password=False), f"PostgreSQL schema {schema}")
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


# -- the service ------------------------------------------------------------------------------------


class Service:
    """`chartwarden serve` on loopback, with bench settings; a context manager."""

    def __init__(self, db: Database, *, api_url: str, workdir: Path, worker: bool, port: int | None = None,
                 extra_env: dict[str, str] | None = None, log_name: str = "service.log"):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / log_name
        self.env = {
            **os.environ,
            "CHARTWARDEN_APP_ID": "12345",
            "CHARTWARDEN_PRIVATE_KEY": private_key_pem(),
            "CHARTWARDEN_WEBHOOK_SECRET": SECRET,
            "DATABASE_URL": db.url,
            "CHARTWARDEN_DATA_DIR": str(workdir / "data"),
            "CHARTWARDEN_CACHE_DIR": str(workdir / "cache"),
            "CHARTWARDEN_GITHUB_API_URL": api_url,
            "CHARTWARDEN_APP_SLUG": "chartwarden-bench",
            "CHARTWARDEN_SWEEP_SECONDS": "0",  # the redelivery sweeper is not what is measured
            # this checkout's code, even when the venv's editable install points at another one
            "PYTHONPATH": os.pathsep.join([str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]),
            **(extra_env or {}),
        }
        # `python -m bot.cli serve` is what the `chartwarden serve` console script runs
        self.args = [PYTHON, "-m", "bot.cli", "serve", "--port", str(self.port)] + ([] if worker else ["--no-worker"])
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> "Service":
        self._log = self.log_path.open("w")
        self.proc = subprocess.Popen(self.args, env=self.env, stdout=self._log, stderr=subprocess.STDOUT, cwd=ROOT)
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"chartwarden serve exited {self.proc.returncode}:\n{self.log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=2) as resp:
                    if resp.status == 200:
                        return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"chartwarden serve did not become ready:\n{self.log_path.read_text()[-3000:]}")
            time.sleep(0.2)

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(45)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._log.close()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log_records(self) -> list[dict]:
        out = []
        for line in self.log_path.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError:
                    pass
        return out


# -- tarballs --------------------------------------------------------------------------------------


def chart_tarball(chart: Path, top: str, *, under: str = "charts", note: str = "") -> bytes:
    """A GitHub-style tarball (`top/` first, then the tree) holding `chart` at `under/<name>/`.

    `note` is appended to values.yaml as a comment: a different note is a different tree for every
    content-addressed cache (render and result), so an audit of it starts cold.
    """
    buf = io.BytesIO()
    name = chart.name
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        def add_dir(arc: str) -> None:
            info = tarfile.TarInfo(arc)
            info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, 1700000000
            tar.addfile(info)

        def add_file(arc: str, data: bytes) -> None:
            info = tarfile.TarInfo(arc)
            info.size, info.mode, info.mtime = len(data), 0o644, 1700000000
            tar.addfile(info, io.BytesIO(data))

        add_dir(f"{top}/")
        add_file(f"{top}/README.md", b"# bench repository\n")
        add_dir(f"{top}/{under}/")
        for path in sorted(chart.rglob("*")):
            rel = path.relative_to(chart).as_posix()
            arc = f"{top}/{under}/{name}/{rel}"
            if path.is_symlink():
                continue
            if path.is_dir():
                add_dir(arc + "/")
                continue
            data = path.read_bytes()
            if rel == "values.yaml" and note:
                data = data.rstrip(b"\n") + f"\n# {note}\n".encode()
            add_file(arc, data)
    return gzip.compress(buf.getvalue(), compresslevel=6, mtime=0)


# -- the GitHub mock ----------------------------------------------------------------------------------


@dataclass
class Recorded:
    at: float  # time.monotonic() when the request arrived
    method: str
    path: str
    status: int = 0
    body: dict | list | None = None
    done_at: float = 0.0


TARBALL = re.compile(r"^/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)/tarball/(?P<ref>.+)$")
CODELOAD = re.compile(r"^/_codeload/(?P<owner>[^/]+)/(?P<repo>[^/]+)/legacy.tar.gz/(?P<ref>.+)$")
ACCESS_TOKEN = re.compile(r"^/app/installations/(?P<id>\d+)/access_tokens$")
PULL = re.compile(r"^/repos/[^/]+/[^/]+/pulls/(?P<number>\d+)$")
HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding", "host", "accept-encoding"}


@dataclass
class GitHubMock:
    """Recording proxy on loopback: tarballs and tokens answered here, everything else forwarded to prism."""

    prism_port: int
    tarball_for: Callable[[str, str], bytes]  # (repo, ref) -> .tar.gz bytes
    pull_heads: dict[int, tuple[str, str]] = field(default_factory=dict)  # PR number -> (head sha, base sha) to report
    port: int = 0
    records: list[Recorded] = field(default_factory=list)

    def __post_init__(self):
        self.port = self.port or free_port()
        self.cond = threading.Condition()
        self.tarball_bytes = 0
        mock = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _handle(self):
                arrived = time.monotonic()
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                path = urlsplit(self.path).path
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = None
                record = Recorded(arrived, self.command, path, body=body)
                status, headers, payload = mock.answer(self.command, self.path, path, dict(self.headers), raw)
                record.status = status
                self.send_response(status)
                for key, value in headers:
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                self.wfile.flush()
                record.done_at = time.monotonic()
                with mock.cond:
                    mock.records.append(record)
                    mock.cond.notify_all()

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.port}/"

    def answer(self, method: str, full_path: str, path: str, headers: dict, raw: bytes):
        tar = TARBALL.match(path)
        if tar and method == "GET":  # GitHub answers with a redirect to codeload; so does the mock
            where = f"{self.url}_codeload/{tar['owner']}/{tar['repo']}/legacy.tar.gz/{tar['ref']}"
            return 302, [("Location", where)], b""
        tar = CODELOAD.match(path)
        if tar and method == "GET":
            data = self.tarball_for(f"{tar['owner']}/{tar['repo']}", tar["ref"])
            self.tarball_bytes += len(data)
            return 200, [("Content-Type", "application/x-gzip")], data
        if ACCESS_TOKEN.match(path) and method == "POST":
            expires = (datetime.now(timezone.utc) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
            token = {"token": "ghs_bench" + uuid.uuid4().hex, "expires_at": expires, "permissions": {},
                     "repository_selection": "all"}
            return 201, [("Content-Type", "application/json")], json.dumps(token).encode()
        conn = http.client.HTTPConnection("127.0.0.1", self.prism_port, timeout=30)
        try:
            forward = {k: v for k, v in headers.items() if k.lower() not in HOP}
            conn.request(method, full_path, body=raw or None, headers=forward)
            resp = conn.getresponse()
            payload = resp.read()
            status = resp.status
            out = [(k, v) for k, v in resp.getheaders() if k.lower() not in HOP]
        finally:
            conn.close()
        pull = PULL.match(path)
        if pull and method == "GET" and status == 200 and int(pull["number"]) in self.pull_heads:
            data = json.loads(payload)
            head, base = self.pull_heads[int(pull["number"])]
            data["number"] = int(pull["number"])
            data["head"]["sha"], data["base"]["sha"] = head, base
            payload = json.dumps(data).encode()
        return status, out, payload

    def wait_for(self, predicate: Callable[[Recorded], bool], *, since: int = 0, timeout: float = 60) -> Recorded | None:
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for record in self.records[since:]:
                    if predicate(record):
                        return record
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)

    def __enter__(self) -> "GitHubMock":
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


class Prism:
    """prism mock of the trimmed GitHub REST description, with request validation (`--errors`)."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.log_path = workdir / "prism.log"

    def __enter__(self) -> "Prism":
        if not PRISM.exists():
            raise SystemExit("prism is not installed: run scripts/install-test-assets.sh")
        self._log = self.log_path.open("w")
        self.proc = subprocess.Popen([str(PRISM), "mock", "--errors", "-h", "127.0.0.1", "-p", str(self.port), str(SPEC)],
                                     stdout=self._log, stderr=subprocess.STDOUT, cwd=ROOT)
        deadline = time.monotonic() + 90
        while "Prism is listening" not in self.log_path.read_text(errors="replace"):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"prism did not start:\n{self.log_path.read_text()[-2000:]}")
            time.sleep(0.2)
        return self

    def __exit__(self, *exc) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        self._log.close()


def pull_request_payload(*, repo: str, number: int, head_sha: str, base_sha: str, installation_id: int = 42) -> dict:
    """tests/fixtures/webhooks/pull_request.opened.json moved onto `repo`, PR `number`, the given SHAs."""
    data = json.loads((ROOT / "tests" / "fixtures" / "webhooks" / "pull_request.opened.json").read_text())
    owner, name = repo.split("/", 1)
    data["number"] = number
    data["installation"] = {"id": installation_id, "node_id": "bench"}
    data["repository"]["full_name"] = repo
    data["repository"]["name"] = name
    data["repository"]["owner"]["login"] = owner
    pr = data["pull_request"]
    pr["number"] = number
    pr["head"]["sha"] = head_sha
    pr["base"]["sha"] = base_sha
    pr["head"]["repo"]["full_name"] = repo
    pr["base"]["repo"]["full_name"] = repo
    return data


def machine() -> str:
    load = os.getloadavg()
    return f"{os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at start"
