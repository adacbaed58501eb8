"""Dockerfile parsing into instructions with their first line, for the Dockerfile rules."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_DIRECTIVE = re.compile(r"^\s*#\s*(syntax|escape|check)\s*=", re.I)


@dataclass(frozen=True)
class Instruction:
    line: int  # 1-based line where the instruction starts
    keyword: str  # upper-case: FROM, RUN, ...
    args: str  # the arguments with continuations joined by spaces
    stage: int  # index of the build stage (FROM count - 1); -1 before the first FROM


@dataclass
class Dockerfile:
    path: str  # as findings show it
    instructions: list[Instruction] = field(default_factory=list)

    def of(self, *keywords: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword in keywords]

    @property
    def final_stage(self) -> list[Instruction]:
        last = max((i.stage for i in self.instructions), default=-1)
        return [i for i in self.instructions if i.stage == last]


def parse(text: str, path: str) -> Dockerfile:
    """Split into instructions, joining backslash continuations and skipping comments."""
    escape = "\\"
    for line in text.splitlines()[:5]:
        match = re.match(r"^\s*#\s*escape\s*=\s*(\S)", line, re.I)
        if match:
            escape = match.group(1)
    result = Dockerfile(path)
    stage = -1
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if pending and stripped.startswith("#"):
            continue  # comment lines inside a continuation are dropped by Docker too
        if not pending:
            start = number
        if stripped.endswith(escape):
            pending.append(stripped[:-1].strip())
            continue
        pending.append(stripped)
        joined = " ".join(p for p in pending if p)
        pending = []
        keyword, _, args = joined.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            stage += 1
        result.instructions.append(Instruction(start, keyword, args.strip(), stage))
    if pending:
        joined = " ".join(p for p in pending if p)
        keyword, _, args = joined.partition(" ")
        result.instructions.append(Instruction(start, keyword.upper(), args.strip(), stage))
    return result


def load(path: Path, display: str) -> Dockerfile:
    return parse(path.read_text(encoding="utf-8", errors="replace"), display)


def is_dockerfile(path: Path) -> bool:
    name = path.name
    return name == "Dockerfile" or name.startswith("Dockerfile.") or name.endswith(".Dockerfile") or name == "Containerfile"
