"""The vocabulary every part of an audit shares: severities, categories, locations, findings."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from enum import IntEnum


class Severity(IntEnum):
    """Ordered so that `severity >= threshold` reads naturally."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @classmethod
    def parse(cls, text: str) -> "Severity":
        try:
            return cls[str(text).strip().upper()]
        except KeyError:
            names = ", ".join(s.name.lower() for s in cls)
            raise ValueError(f"unknown severity {text!r} (expected one of {names})") from None

    def __str__(self) -> str:
        return self.name.lower()


CATEGORIES = (
    "security",
    "reliability",
    "resources",
    "networking",
    "rbac",
    "secrets",
    "supply-chain",
    "observability",
    "deprecation",
    "chart-quality",
    "integrity",
    "schema",
    "dockerfile",
)


@dataclass(frozen=True)
class Location:
    """A place a person edits: a file relative to the audited root, and a 1-based line."""

    file: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class Finding:
    """One rule violated by one object (or file), placed where it is fixed."""

    rule_id: str
    severity: Severity
    category: str
    message: str
    target: str  # the chart folder, manifest file or Dockerfile audited
    object_ref: str = ""  # "Kind/name" for a Kubernetes object, "" otherwise
    field_path: str = ""
    location: Location | None = None
    suppressed: bool = False
    suppression_reason: str = ""
    fix_hint: str = ""
    source_file: str = ""  # template or manifest the object came from, for exemptions
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def fingerprint(self) -> str:
        """Stable across line moves: rule, target, object and field, never the line."""
        key = "\x1f".join((self.rule_id, self.target, self.object_ref, self.field_path, self.message))
        return hashlib.sha256(key.encode()).hexdigest()[:32]

    def suppress(self, reason: str) -> "Finding":
        return replace(self, suppressed=True, suppression_reason=reason)
