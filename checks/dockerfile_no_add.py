"""dockerfile-no-add: no ADD where COPY does the job.

What it does: flags `ADD` of a remote URL or git repository without `--checksum`, and `ADD` of local files or folders that are not archives (where `COPY` does the same). Local archives, which ADD unpacks, pass.
Why it matters: a downloaded file without a checksum can change or be swapped between builds, and ADD's implicit URL fetching and archive unpacking make a plain copy do surprising things when a file name changes.
Example: `ADD https://example.com/tool.tar.gz /opt/` or `ADD app.py /app/`.
Fix: use `COPY` for local files; for downloads add `--checksum=sha256:<hash>` to ADD, or fetch with curl and verify the hash in the same RUN.
"""

from __future__ import annotations

import re

from bot.dockerfile import Dockerfile
from bot.findings import Severity
from checks._docker import exec_form, split_flags, split_words
from checks._registry import CheckContext, Hit, register

_REMOTE = re.compile(r"^(?:https?|ftp|git|ssh)://|^git@|\.git(?:#|$)", re.I)
_ARCHIVE = re.compile(r"\.(?:tar|tar\.gz|tgz|tar\.bz2|tbz2?|tb2|tar\.xz|txz|tar\.zst|tzst|tar\.lz|tlz|tar\.lzma|gz|bz2|xz|lz|lzma|zst|Z|tZ)$")


@register(
    id="dockerfile-no-add",
    category="dockerfile",
    severity=Severity.MEDIUM,
    scope="dockerfile",
    anchors=("hadolint DL3020", "Trivy DS005", "Checkov CKV_DOCKER_4"),
)
def check(dockerfile: Dockerfile, ctx: CheckContext):
    for inst in dockerfile.of("ADD"):
        flags, rest = split_flags(inst.args)
        argv = exec_form(rest) or split_words(rest)
        if len(argv) < 2:
            continue
        local = []
        for source in argv[:-1]:
            if "$" in source:
                continue  # only known at build time
            if _REMOTE.search(source):
                if not flags.get("checksum"):
                    yield Hit(f'ADD downloads "{source}" without --checksum', line=inst.line)
            elif not _ARCHIVE.search(source):
                local.append(f'"{source}"')
        if local:
            yield Hit(f"ADD copies local {', '.join(local)}; use COPY", line=inst.line)
