"""The rule registry: each check module registers one rule with `@register(...)`.

A rule is data (id, category, default severity, anchors in other tools) plus a pure function.
Four scopes decide what the function receives:
- "object":     (obj: K8sObject, ctx: CheckContext) for every rendered object of the listed kinds
- "release":    (release: Release, ctx) once per chart or manifest file, for cross-object rules
- "chart":      (chart: ChartSource, ctx) once per Helm chart, for chart-quality rules
- "dockerfile": (dockerfile: Dockerfile, ctx) once per Dockerfile
Each yields `Hit`s; the engine turns them into placed findings.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Iterable

from bot.findings import CATEGORIES, Severity
from checks._k8s import K8sObject

SCOPES = ("object", "release", "chart", "dockerfile")
DOC_SECTIONS = ("What it does", "Why it matters", "Example", "Fix")
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Hit:
    """What a check reports; the engine adds severity, location and suppression."""

    message: str
    path: str = ""  # field path in `obj`, e.g. "spec.template.spec.containers[0].image"
    obj: K8sObject | None = None
    file: str | None = None  # chart-relative (chart scope) or the Dockerfile itself
    line: int | None = None
    severity: Severity | None = None  # overrides the rule's default for this hit
    value_hint: Any = None  # the offending value, when the path alone does not hold it
    skipped: bool = False  # not a finding: the rule could not judge this object (e.g. no schema for a CRD)


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    severity: Severity
    scope: str
    func: Callable[..., Iterable[Hit]]
    doc: str
    kinds: frozenset[str] | None = None
    anchors: tuple[str, ...] = ()
    enabled: bool = True  # False: opt-in through .chartwarden.yaml
    fix: str = ""  # values key a fix sets, when the fix is a single value

    @property
    def title(self) -> str:
        first = self.doc.strip().splitlines()[0] if self.doc.strip() else self.id
        return first.split(":", 1)[1].strip() if first.startswith(self.id + ":") else first

    def section(self, name: str) -> str:
        """The text of one docstring section ("Why it matters", "Fix", ...)."""
        return _doc_section(self.doc, name)


@lru_cache(maxsize=4096)
def _doc_section(doc: str, name: str) -> str:
    """Cached: every finding carries its rule's Fix text."""
    match = re.search(rf"^{re.escape(name)}:\s*(.*?)(?=^\w[\w ]*:\s|\Z)", doc, re.M | re.S)
    return " ".join(match.group(1).split()) if match else ""


@dataclass
class CheckContext:
    """Audit-wide inputs a rule may read: target Kubernetes version and rule options."""

    kube_version: tuple[int, int] = (1, 31)
    options: dict = field(default_factory=dict)

    def option(self, rule_id: str, name: str, default: Any) -> Any:
        return (self.options.get(rule_id) or {}).get(name, default)


_RULES: dict[str, Rule] = {}


def register(
    *,
    id: str,
    category: str,
    severity: Severity,
    scope: str = "object",
    kinds: Iterable[str] | None = None,
    anchors: Iterable[str] = (),
    enabled: bool = True,
    fix: str = "",
) -> Callable:
    """Register the decorated function as rule `id`; its module docstring is the rule's doc."""

    def decorate(func: Callable) -> Callable:
        if not _ID.match(id):
            raise ValueError(f"rule id {id!r} is not kebab-case")
        if id in _RULES:
            raise ValueError(f"rule id {id!r} registered twice")
        if category not in CATEGORIES:
            raise ValueError(f"rule {id}: unknown category {category!r}")
        if scope not in SCOPES:
            raise ValueError(f"rule {id}: unknown scope {scope!r}")
        doc = sys.modules[func.__module__].__doc__ or ""
        _RULES[id] = Rule(
            id=id,
            category=category,
            severity=severity,
            scope=scope,
            func=func,
            doc=doc.strip(),
            kinds=frozenset(kinds) if kinds is not None else None,
            anchors=tuple(anchors),
            enabled=enabled,
            fix=fix,
        )
        return func

    return decorate


def all_rules() -> dict[str, Rule]:
    """Every registered rule, importing the check modules on first use."""
    import checks  # importing every module registers it; load_all() is a no-op after the first call

    checks.load_all()
    return dict(sorted(_RULES.items()))
