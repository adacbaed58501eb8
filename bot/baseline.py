"""`--baseline REV`: audit the same paths at a git revision and keep only the new findings.

Findings match by fingerprint (rule, target, object, field, message), which survives line moves.
The revision is exported with `git archive` into a temp folder, so the work tree is untouched.
"""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
import tempfile
from pathlib import Path

from bot.audit import AuditOptions, AuditResult, audit
from bot.config import RepoConfig


class BaselineError(Exception):
    pass


def _git(args: list[str], cwd: Path) -> bytes:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BaselineError(f"git {' '.join(args)}: {exc}") from None
    if proc.returncode != 0:
        message = proc.stderr.decode(errors="replace").strip().splitlines()
        raise BaselineError(f"--baseline: git {' '.join(args[:2])}: {message[-1] if message else 'failed'}")
    return proc.stdout


def audit_at_revision(rev: str, paths: list[str], config: RepoConfig, options: AuditOptions) -> AuditResult | None:
    """The same audit on the tree at `rev`, with the same display paths; None if no path existed then."""
    cwd = Path.cwd()
    top = Path(_git(["rev-parse", "--show-toplevel"], cwd).decode().strip())
    commit = _git(["rev-parse", "--verify", f"{rev}^{{commit}}"], top).decode().strip()
    archive = _git(["archive", "--format=tar", commit], top)
    with tempfile.TemporaryDirectory(prefix="chartwarden-baseline-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        inner = Path(tmp) / cwd.resolve().relative_to(top.resolve())
        if not inner.is_dir():
            return None
        existing = [p for p in paths if (inner / p).exists()]
        if not existing:
            return None
        return audit(existing, config, options, root=inner)


def apply_baseline(result: AuditResult, rev: str, paths: list[str], config: RepoConfig, options: AuditOptions) -> None:
    """Drop findings that existed at `rev`; record new / fixed / existing counts on the result."""
    base = audit_at_revision(rev, paths, config, options)
    before = {f.fingerprint for f in base.findings} if base else set()
    now = {f.fingerprint for f in result.findings}
    existing = 0
    for target in result.results:
        kept = [f for f in target.findings if f.fingerprint not in before]
        existing += len(target.findings) - len(kept)
        target.findings = kept
    result.baseline = {
        "revision": rev,
        "new": sum(len(t.findings) for t in result.results),
        "fixed": len(before - now),
        "existing": existing,
    }
