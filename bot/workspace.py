"""A tree of files at one revision (a checkout, an unpacked tarball): reading it safely."""

from __future__ import annotations

from pathlib import Path
from typing import Callable


def line_reader(root: Path) -> Callable[[str, int], str | None]:
    """`read(path, line)`: the text of one line of a file under `root`, None for a file outside
    the tree, unreadable, or too short. Files are read once; review comments ask line by line."""
    cache: dict[str, list[str] | None] = {}
    resolved_root = root.resolve()

    def read(path: str, line: int) -> str | None:
        if path not in cache:
            try:
                file = (root / path).resolve()
                file.relative_to(resolved_root)
                cache[path] = file.read_text(encoding="utf-8", errors="replace").splitlines()
            except (ValueError, OSError):
                cache[path] = None
        lines = cache[path]
        return lines[line - 1] if lines is not None and 0 < line <= len(lines) else None

    return read
