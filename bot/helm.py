"""Finding the helm binary: CHARTWARDEN_HELM, then PATH, then the project's .tools/bin."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

PROJECT_TOOLS = Path(__file__).resolve().parent.parent / ".tools" / "bin"


class HelmMissing(RuntimeError):
    pass


def helm_binary() -> str:
    explicit = os.environ.get("CHARTWARDEN_HELM")
    if explicit:
        if not (os.path.isfile(explicit) and os.access(explicit, os.X_OK)):
            raise HelmMissing(f"CHARTWARDEN_HELM={explicit}: not an executable file")
        return explicit
    found = shutil.which("helm")
    if found:
        return found
    local = PROJECT_TOOLS / "helm"
    if local.is_file():
        return str(local)
    raise HelmMissing("helm not found: run scripts/setup.sh, put helm on PATH, or set CHARTWARDEN_HELM")


@lru_cache(maxsize=8)
def _version_for(binary: str, mtime: float) -> str:
    """Remembered on disk too: asking helm costs a process start on every CLI run otherwise."""
    from platformdirs import user_cache_dir

    memo = Path(os.environ.get("CHARTWARDEN_CACHE_DIR") or user_cache_dir("chartwarden")) / "helm-version.json"
    key = f"{binary}\0{mtime}"
    try:
        saved = json.loads(memo.read_text())
        if saved.get("key") == key:
            return saved["version"]
    except (OSError, ValueError):
        pass
    try:
        out = subprocess.run([binary, "version", "--short"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise HelmMissing(f"{binary}: cannot run ({exc})") from None
    version = (out.stdout or out.stderr).strip() or "unknown"
    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        memo.write_text(json.dumps({"key": key, "version": version}))
    except OSError:
        pass
    return version


def helm_version(binary: str) -> str:
    """`helm version --short`, asked once per binary (and again when the file changes)."""
    try:
        mtime = os.stat(binary).st_mtime
    except OSError:
        mtime = 0.0
    return _version_for(binary, mtime)
