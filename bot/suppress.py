"""Suppression: object annotations, `# chartwarden:ignore` comments, and config exemptions.

Suppressed findings are kept and marked, never dropped, so reports can show what was waived and why.
"""

from __future__ import annotations

import re
from pathlib import Path

from bot.config import RepoConfig
from bot.findings import Finding

ANNOTATION = "chartwarden.io/ignore"
ANNOTATION_REASON = "chartwarden.io/ignore-reason"
_COMMENT = re.compile(r"#\s*chartwarden:ignore\s+(?P<ids>[\w\-*]+(?:\s*,\s*[\w\-*]+)*)(?:\s+--\s*(?P<reason>.*?))?\s*$")


def _ids(text: str) -> set[str]:
    return {part.strip() for part in re.split(r"[,\s]+", text) if part.strip()}


def by_annotation(annotations: dict, rule_id: str) -> str | None:
    """The reason when the object's annotation waives this rule, else None."""
    value = annotations.get(ANNOTATION)
    if not isinstance(value, str):
        return None
    ids = _ids(value)
    if rule_id in ids or "*" in ids:
        return str(annotations.get(ANNOTATION_REASON) or f"annotation {ANNOTATION}")
    return None


class CommentIndex:
    """`# chartwarden:ignore id -- reason` on a finding's line, or alone on the line above it."""

    def __init__(self) -> None:
        self._files: dict[Path, list[str]] = {}

    def _lines(self, path: Path) -> list[str]:
        if path not in self._files:
            try:
                self._files[path] = path.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                self._files[path] = []
        return self._files[path]

    def reason(self, path: Path, line: int | None, rule_id: str) -> str | None:
        if not line:
            return None
        lines = self._lines(path)
        candidates = []
        if 0 < line <= len(lines):
            candidates.append(lines[line - 1])
        if 1 < line <= len(lines) + 1 and lines[line - 2].lstrip().startswith("#"):
            candidates.append(lines[line - 2])
        for text in candidates:
            match = _COMMENT.search(text)
            if match and (rule_id in _ids(match.group("ids")) or "*" in _ids(match.group("ids"))):
                return match.group("reason") or "chartwarden:ignore comment"
        return None


def by_config(config: RepoConfig, finding: Finding) -> str | None:
    paths = [p for p in (finding.location.file if finding.location else "", finding.source_file, finding.target) if p]
    for exemption in config.exempt:
        if any(exemption.covers(finding.rule_id, path, finding.object_ref) for path in paths):
            return exemption.reason
    return None
