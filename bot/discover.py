"""What to audit under the paths a user gives: charts, plain manifests, Dockerfiles."""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass, field
from pathlib import Path

from bot.chart import is_chart_dir
from bot.dockerfile import is_dockerfile
from bot.manifests import looks_like_manifest

MAX_MANIFEST_BYTES = 5 * 1024 * 1024
SKIP_DIRS = {".git", ".venv", "node_modules", "__pycache__", ".tools", ".hypothesis", ".pytest_cache"}


@dataclass(frozen=True)
class Target:
    kind: str  # "chart", "manifest" or "dockerfile"
    path: Path
    display: str


@dataclass(frozen=True)
class InputProblem:
    """Bad input that is nobody's chart: said in one line with path:line, exit code 2."""

    display: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.display}:{self.line}" if self.line else self.display
        return f"{where}: {self.message}"


@dataclass
class Discovery:
    targets: list[Target] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    skipped: list[InputProblem] = field(default_factory=list)  # named on the command line, not auditable


def display_path(path: Path, root: Path | None = None) -> str:
    """Relative to `root` (default: the working folder) when inside it, else absolute."""
    try:
        rel = os.path.relpath(path, root) if root is not None else os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


def _yaml_file(path: Path) -> bool:
    return path.suffix in (".yaml", ".yml") and not path.name.startswith(".")


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        return False


def _is_loop(path: Path) -> bool:
    """A symlink that leads back to itself (`a -> b -> a`), which no read can follow."""
    try:
        path.resolve(strict=True)
    except RuntimeError:
        return True
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def discover(paths: list[str], root: Path | None = None) -> Discovery:
    """Targets under `paths`; relative paths and the paths findings show are relative to `root`
    (default: the working folder), so a service can audit a tree without changing directory."""
    found = Discovery()
    seen: set[Path] = set()

    def add(kind: str, path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            found.targets.append(Target(kind, path, display_path(path, root)))

    def consider_file(path: Path, tree: Path, explicit: bool) -> None:
        shown = display_path(path, root)
        if path.is_symlink() and _is_loop(path):
            if explicit or is_dockerfile(path) or _yaml_file(path):
                found.problems.append(InputProblem(shown, None, "symlink loop; not followed"))
            return
        if path.is_symlink() and not _inside(path, tree):
            found.problems.append(InputProblem(shown, None, "symlink points outside the audited tree; not followed"))
            return
        if is_dockerfile(path):
            add("dockerfile", path)
            return
        if not _yaml_file(path):
            if explicit:
                found.skipped.append(InputProblem(shown, None, "skipped: not a chart, a YAML manifest or a Dockerfile"))
            return
        try:
            size = path.stat().st_size
        except OSError as exc:
            found.problems.append(InputProblem(shown, None, f"cannot read: {exc.strerror}"))
            return
        if size > MAX_MANIFEST_BYTES:
            found.problems.append(InputProblem(shown, None, f"file is {size} bytes, over the {MAX_MANIFEST_BYTES}-byte limit"))
            return
        try:
            raw = path.read_bytes()
        except OSError as exc:
            found.problems.append(InputProblem(shown, None, f"cannot read: {exc.strerror}"))
            return
        if b"\0" in raw[:8192]:
            found.problems.append(InputProblem(shown, None, "binary file, not YAML"))
            return
        text = raw.decode("utf-8", errors="replace")
        if explicit or looks_like_manifest(text):
            add("manifest", path)

    for given in paths:
        path = Path(given) if root is None or Path(given).is_absolute() else root / given
        if not path.exists() and not path.is_symlink():
            found.problems.append(InputProblem(given, None, "no such file or folder"))
            continue
        if path.is_file() or path.is_symlink() and not path.is_dir():
            if path.name == "Chart.yaml":
                add("chart", path.parent)
            else:
                consider_file(path, path.parent, explicit=True)
            continue
        if is_chart_dir(path):
            add("chart", path)
            for sibling in sorted(path.iterdir()):
                if sibling.is_file() and is_dockerfile(sibling):
                    add("dockerfile", sibling)
            continue
        before = len(found.targets)
        for dirpath, dirnames, filenames in os.walk(path, followlinks=False):
            folder = Path(dirpath)
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            for name in list(dirnames):
                sub = folder / name
                if sub.is_symlink() and not _inside(sub, path):
                    found.problems.append(InputProblem(display_path(sub, root), None, "symlink points outside the audited tree; not followed"))
                    dirnames.remove(name)
            if folder != path and is_chart_dir(folder) or folder == path and is_chart_dir(folder):
                add("chart", folder)
                dirnames[:] = []  # subcharts belong to their parent; its templates are not manifests
                for name in sorted(filenames):
                    if is_dockerfile(folder / name):
                        add("dockerfile", folder / name)
                continue
            for name in sorted(filenames):
                consider_file(folder / name, path, explicit=False)
        if len(found.targets) == before:
            found.problems.append(InputProblem(display_path(path, root), None, "no Helm chart, Kubernetes manifest or Dockerfile found here"))
    return found
