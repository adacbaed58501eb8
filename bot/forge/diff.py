"""Which lines of a pull request's new files may carry a review comment (pure).

GitHub accepts review comments only on lines inside the diff hunks; one bad line rejects the whole
review. Chartwarden comments only on lines the pull request added or changed (RIGHT side), and the
map below is built from the `patch` of each changed file (unified diff hunks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.forge.base import ChangedFile

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


@dataclass(frozen=True)
class FileLines:
    added: frozenset[int] = frozenset()  # new-file line numbers the PR added or changed
    hunk_of: dict[int, int] = field(default_factory=dict)  # every RIGHT-side line in a hunk -> hunk index


def parse_patch(patch: str) -> FileLines:
    """Added lines and the hunk of every new-side line in one file's unified-diff hunks."""
    added: set[int] = set()
    hunk_of: dict[int, int] = {}
    new_line = 0
    hunk = -1
    in_hunk = False
    for text in patch.splitlines():
        match = _HUNK.match(text)
        if match:
            hunk += 1
            new_line = int(match.group(3))
            in_hunk = True
            continue
        if not in_hunk or text.startswith("\\"):  # "\ No newline at end of file"
            continue
        if text.startswith("+"):
            added.add(new_line)
            hunk_of[new_line] = hunk
            new_line += 1
        elif text.startswith("-"):
            continue
        else:  # a context line (" " prefix, or an empty line in a trimmed patch)
            hunk_of[new_line] = hunk
            new_line += 1
    return FileLines(frozenset(added), hunk_of)


def changed_lines(files: list[ChangedFile]) -> dict[str, FileLines]:
    """path -> its commentable lines, for every file that still exists and has a patch."""
    return {f.path: parse_patch(f.patch) for f in files if f.status != "removed" and f.patch}
