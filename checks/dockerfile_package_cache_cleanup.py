"""dockerfile-package-cache-cleanup: package installs are non-interactive and leave no caches behind.

What it does: in every stage, flags `apt-get install` without `-y`, `apt-get update` with no install in the same RUN, and `apt` (the interactive front end) in scripts; in the stages that make up the final image, flags `apt-get install` without `--no-install-recommends` or without removing /var/lib/apt/lists in the same RUN, `apk add` without `--no-cache`, `yum`/`dnf`/`microdnf`/`zypper` installs without a clean, `pip install` without `--no-cache-dir` (unless PIP_NO_CACHE_DIR is set) and `yarn install` without `yarn cache clean`. BuildKit cache mounts on the cache folder count as clean.
Why it matters: caches and recommended packages add tens to hundreds of megabytes to every pull and widen the attack surface; a separate `apt-get update` layer is cached and goes stale, so later installs fetch outdated or missing versions; a missing `-y` aborts the build.
Example: `RUN apt-get update` followed by `RUN apt-get install curl`.
Fix: use one RUN per install, for example `RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*`, `apk add --no-cache`, `pip install --no-cache-dir`, or a `--mount=type=cache` for the package cache.
"""

from __future__ import annotations

from bot.dockerfile import Dockerfile
from bot.findings import Severity
from checks._docker import Run, final_chain, installs, option_given, parse_env, runs, stages
from checks._registry import CheckContext, Hit, register

_CLEAN = {  # manager: (the clean command to suggest, texts in the same RUN that count as cleaning)
    "yum": ("yum clean all", ("yum clean", "/var/cache/yum")),
    "dnf": ("dnf clean all", ("dnf clean", "/var/cache/dnf")),
    "microdnf": ("microdnf clean all", ("microdnf clean", "/var/cache/yum", "/var/cache/dnf")),
    "tdnf": ("tdnf clean all", ("tdnf clean", "/var/cache/tdnf")),
    "zypper": ("zypper clean", ("zypper clean", "zypper cc", "/var/cache/zypp")),
}
_INSTALL_SUBCOMMANDS = {"install", "upgrade", "dist-upgrade", "full-upgrade", "build-dep", "reinstall"}


def _apt_yes(install) -> bool:
    if option_given(install, "-y", "--yes", "--assume-yes") or "-qq" in install.options:
        return True
    return any(o in ("-q=2", "--quiet=2") or "assume-yes" in o.lower() for o in install.options)


def _apt_no_recommends(install) -> bool:
    if option_given(install, "--no-install-recommends"):
        return True
    return any("install-recommends" in o.lower() and o.lower().rstrip("'\"").endswith(("=false", "=0")) for o in install.options)


def _hits(run: Run, final: bool, pip_env: bool, recommends_config: bool):
    script = run.script
    found = installs(run)
    apt_installs = [i for i in found if i.manager in ("apt-get", "apt") and i.subcommand in _INSTALL_SUBCOMMANDS]
    if any(i.manager == "apt" for i in found if i.subcommand):
        yield 'RUN uses "apt", whose command line is meant for people, not scripts; use apt-get'
    if any(i.manager in ("apt-get", "apt") and i.subcommand == "update" for i in found) and not apt_installs:
        yield '"apt-get update" runs without an install in the same RUN, so later installs may use a stale package index'
    for install in found:
        manager, sub = install.manager, install.subcommand
        if manager in ("apt-get", "apt") and sub == "install":
            if not _apt_yes(install):
                yield f"{manager} install runs without -y, so the build stops at the confirmation prompt"
            if final and not recommends_config and not _apt_no_recommends(install):
                yield f"{manager} install without --no-install-recommends also installs recommended packages"
            if final and "/var/lib/apt/lists" not in script and not run.has_cache_mount("/var/lib/apt"):
                yield f'{manager} install leaves /var/lib/apt/lists in the layer; add "rm -rf /var/lib/apt/lists/*" to the same RUN'
        elif not final:
            continue
        elif manager == "apk" and sub == "add":
            if not option_given(install, "--no-cache") and "/var/cache/apk" not in script and not run.has_cache_mount("/var/cache/apk", "/etc/apk/cache"):
                yield "apk add without --no-cache keeps the package index in the layer"
        elif manager in _CLEAN and sub in ("install", "in", "groupinstall"):
            suggestion, marks = _CLEAN[manager]
            if not any(m in script for m in marks) and not run.has_cache_mount(*[m for m in marks if m.startswith("/")]):
                yield f'{manager} install without "{suggestion}" keeps the package cache in the layer'
        elif manager == "pip" and sub == "install":
            if not pip_env and not option_given(install, "--no-cache-dir", "--no-cache") and not run.has_cache_mount("/root/.cache", "~/.cache", "/home"):
                yield "pip install without --no-cache-dir keeps the pip cache in the layer"
        elif manager == "yarn" and sub in ("", "install"):
            if "yarn cache clean" not in script and not run.has_cache_mount("/usr/local/share/.cache/yarn", "/root/.cache/yarn", "/root/.yarn"):
                yield 'yarn install without "yarn cache clean" keeps the yarn cache in the layer'


@register(
    id="dockerfile-package-cache-cleanup",
    category="dockerfile",
    severity=Severity.LOW,
    scope="dockerfile",
    anchors=("hadolint DL3009", "hadolint DL3014", "hadolint DL3015", "hadolint DL3019", "hadolint DL3027", "hadolint DL3032",
             "hadolint DL3036", "hadolint DL3040", "hadolint DL3042", "hadolint DL3060", "Trivy DS017", "Trivy DS029",
             "Checkov CKV_DOCKER_5", "Checkov CKV_DOCKER_9"),
)
def check(dockerfile: Dockerfile, ctx: CheckContext):
    all_stages = stages(dockerfile)
    in_final = {s.index for s in final_chain(all_stages)}
    text = " ".join(i.args for i in dockerfile.instructions)
    recommends_config = "install-recommends" in text.lower() and "apt.conf" in text.lower()
    for stage in all_stages:
        chain = {s.index for s in final_chain([s for s in all_stages if s.index <= stage.index])}
        pip_env = any(
            name == "PIP_NO_CACHE_DIR"
            for s in all_stages if s.index in chain
            for i in s.instructions if i.keyword == "ENV"
            for name, _ in parse_env(i.args)
        )
        for run in runs(stage.instructions):
            seen = set()
            for message in _hits(run, stage.index in in_final, pip_env, recommends_config):
                if message not in seen:
                    seen.add(message)
                    yield Hit(message, line=run.instruction.line)
