"""chart-dependency-lock: chart dependencies are locked, vendored and fetched over https.

What it does: checks Chart.yaml `dependencies` against Chart.lock and charts/: dependencies without a Chart.lock, a lock out of sync (missing or extra entries, another repository, a pinned version outside the constraint, a stale digest), a dependency missing from charts/ (unpacked folder or .tgz) or vendored at another version, subcharts in charts/ that Chart.yaml does not declare, duplicate names or aliases, repositories over plain http, and version constraints without an upper bound.
Why it matters: without an up-to-date lock every `helm dependency update` may resolve a different subchart, so the reviewed chart is not the one that ships; helm refuses to build a chart whose lock is stale or whose dependencies are missing, and an http repository lets anyone on the path swap the subchart.
Example: `dependencies: [{name: redis, version: ">=17.0.0", repository: http://charts.example.com}]` with no Chart.lock.
Fix: use an https or oci:// repository and a bounded constraint (`~17.3.0` or `^17.3.0`), then run `helm dependency update` and commit Chart.lock (and charts/ if the chart vendors its dependencies).
"""

from __future__ import annotations

import hashlib
import json
import re
import tarfile
from dataclasses import dataclass
from pathlib import Path

from bot import yamlindex
from bot.chart import ChartSource
from bot.findings import Severity
from checks._registry import CheckContext, Hit, register

_MAX_ARCHIVE_BYTES = 64 * 1024 * 1024
_PLAIN_SCHEMES = ("http://", "git+http://", "git://")


# -- semantic versions and constraints (the subset of Masterminds/semver helm uses) ---------------------
_VERSION = re.compile(r"^v?(?P<parts>(?:\d+|[xX*])(?:\.(?:\d+|[xX*])){0,2})(?:-(?P<pre>[0-9A-Za-z.\-]+))?(?:\+[0-9A-Za-z.\-]+)?$")
_OPERATOR = re.compile(r"^(?P<op>>=|=>|<=|=<|!=|~>|>|<|=|~|\^)?(?P<version>\S*)$")


def _version_key(nums: list[int], pre: str | None) -> tuple:
    nums = (nums + [0, 0, 0])[:3]
    if not pre:
        return (*nums, 1, ())
    ids = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split("."))
    return (*nums, 0, ids)


def parse_version(text: str) -> tuple | None:
    """A full version as a sortable key, or None."""
    match = _VERSION.match(str(text).strip())
    if not match:
        return None
    parts = match.group("parts").split(".")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    return _version_key([int(p) for p in parts], match.group("pre"))


def _partial(text: str) -> tuple[list[int], str | None] | None:
    """`1.2.x` -> ([1, 2], None); `*` -> ([], None); `1.2.3-rc.1` -> ([1, 2, 3], 'rc.1')."""
    match = _VERSION.match(text.strip())
    if not match:
        return None
    nums: list[int] = []
    for part in match.group("parts").split("."):
        if not part.isdigit():
            break
        nums.append(int(part))
    return nums, match.group("pre")


def _bump(nums: list[int]) -> tuple:
    """Upper bound of a partial version: [1, 2] -> 1.3.0, [1] -> 2.0.0."""
    bumped = nums[:-1] + [nums[-1] + 1]
    return _version_key(bumped + [0] * (3 - len(bumped)), "0")  # "-0" sorts before every release of that version


def _term(op: str, nums: list[int], pre: str | None) -> list[tuple[str, tuple]] | None:
    """One constraint term as (comparison, bound) pairs; [] means any version."""
    full = len(nums) == 3
    low = _version_key(nums, pre)
    if op in ("", "="):
        if full:
            return [("==", low)]
        return [] if not nums else [(">=", low), ("<", _bump(nums))]
    if op == "!=":
        return [("!=", low)] if full else None
    if op == ">":
        return [(">", low)] if full else ([(">=", _bump(nums))] if nums else [("<", _version_key([0, 0, 0], "0"))])
    if op in (">=", "=>"):
        return [(">=", low)]
    if op == "<":
        return [("<", low)]
    if op in ("<=", "=<"):
        return [("<=", low)] if full else ([("<", _bump(nums))] if nums else [])
    if op in ("~", "~>"):
        if not nums:
            return []
        return [(">=", low), ("<", _bump(nums[:2] if len(nums) >= 2 else nums))]
    if op == "^":
        if not nums:
            return []
        padded = (nums + [0, 0])[:3]
        for index, value in enumerate(padded):
            if value != 0 or index == len(nums) - 1:
                return [(">=", low), ("<", _bump(padded[: index + 1]))]
        return [(">=", low), ("<", _bump(padded))]
    return None


def parse_constraint(text: str) -> list[list[tuple[str, tuple]]] | None:
    """OR-groups of AND-ed comparisons, or None when the constraint does not parse."""
    groups = []
    for group in str(text).split("||"):
        group = group.strip()
        hyphen = re.match(r"^(\S+)\s+-\s+(\S+)$", group)
        if hyphen:
            terms = [f">={hyphen.group(1)}", f"<={hyphen.group(2)}"]
        else:
            group = re.sub(r"(>=|=>|<=|=<|!=|~>|>|<|=|~|\^)\s+", r"\1", group)
            terms = [t for t in re.split(r"[,\s]+", group) if t]
        comparisons: list[tuple[str, tuple]] = []
        for term in terms or ["*"]:
            match = _OPERATOR.match(term)
            partial = _partial(match.group("version")) if match else None
            if partial is None:
                return None
            pairs = _term(match.group("op") or "", *partial)
            if pairs is None:
                return None
            comparisons.extend(pairs)
        groups.append(comparisons)
    return groups


_COMPARE = {
    "==": lambda v, b: v == b, "!=": lambda v, b: v != b, ">": lambda v, b: v > b,
    ">=": lambda v, b: v >= b, "<": lambda v, b: v < b, "<=": lambda v, b: v <= b,
}


def satisfies(version: str, constraint: str) -> bool | None:
    """Whether a version meets a constraint; None when either does not parse."""
    key = parse_version(version)
    groups = parse_constraint(constraint)
    if key is None or groups is None:
        return None
    return any(all(_COMPARE[op](key, bound) for op, bound in group) for group in groups)


def unbounded(constraint: str) -> bool:
    """A constraint some OR-group of which has no upper limit (`*`, `>=1.0`)."""
    groups = parse_constraint(constraint)
    if groups is None:
        return False
    return any(not any(op in ("==", "<", "<=") for op, _ in group) for group in groups)


# -- helm's Chart.lock digest ---------------------------------------------------------------------------
_GO_FIELDS = (("name", False), ("version", True), ("repository", False), ("condition", True), ("tags", True),
              ("enabled", True), ("import-values", True), ("alias", True))


def _go_dependency(dep: dict) -> dict | None:
    out = {}
    for key, omit_empty in _GO_FIELDS:
        value = dep.get(key)
        if omit_empty and not value:
            continue
        if key in ("tags", "import-values"):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                return None  # maps in import-values: helm's encoding is not reproduced here
        elif key == "enabled":
            if not isinstance(value, bool):
                return None
        elif value is not None and not isinstance(value, str):
            return None
        out[key] = value if value is not None else ""
    return out


def helm_digest(declared: list[dict], locked: list[dict]) -> str | None:
    """`resolver.HashReq`: sha256 of Go's JSON of [Chart.yaml deps, Chart.lock deps]; None if not reproducible."""
    req = [_go_dependency(d) for d in declared]
    lock = [_go_dependency(d) for d in locked]
    if any(d is None for d in req + lock):
        return None
    text = json.dumps([req, lock], separators=(",", ":"), ensure_ascii=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


# -- charts/ ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Vendored:
    entry: str  # "charts/redis-17.3.0.tgz" or "charts/redis"
    name: str
    version: str


def _meta(text: str | bytes | None) -> dict:
    if not text:
        return {}
    try:
        docs = yamlindex.load_all(text.decode("utf-8", "replace") if isinstance(text, bytes) else text)
    except (yamlindex.YamlError, ValueError):
        return {}
    return docs[0] if docs and isinstance(docs[0], dict) else {}


def _archive_meta(path: Path) -> dict:
    try:
        if path.stat().st_size > _MAX_ARCHIVE_BYTES:
            return {}
        with tarfile.open(path, "r:*") as archive:
            for member in archive:
                parts = member.name.strip("./").split("/")
                if member.isfile() and len(parts) == 2 and parts[1] == "Chart.yaml":
                    handle = archive.extractfile(member)
                    return _meta(handle.read(1024 * 1024)) if handle else {}
    except (OSError, tarfile.TarError, EOFError, ValueError):
        return {}
    return {}


def vendored(root: Path) -> list[Vendored]:
    folder = root / "charts"
    out: list[Vendored] = []
    try:
        entries = sorted(folder.iterdir()) if folder.is_dir() else []
    except OSError:
        return out
    for entry in entries:
        try:
            if entry.is_dir():
                meta = _meta((entry / "Chart.yaml").read_text(encoding="utf-8", errors="replace")) if (entry / "Chart.yaml").is_file() else {}
            elif entry.suffix in (".tgz",) or entry.name.endswith(".tar.gz"):
                meta = _archive_meta(entry)
            else:
                continue
        except OSError:
            continue
        name = meta.get("name")
        if isinstance(name, str) and name:
            out.append(Vendored(f"charts/{entry.name}", name, str(meta.get("version") or "")))
    return out


# -- the rule -------------------------------------------------------------------------------------------
def _text(value) -> str:
    return value.strip() if isinstance(value, str) else str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else ""


@register(
    id="chart-dependency-lock",
    category="supply-chain",
    severity=Severity.MEDIUM,
    scope="chart",
    anchors=("helm lint validateDependencyInChartsDir", "helm lint validateDependencyInMetadata", "helm lint validateDependenciesUnique", "chart-testing dependency build"),
)
def check(chart: ChartSource, ctx: CheckContext):
    meta_file, lock_file = "Chart.yaml", "Chart.lock"
    declared = chart.chart_yaml.get("dependencies")
    if not declared and chart.exists("requirements.yaml"):  # apiVersion v1 layout
        meta_file, lock_file = "requirements.yaml", "requirements.lock"
        declared = _meta(chart.read("requirements.yaml")).get("dependencies")
    deps = [(i, d) for i, d in enumerate(declared) if isinstance(d, dict)] if isinstance(declared, list) else []

    def line(*keys) -> int | None:
        return chart.key_line(meta_file, "dependencies", *keys) or chart.key_line(meta_file, "dependencies")

    # each dependency on its own
    seen: dict[str, int] = {}
    for index, dep in deps:
        name = _text(dep.get("name"))
        effective = _text(dep.get("alias")) or name
        if effective:
            if effective in seen:
                yield Hit(f'dependency name or alias "{effective}" is declared twice', file=meta_file, line=line(index))
            seen.setdefault(effective, index)
        repository = _text(dep.get("repository"))
        if repository.lower().startswith(_PLAIN_SCHEMES):
            yield Hit(f'dependency "{name}" is fetched over plain http ({repository})', file=meta_file, line=line(index, "repository"))
        constraint = _text(dep.get("version"))
        if not constraint and not repository.startswith("file://"):
            yield Hit(f'dependency "{name}" has no version constraint', file=meta_file, line=line(index))
        elif constraint and unbounded(constraint) and not repository.startswith("file://"):
            yield Hit(f'dependency "{name}" version "{constraint}" has no upper bound', file=meta_file, line=line(index, "version"))

    # Chart.lock
    locked: list[tuple[int, dict]] = []
    lock: dict = {}
    if deps:
        lock_text = chart.read(lock_file)
        if lock_text is None:
            if not all(_text(d.get("repository")).startswith("file://") for _, d in deps):
                yield Hit(f"{meta_file} declares {len(deps)} dependencies but there is no {lock_file}", file=meta_file,
                          line=chart.key_line(meta_file, "dependencies"))
        else:
            lock = _meta(lock_text)
            entries = lock.get("dependencies")
            locked = [(i, d) for i, d in enumerate(entries) if isinstance(d, dict)] if isinstance(entries, list) else []
    pins: dict[int, dict] = {}
    if lock:
        unused = list(locked)
        in_sync = True
        for index, dep in deps:
            name = _text(dep.get("name"))
            same = [e for e in unused if _text(e[1].get("name")) == name]
            match = next((e for e in same if _text(e[1].get("repository")) == _text(dep.get("repository"))), same[0] if same else None)
            if match is None:
                in_sync = False
                yield Hit(f'dependency "{name}" is not in {lock_file}; run helm dependency update', file=meta_file, line=line(index))
                continue
            unused.remove(match)
            entry = match[1]
            pins[index] = entry
            repository, locked_repository = _text(dep.get("repository")), _text(entry.get("repository"))
            if repository != locked_repository:
                in_sync = False
                yield Hit(
                    f'{lock_file} resolves "{name}" from "{locked_repository}" but {meta_file} names "{repository}"',
                    file=meta_file, line=line(index, "repository"),
                )
                continue
            constraint, version = _text(dep.get("version")), _text(entry.get("version"))
            if constraint and version and satisfies(version, constraint) is False:
                in_sync = False
                yield Hit(
                    f'{lock_file} pins "{name}" {version}, which does not satisfy "{constraint}" in {meta_file}',
                    file=meta_file, line=line(index, "version"),
                )
        for lock_index, entry in unused:
            in_sync = False
            yield Hit(
                f'{lock_file} pins "{_text(entry.get("name"))}", which {meta_file} does not declare; run helm dependency update',
                file=lock_file, line=chart.key_line(lock_file, "dependencies", lock_index),
            )
        digest = lock.get("digest")
        if in_sync and isinstance(digest, str) and meta_file == "Chart.yaml":
            expected = helm_digest([d for _, d in deps], [d for _, d in locked])
            if expected is not None and expected != digest:
                yield Hit(
                    f"{lock_file} digest does not match the dependencies in {meta_file} (edited since the last helm dependency update)",
                    file=lock_file, line=chart.key_line(lock_file, "digest"),
                )

    # charts/
    present = vendored(chart.root)
    for index, dep in deps:
        name = _text(dep.get("name"))
        copies = [v for v in present if v.name == name]
        if not copies:
            yield Hit(f'dependency "{name}" is missing from charts/; run helm dependency build', file=meta_file, line=line(index))
            continue
        pinned = _text(pins[index].get("version")) if index in pins else ""
        constraint = _text(dep.get("version"))
        if pinned:
            if not any(v.version == pinned for v in copies):
                held = ", ".join(sorted({v.version for v in copies}))
                yield Hit(f'charts/ holds "{name}" {held} but {lock_file} pins {pinned}', file=meta_file, line=line(index, "version"))
        elif constraint and not any(satisfies(v.version, constraint) is not False for v in copies):
            held = ", ".join(sorted({v.version for v in copies}))
            yield Hit(
                f'charts/ holds "{name}" {held}, which does not satisfy "{constraint}" in {meta_file}',
                file=meta_file, line=line(index, "version"),
            )
    names = {_text(d.get("name")) for _, d in deps}
    for item in present:
        if item.name not in names:
            yield Hit(
                f'{item.entry} ("{item.name}") is not declared in {meta_file} dependencies',
                file=meta_file, line=chart.key_line(meta_file, "dependencies"),
            )
