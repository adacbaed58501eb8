"""GitHub over real HTTP for the adapter tests: the prism mock, and a recording stub in front of it.

prism serves tests/fixtures/openapi/github-trimmed.json (scripts/trim-openapi.py) with `--errors`: a
request that breaks GitHub's description is answered 422. Its answers are the description's
examples, so where a test needs a specific answer (the tarball of a SHA, the files of a pull request
with their patches) the `Front` stub stands in front of it: every request goes to prism first, so
prism validates every one of them; the stub records it with prism's status and then answers with
prism's answer, or, for the routes the test overrides, from a FakeForge's HTTP face.
"""

from __future__ import annotations

import asyncio
import re
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
PRISM = ROOT / ".tools/npm/node_modules/.bin/prism"
SPEC = ROOT / "tests/fixtures/openapi/github-trimmed.json"
HOP_HEADERS = {"host", "content-length", "transfer-encoding", "connection", "content-encoding", "keep-alive"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Prism:
    """`prism mock --errors` on a free loopback port, until stop()."""

    def __init__(self, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = log
        with log.open("w") as out:
            self.proc = subprocess.Popen(
                [str(PRISM), "mock", "--errors", "-h", "127.0.0.1", "-p", str(self.port), str(SPEC)],
                stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
            )
        deadline = time.monotonic() + 60
        while "Prism is listening" not in log.read_text():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"prism did not start:\n{log.read_text()[-2000:]}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


@dataclass
class Exchange:
    """One request as the stub saw it, with prism's verdict and what the client was sent."""

    method: str
    path: str
    query: str
    headers: dict
    body: bytes
    prism_status: int
    prism_body: bytes
    status: int = 0
    overridden: bool = False
    at: float = field(default_factory=time.monotonic)

    @property
    def target(self) -> str:
        return f"{self.path}?{self.query}" if self.query else self.path

    def json(self):
        import json

        return json.loads(self.body) if self.body else None


class Front:
    """A loopback HTTP server in front of prism: validate everything there, answer some from a fake."""

    def __init__(self, prism_url: str):
        self.prism_url = prism_url.rstrip("/")
        self.exchanges: list[Exchange] = []
        self.forge = None
        self.overrides: list[tuple[str, re.Pattern]] = []
        self._lock = threading.Lock()
        self._client = httpx.Client(timeout=30, follow_redirects=False)
        front = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def _any(self) -> None:
                front._handle(self)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _any

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self._thread = threading.Thread(target=self.server.serve_forever, name="github-front", daemon=True)
        self._thread.start()

    def serve_from(self, forge, routes: list[tuple[str, str]]) -> None:
        """Answer requests matching (method, path regex) from `forge.http`; clears the record."""
        with self._lock:
            self.forge = forge
            self.overrides = [(method, re.compile(pattern)) for method, pattern in routes]
            self.exchanges = []

    def _override(self, method: str, path: str) -> bool:
        return self.forge is not None and any(m == method and p.fullmatch(path) for m, p in self.overrides)

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("content-length") or 0)
        body = handler.rfile.read(length) if length else b""
        path, _, query = handler.path.partition("?")
        headers = {k.lower(): v for k, v in handler.headers.items() if k.lower() not in HOP_HEADERS}
        answer = self._client.request(handler.command, self.prism_url + handler.path, headers=headers, content=body)
        exchange = Exchange(handler.command, path, query, headers, body, answer.status_code, answer.content)
        status, out_headers, content = answer.status_code, dict(answer.headers), answer.content
        if answer.status_code < 400 and self._override(handler.command, path):
            request = httpx.Request(handler.command, f"http://github.test{handler.path}", headers=headers, content=body)
            response = asyncio.run(self.forge.http(request))
            status, out_headers, content = response.status_code, dict(response.headers), response.content
            exchange.overridden = True
        exchange.status = status
        with self._lock:
            self.exchanges.append(exchange)
        handler.send_response(status)
        for key, value in out_headers.items():
            if key.lower() not in HOP_HEADERS:
                handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(content)))
        handler.end_headers()
        handler.wfile.write(content)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._client.close()
