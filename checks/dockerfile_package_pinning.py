"""dockerfile-package-pinning: package installs pin versions.

What it does: flags `apt-get`/`apt`, `apk`, `pip`, `npm`, `gem`, `go install`, `yum`/`dnf`/`microdnf` and `zypper` installs that name packages without a version. Not flagged: installs from lock or requirements files, local `.deb`/`.rpm`/wheel files and paths, `${VAR}` package names, apt installs pinned to a release with `-t` or `pkg/release`, and pip installs under a `-c` constraints file.
Why it matters: an unpinned install takes whatever the mirror serves on the day of the build, so rebuilding an old commit yields a different image and an upstream regression lands without any change to review.
Example: `RUN apt-get install -y curl` or `RUN pip install flask`.
Fix: pin each package (`curl=8.5.0-2`, `flask==3.0.3`, `apk add curl=8.9.1-r2`, `npm install -g pnpm@9.12.0`) or install from a lock file, and let Renovate keep the pins current.
"""

from __future__ import annotations

import re

from bot.dockerfile import Dockerfile
from bot.findings import Severity
from checks._docker import Install, installs, option_given, runs
from checks._registry import CheckContext, Hit, register

_PATH_OR_FILE = re.compile(r"^(?:\.|/|~|file:|https?://|git\+|git@)|\.(?:deb|rpm|apk|whl|gem|tgz|tar\.gz|zip)$", re.I)


def _unpinned(install: Install) -> list[str]:
    manager, sub = install.manager, install.subcommand
    packages = [p for p in install.packages if "$" not in p and not _PATH_OR_FILE.search(p)]
    if manager in ("apt-get", "apt"):
        if sub != "install" or option_given(install, "-t", "--target-release", "--default-release"):
            return []
        return [p for p in packages if "=" not in p and "/" not in p]
    if manager == "apk":
        return [p for p in packages if not re.search(r"[=~<>]", p)] if sub == "add" else []
    if manager == "pip":
        if sub != "install" or option_given(install, "-c", "--constraint", "--require-hashes"):
            return []
        return [p for p in packages if not re.search(r"===?|~=|<|@", p)]
    if manager == "npm":
        if sub not in ("install", "i", "add"):
            return []
        return [p for p in packages if "@" not in p[1:] or p.rsplit("@", 1)[1] in ("", "latest", "next")]
    if manager == "gem":
        if sub not in ("install", "i") or option_given(install, "-v", "--version"):
            return []
        return [p for p in packages if ":" not in p]
    if manager == "go":
        if sub != "install":
            return []
        return [p for p in packages if "@" not in p or p.endswith("@latest")]
    if manager in ("yum", "dnf", "microdnf", "tdnf"):
        if sub != "install":
            return []
        return [p for p in packages if not p.startswith("@") and not re.search(r"-\d|[=<>]", p)]
    if manager == "zypper":
        return [p for p in packages if not re.search(r"[=<>]", p)] if sub in ("install", "in") else []
    return []


@register(
    id="dockerfile-package-pinning",
    category="dockerfile",
    severity=Severity.LOW,
    scope="dockerfile",
    anchors=("hadolint DL3008", "hadolint DL3018", "hadolint DL3013", "hadolint DL3016", "hadolint DL3028",
             "hadolint DL3062", "hadolint DL3033", "hadolint DL3041", "hadolint DL3037"),
)
def check(dockerfile: Dockerfile, ctx: CheckContext):
    for run in runs(dockerfile.instructions):
        for install in installs(run):
            loose = _unpinned(install)
            if not loose:
                continue
            shown = ", ".join(f'"{p}"' for p in loose[:4]) + (f" and {len(loose) - 4} more" if len(loose) > 4 else "")
            yield Hit(f"{install.manager} {install.subcommand} does not pin versions: {shown}", line=run.instruction.line)
