"""Repo config: `.chartwarden.yaml`, merged over defaults and validated with one clear error."""

from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any


from bot import yamlindex
from bot.findings import Severity

CONFIG_NAME = ".chartwarden.yaml"
SCHEMA_PATH = Path(__file__).parent / "schemas" / "chartwarden-config.schema.json"
DEFAULT_KUBE_VERSION = "1.31"


class ConfigError(ValueError):
    """Bad config: the message already says file:line and the key."""


@dataclass(frozen=True)
class Exemption:
    paths: tuple[str, ...]
    objects: tuple[str, ...]
    checks: tuple[str, ...]
    reason: str

    def covers(self, rule_id: str, path: str, object_ref: str) -> bool:
        if self.checks and not any(fnmatch.fnmatchcase(rule_id, pattern) for pattern in self.checks):
            return False
        if self.paths and not any(_glob_match(path, pattern) for pattern in self.paths):
            return False
        if self.objects and not any(fnmatch.fnmatchcase(object_ref, pattern) for pattern in self.objects):
            return False
        return True


def _glob_match(path: str, pattern: str) -> bool:
    """fnmatch with `**` spanning folders and a folder pattern covering what is inside it."""
    regex = re.escape(pattern).replace(r"\*\*", "\0").replace(r"\*", "[^/]*").replace(r"\?", "[^/]").replace("\0", ".*")
    return re.fullmatch(regex, path) is not None or re.fullmatch(regex + "/.*", path) is not None


@dataclass(frozen=True)
class RepoConfig:
    kubernetes_version: str = DEFAULT_KUBE_VERSION
    charts: tuple[str, ...] = ()
    fail_on: Severity | None = Severity.HIGH
    release_name: str = "release"
    namespace: str = "default"
    severity: dict = field(default_factory=dict)
    disable: frozenset = frozenset()
    enable: frozenset = frozenset()
    options: dict = field(default_factory=dict)
    exempt: tuple[Exemption, ...] = ()
    comments: dict = field(default_factory=lambda: {"review": True, "suggestions": True, "maxComments": 25})
    environments: tuple = ()
    source: str = ""

    @property
    def kube_version_tuple(self) -> tuple[int, int]:
        major, minor = self.kubernetes_version.lstrip("v").split(".")[:2]
        return int(major), int(minor)


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text())


def _locate_error(error: "jsonschema.ValidationError", lines: dict, display: str) -> str:
    path = tuple(error.absolute_path)
    key = ".".join(str(p) for p in path) or "(top level)"
    line = None
    for size in range(len(path), 0, -1):
        line = lines.get(path[:size])
        if line:
            break
    message = error.message
    if error.validator == "additionalProperties":
        message = message.replace("Additional properties are not allowed", "unknown key")
        extra = re.findall(r"'([^']+)'", message)
        if extra:
            line = lines.get(path + (extra[0],), line)
            key = ".".join(str(p) for p in path + (extra[0],))
    where = f"{display}:{line}" if line else display
    return f"{where}: {key}: {message}"


def parse_config(text: str, display: str = CONFIG_NAME, known_rules: set[str] | None = None) -> RepoConfig:
    try:
        nodes = yamlindex.compose_all(text)
    except yamlindex.YamlError as exc:
        raise ConfigError(f"{display}:{exc.line or 1}: not valid YAML: {exc}") from None
    if not nodes:
        return RepoConfig(source=display)
    if len(nodes) > 1:
        raise ConfigError(f"{display}:{nodes[1].start_mark.line + 1}: the config must be one YAML document, not several")
    try:
        data = yamlindex.construct(nodes[0])
    except yamlindex.YamlError as exc:
        raise ConfigError(f"{display}:{exc.line or 1}: not valid YAML: {exc}") from None
    lines = yamlindex.line_index(nodes[0])
    if not isinstance(data, dict):
        raise ConfigError(f"{display}:1: the config must be a mapping of keys")
    import jsonschema  # only when there is a config to check: importing it costs ~50 ms

    errors = sorted(jsonschema.Draft202012Validator(schema()).iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        raise ConfigError(_locate_error(errors[0], lines, display))
    checks = data.get("checks") or {}
    if known_rules is not None:
        for section in ("disable", "enable"):
            for index, rule in enumerate(checks.get(section) or []):
                if rule not in known_rules:
                    line = lines.get(("checks", section, index))
                    raise ConfigError(f"{display}:{line}: checks.{section}: unknown rule {rule!r}")
        for rule in checks.get("severity") or {}:
            if rule not in known_rules:
                line = lines.get(("checks", "severity", rule))
                raise ConfigError(f"{display}:{line}: checks.severity: unknown rule {rule!r}")
    fail_on = data.get("failOn", "high")
    comments = {"review": True, "suggestions": True, "maxComments": 25, **(data.get("comments") or {})}
    return RepoConfig(
        kubernetes_version=str(data.get("kubernetesVersion", DEFAULT_KUBE_VERSION)).lstrip("v"),
        charts=tuple(data.get("charts") or ()),
        fail_on=None if fail_on == "none" else Severity.parse(fail_on),
        release_name=data.get("releaseName", "release"),
        namespace=data.get("namespace", "default"),
        severity={rule: Severity.parse(value) for rule, value in (checks.get("severity") or {}).items()},
        disable=frozenset(checks.get("disable") or ()),
        enable=frozenset(checks.get("enable") or ()),
        options=dict(checks.get("options") or {}),
        exempt=tuple(
            Exemption(tuple(e.get("paths") or ()), tuple(e.get("objects") or ()), tuple(e.get("checks") or ()), e["reason"])
            for e in checks.get("exempt") or ()
        ),
        comments=comments,
        environments=tuple(data.get("environments") or ()),
        source=display,
    )


def load_config(path: Path, display: str | None = None, known_rules: set[str] | None = None) -> RepoConfig:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{display or path}: cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(f"{display or path}:{line}: not UTF-8 text (byte 0x{raw[exc.start]:02x})") from None
    return parse_config(text, display or str(path), known_rules)


def find_config(start: Path) -> Path | None:
    """The nearest .chartwarden.yaml in `start` or a parent folder (stopping at a git root)."""
    current = start if start.is_dir() else start.parent
    for folder in [current, *current.parents]:
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
        if (folder / ".git").exists():
            break
    return None
