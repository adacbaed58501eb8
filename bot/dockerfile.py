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


_HEREDOC = re.compile(r"<<(-?)[\"']?([A-Za-z_][\w]*)[\"']?")


def parse(text: str, path: str) -> Dockerfile:
    """Split into instructions, joining backslash continuations (blank and comment lines inside
    them are skipped, as Docker does) and taking heredoc bodies (`RUN <<EOF ... EOF`) into their
    instruction."""
    escape = "\\"
    for line in text.splitlines()[:5]:
        match = re.match(r"^\s*#\s*escape\s*=\s*(\S)", line, re.I)
        if match:
            escape = match.group(1)
    result = Dockerfile(path)
    stage = -1
    pending: list[str] = []
    start = 0
    lines = text.splitlines()
    number = 0
    while number < len(lines):
        raw = lines[number]
        number += 1
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue  # outside an instruction, or inside a continuation: Docker skips both
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
        for dash, delimiter in _HEREDOC.findall(args):
            body = []
            while number < len(lines):
                line = lines[number]
                number += 1
                if (line.strip() if dash else line.rstrip()) == delimiter:
                    break
                body.append(line)
            args = args + "\n" + "\n".join(body)
        if keyword == "FROM":
            stage += 1
        result.instructions.append(Instruction(start, keyword, args.strip(), stage))
    if pending:
        joined = " ".join(p for p in pending if p)
        keyword, _, args = joined.partition(" ")
        result.instructions.append(Instruction(start, keyword.upper(), args.strip(), stage))
    return result


MAX_BYTES = 1024 * 1024


class DockerfileError(ValueError):
    """A file named like a Dockerfile that is not one; `line` is 1-based when there is one."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


def load(path: Path, display: str) -> Dockerfile:
    """Parse a Dockerfile; raises OSError, or DockerfileError for what Docker itself would refuse."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise DockerfileError(f"file is {size} bytes, over the {MAX_BYTES}-byte limit")
    raw = path.read_bytes()
    if b"\0" in raw[:8192]:
        raise DockerfileError("binary file, not a Dockerfile")
    parsed = parse(raw.decode("utf-8", errors="replace"), display)
    if not parsed.instructions:
        raise DockerfileError("no instructions (empty, or only comments)")
    for instruction in parsed.of("FROM"):
        if not instruction.args:
            raise DockerfileError("FROM names no base image", instruction.line)
    return parsed


def is_dockerfile(path: Path) -> bool:
    name = path.name
    return name == "Dockerfile" or name.startswith("Dockerfile.") or name.endswith(".Dockerfile") or name == "Containerfile"
