"""Runs one rule on one fixture and returns what it reported, as `file:line: message` strings."""

from __future__ import annotations

import json
import os
import re
from contextlib import contextmanager
from pathlib import Path

from bot.audit import audit
from bot.config import RepoConfig
from checks._registry import all_rules

_EXPECT = re.compile(r"^#\s*expect:\s*(?P<line>\d+|-):\s*(?P<message>.+?)\s*$")
_KUBE = re.compile(r"^#\s*kube-version:\s*(?P<version>\S+)", re.M)
_OPTIONS = re.compile(r"^#\s*options:\s*(?P<json>\{.*\})\s*$", re.M)


@contextmanager
def chdir(path: Path):
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def only(rule_id: str, kube_version: str = "1.31", options: dict | None = None) -> RepoConfig:
    others = frozenset(r for r in all_rules() if r != rule_id)
    return RepoConfig(
        kubernetes_version=kube_version, disable=others, enable=frozenset({rule_id}), options={rule_id: options or {}}
    )


def expected(fixture: Path) -> list[str]:
    """`# expect: LINE: MESSAGE` lines in a file, or an expect.txt beside a chart fixture."""
    if fixture.is_dir():
        text = (fixture / "expect.txt").read_text() if (fixture / "expect.txt").exists() else ""
        return sorted(line.strip() for line in text.splitlines() if line.strip())
    out = []
    for line in fixture.read_text().splitlines():
        match = _EXPECT.match(line.strip())
        if match:
            where = fixture.name if match["line"] == "-" else f"{fixture.name}:{match['line']}"
            out.append(f"{where}: {match['message']}")
    return sorted(out)


_EXPECT_ERROR = re.compile(r"^#\s*expect-error:\s*(?P<text>.+?)\s*$")


def expected_errors(fixture: Path) -> list[str]:
    """Render or input errors a fixture is meant to cause (helm refuses some broken charts):
    `expect-error.txt` beside a chart fixture, or `# expect-error: FILE:LINE: message` lines."""
    if fixture.is_dir():
        path = fixture / "expect-error.txt"
        lines = path.read_text().splitlines() if path.exists() else []
    else:
        lines = [m["text"] for m in map(_EXPECT_ERROR.match, fixture.read_text().splitlines()) if m]
    return sorted(line.strip() for line in lines if line.strip())


def run(rule_id: str, fixture: Path) -> list[str]:
    """What `rule_id` alone reports on the fixture; chart paths are shown relative to the chart."""
    kube, options = "1.31", {}
    probe = fixture / "Chart.yaml" if fixture.is_dir() else fixture
    if probe.exists():
        text = probe.read_text(errors="replace")
        match = _KUBE.search(text)
        if match:
            kube = match["version"]
        match = _OPTIONS.search(text)
        if match:
            options = json.loads(match["json"])
    with chdir(fixture.parent):
        result = audit([fixture.name], only(rule_id, kube, options))
    prefix = fixture.name + "/" if fixture.is_dir() else ""
    errors = sorted(str(e)[len(prefix):] if prefix and str(e).startswith(prefix) else str(e) for e in result.errors)
    assert errors == expected_errors(fixture), errors
    out = []
    for finding in result.findings:
        if finding.rule_id != rule_id or finding.suppressed:
            continue
        where = str(finding.location) if finding.location else f"{finding.target} (unplaced)"
        if prefix and where.startswith(prefix):
            where = where[len(prefix):]
        out.append(f"{where}: {finding.message}")
    return sorted(out)
