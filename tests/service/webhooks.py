"""Signed webhook requests built from the fixtures in tests/fixtures/webhooks/."""

from __future__ import annotations

import json
from pathlib import Path

from bot.events import sign

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "webhooks"
SECRET = "It's a Secret to Everybody"


def payload(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def body(name: str) -> bytes:
    return (FIXTURES / f"{name}.json").read_bytes()


def headers(event: str, delivery: str, raw: bytes, secret: str = SECRET) -> dict[str, str]:
    return {
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery,
        "X-Hub-Signature-256": sign(secret, raw),
        "X-GitHub-Hook-ID": "292430182",
        "X-GitHub-Hook-Installation-Target-Type": "integration",
        "X-GitHub-Hook-Installation-Target-ID": "79929171",
        "User-Agent": "GitHub-Hookshot/044aadd",
        "Content-Type": "application/json",
    }


def request(name: str, delivery: str, secret: str = SECRET) -> tuple[bytes, dict[str, str]]:
    """(body, headers) for fixture `name` ("pull_request.opened", ...), signed with `secret`."""
    raw = body(name)
    return raw, headers(name.split(".")[0], delivery, raw, secret)
