"""Verify and normalise webhook deliveries (pure: no I/O, no clock, no environment).

A delivery is verified over the raw request bytes, never over re-serialised JSON, and with a
constant-time comparison. Payloads are kept as plain dicts: GitHub adds fields over time and the
examples and GHES payloads lack some, so nothing here rejects a payload for a missing or extra field;
the few values the service needs are read with defaults.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

SIGNATURE_HEADER = "x-hub-signature-256"
EVENT_HEADER = "x-github-event"
DELIVERY_HEADER = "x-github-delivery"
HOOK_ID_HEADER = "x-github-hook-id"
TARGET_TYPE_HEADER = "x-github-hook-installation-target-type"
TARGET_ID_HEADER = "x-github-hook-installation-target-id"

_EVENT_NAME = re.compile(r"^[a-z_]{1,64}$")
_DELIVERY_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")


class BadDelivery(ValueError):
    """A request that is not a usable webhook delivery; the message is safe to return to the sender."""


def sign(secret: str, body: bytes) -> str:
    """The `X-Hub-Signature-256` value GitHub sends for `body` (used by tests and tools)."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(secrets: str | Iterable[str], body: bytes, header: str | None) -> bool:
    """True when `header` is the HMAC-SHA256 of `body` under one of `secrets` (two during a rotation)."""
    if not header or not header.startswith("sha256="):
        return False
    candidates = [secrets] if isinstance(secrets, str) else list(secrets)
    ok = False
    for secret in candidates:
        if secret:
            # compare against every secret so the time taken does not tell which one matched
            ok |= hmac.compare_digest(sign(secret, body).encode(), header.encode("utf-8", "replace"))
    return ok


@dataclass(frozen=True)
class DeliveryHeaders:
    delivery_id: str
    event: str
    hook_id: str = ""
    target_type: str = ""
    target_id: str = ""


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in headers.items()}


def parse_headers(headers: Mapping[str, str]) -> DeliveryHeaders:
    """The delivery headers, case-insensitively; BadDelivery when the event or delivery id is missing."""
    lowered = _lower(headers)
    event = lowered.get(EVENT_HEADER, "").strip()
    delivery = lowered.get(DELIVERY_HEADER, "").strip()
    if not event:
        raise BadDelivery("missing X-GitHub-Event header")
    if not _EVENT_NAME.match(event):
        raise BadDelivery("malformed X-GitHub-Event header")
    if not delivery:
        raise BadDelivery("missing X-GitHub-Delivery header")
    if not _DELIVERY_ID.match(delivery):
        raise BadDelivery("malformed X-GitHub-Delivery header")
    return DeliveryHeaders(
        delivery_id=delivery,
        event=event,
        hook_id=lowered.get(HOOK_ID_HEADER, ""),
        target_type=lowered.get(TARGET_TYPE_HEADER, ""),
        target_id=lowered.get(TARGET_ID_HEADER, ""),
    )


def parse_payload(body: bytes) -> dict:
    """The JSON object in `body`; BadDelivery for anything else (form-encoded hooks are not supported)."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BadDelivery("body is not JSON (configure the webhook with content type application/json)") from None
    if not isinstance(data, dict):
        raise BadDelivery("body is not a JSON object")
    return data


def dig(data: Any, *keys: str | int, default: Any = None) -> Any:
    """`data[k1][k2]...`, or `default` as soon as a level is missing or of the wrong type."""
    for key in keys:
        if isinstance(key, int):
            if not isinstance(data, list) or not -len(data) <= key < len(data):
                return default
        elif not isinstance(data, dict) or key not in data:
            return default
        data = data[key]
    return default if data is None else data


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


@dataclass(frozen=True)
class Event:
    """One delivery, normalised: what routing and the queue need, plus the payload as a plain dict."""

    delivery_id: str
    name: str
    action: str
    payload: dict = field(repr=False, compare=False, hash=False)
    installation_id: int | None = None
    repository: str = ""  # "owner/name"
    pr_number: int | None = None
    head_sha: str = ""
    base_sha: str = ""
    sender_login: str = ""
    sender_type: str = ""

    @property
    def key(self) -> str:
        """`event.action`, or the event name when it has no action."""
        return f"{self.name}.{self.action}" if self.action else self.name

    @property
    def owner(self) -> str:
        return self.repository.split("/", 1)[0] if self.repository else ""

    @property
    def repo_name(self) -> str:
        return self.repository.split("/", 1)[1] if "/" in self.repository else ""

    def get(self, *keys: str | int, default: Any = None) -> Any:
        return dig(self.payload, *keys, default=default)


def _pr_fields(name: str, payload: dict) -> tuple[int | None, str, str]:
    """(pull request number, head sha, base sha) where the event names one pull request."""
    if name in ("pull_request", "pull_request_review", "pull_request_review_comment"):
        number = _int(dig(payload, "pull_request", "number")) or _int(dig(payload, "number"))
        return number, _str(dig(payload, "pull_request", "head", "sha")), _str(dig(payload, "pull_request", "base", "sha"))
    if name in ("check_run", "check_suite"):
        holder = dig(payload, name, default={})
        head = _str(dig(holder, "head_sha"))
        first = dig(holder, "pull_requests", 0, default={})
        return _int(dig(first, "number")), head or _str(dig(first, "head", "sha")), _str(dig(first, "base", "sha"))
    if name == "issue_comment" and isinstance(dig(payload, "issue", "pull_request"), dict):
        return _int(dig(payload, "issue", "number")), "", ""
    return None, "", ""


def normalise(headers: DeliveryHeaders, payload: dict) -> Event:
    """An Event from verified headers and a parsed payload; never raises for missing fields."""
    repository = _str(dig(payload, "repository", "full_name"))
    if not repository:
        owner, name = _str(dig(payload, "repository", "owner", "login")), _str(dig(payload, "repository", "name"))
        repository = f"{owner}/{name}" if owner and name else ""
    number, head_sha, base_sha = _pr_fields(headers.event, payload)
    return Event(
        delivery_id=headers.delivery_id,
        name=headers.event,
        action=_str(payload.get("action")),
        payload=payload,
        installation_id=_int(dig(payload, "installation", "id")),
        repository=repository,
        pr_number=number,
        head_sha=head_sha,
        base_sha=base_sha,
        sender_login=_str(dig(payload, "sender", "login")),
        sender_type=_str(dig(payload, "sender", "type")),
    )


def event_from_request(headers: Mapping[str, str], body: bytes, secrets: str | Iterable[str]) -> Event:
    """Verify, then parse: the whole request path in one pure call. Raises SignatureMismatch or BadDelivery."""
    if not verify_signature(secrets, body, _lower(headers).get(SIGNATURE_HEADER)):
        raise SignatureMismatch("missing or invalid X-Hub-Signature-256")
    return normalise(parse_headers(headers), parse_payload(body))


class SignatureMismatch(ValueError):
    """The signature header is missing or does not match the body under any configured secret."""
