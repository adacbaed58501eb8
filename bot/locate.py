"""Where a person fixes a finding: the values key that fed the field, else the template line.

Rendered YAML is never what a person edits. For a finding on field path P of an object rendered
from template T we walk T's text along P (indentation-aware, skipping template directives) to the
deepest line that names a key of P. If that line reads `.Values.x.y` (directly, through an
enclosing `{{ with .Values.x }}`, or as the variable of a `{{ range ... := .Values.x }}`), the
finding belongs to values key `x.y` plus the rest of P: we point at it in the user's -f files or
the chart's values.yaml. List items are matched by name (or, unnamed, by content) against the
template's literal items, the items of `{{ include }}`d defines (in any chart of the tree) and the
items of values lists fed into the list. Otherwise the template line is the place. Nothing found
means no line at all, never a guessed one.
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot import yamlindex
from bot.chart import ChartSource
from bot.findings import Location
from checks._k8s import K8sObject, dig, split_path

_DIRECTIVE_ONLY = re.compile(r"^\s*\{\{.*\}\}\s*$")
_KEY_LINE = re.compile(r"^(?P<indent>\s*)(?P<dashes>(?:-\s+)*)(?P<key>[\"']?[\w.\-/]+[\"']?)\s*:(?:\s|$)")
_ITEM_LINE = re.compile(r"^(?P<indent>\s*)-(?:\s|$)")
_VALUES_REF = re.compile(r"\.Values((?:\.[A-Za-z_][\w\-]*)+)")
_WITH_VALUES = re.compile(r"\{\{-?\s*(?:with|if|range)\s+(?:\$[\w]+\s*:=\s*)?\.Values((?:\.[A-Za-z_][\w\-]*)+)")
_RANGE_VALUES = re.compile(
    r"\{\{-?\s*range\s+(?:\$(?P<first>\w+)\s*(?:,\s*\$(?P<second>\w+)\s*)?:=\s*)?\$?\.Values(?P<ref>(?:\.[A-Za-z_][\w\-]*)+)"
)
_INCLUDE = re.compile(r'\{\{-?\s*(?:include|template)\s+"([^"]+)"')
_ACTION = re.compile(r"\{\{-?\s*(if|with|range|define|block|end)\b")
_TOYAML_DOT = re.compile(r"toYaml\s+\.\s*(?:\||\}\}|\))")
_SIMPLE_VALUE = re.compile(r"^\{\{-?\s*\$?\.Values((?:\.[A-Za-z_][\w\-]*)+)\s*(?:\|\s*quote\s*)?-?\}\}$")
_DEFINE = re.compile(r'\{\{-?\s*define\s+"([^"]+)"\s*-?\}\}')
_EXACT = 1 << 20  # score of a name matched literally, above any pattern's


@dataclass(frozen=True)
class ValuesFile:
    display: str  # as findings show it
    path: Path


class _YamlKeys:
    """Key path -> (line, scalar text) of one values file."""

    def __init__(self, text: str = "", entries: dict | None = None):
        if entries is None:
            entries = {}
            try:
                nodes = yamlindex.compose_all(text)
            except yamlindex.YamlError:
                nodes = []
            if nodes:
                entries = {entry.path: (entry.line, entry.value) for entry in yamlindex.entries(nodes[0])}
        self.entries: dict[tuple, tuple[int, Any]] = entries
        self.parents: set[tuple] = {path[:-1] for path in entries}  # paths of non-empty maps and lists

    def lookup(self, path: tuple) -> tuple[int, tuple] | None:
        """Line of the deepest existing prefix of `path`, and that prefix."""
        for size in range(len(path), 0, -1):
            hit = self.entries.get(path[:size])
            if hit:
                return hit[0], path[:size]
        return None


@dataclass(frozen=True)
class _Query:
    """One finding being placed: the object, its field path, and the rendered item at each index."""

    obj: K8sObject
    segments: list
    items: list  # rendered list item (or None) for each segment
    hint: Any

    @property
    def source(self) -> str:
        return self.obj.source


class ChartLocator:
    """Places findings of one rendered chart."""

    def __init__(self, chart: ChartSource, values_files: list[ValuesFile] = ()):
        self.chart = chart
        self.values_files = list(values_files)
        self._keys: dict[str, _YamlKeys] = {}
        self._split_lines: dict[str, list[str]] = {}
        self._spans: dict[tuple, tuple] = {}
        self._define_files: dict[str, dict[str, list[str]]] = {}
        self._defines: dict[tuple, tuple | None] = {}
        self._branches: dict[str, list[int]] = {}
        self._user_keys = []
        for vf in self.values_files:
            try:
                text = vf.path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                text = ""
            self._user_keys.append((vf.display, _YamlKeys(text)))

    def _split(self, rel: str, text: str) -> list[str]:
        """A file's lines, split once: every finding on an object walks the same template."""
        lines = self._split_lines.get(rel)
        if lines is None:
            lines = self._split_lines[rel] = text.splitlines()
        return lines

    def prepare(self) -> None:
        """Read the values keys of the chart and its subcharts ahead of time (called while helm renders)."""
        self._chart_keys("values.yaml")
        for values in sorted(self.chart.root.glob("charts/*/values.yaml")):
            self._chart_keys(values.relative_to(self.chart.root).as_posix())

    def _chart_keys(self, rel: str) -> _YamlKeys:
        if rel not in self._keys:
            self._keys[rel] = _YamlKeys(entries=self.chart.key_entries(rel))
        return self._keys[rel]

    # ---------------------------------------------------------------------------------------
    def locate(self, obj: K8sObject, path: str, value_hint: Any = None) -> Location | None:
        source = obj.source
        text = self.chart.read(source) if source else None
        if text is None:
            return None
        display = self._display(source)
        segments = split_path(path)
        lines = self._split(source, text)
        span_key = (source, obj.kind, obj.name, obj.doc_index)
        if span_key not in self._spans:
            self._spans[span_key] = _document_span(lines, obj)
        start, end = self._spans[span_key]
        if start is None:
            return Location(display)
        query = _Query(obj, segments, _rendered_items(obj.doc, segments), value_hint)
        placed = self._place(query, source, lines, start, end, 0, budget=4)
        return placed or Location(display, _kind_line(lines, start, end, obj.kind))

    def _place(self, q: _Query, rel: str, lines: list[str], start: int, end: int, offset: int, budget: int) -> Location | None:
        """Walk q.segments[offset:] through lines[start:end] of file `rel`; None when not even the
        first segment is there. Defines met on the way are walked in turn (`budget` levels deep)."""
        cursor, parent_indent, last = start, -1, None
        for depth in range(offset, len(q.segments)):
            segment = q.segments[depth]
            if isinstance(segment, int):
                pick = self._pick_item(q, rel, lines, cursor, end, parent_indent, depth, budget)
                if isinstance(pick, Location):
                    return pick
                if isinstance(pick, _Define):
                    inner = self._place(q, pick.rel, pick.lines, pick.start, pick.end, depth, budget - 1)
                    return inner or (Location(self._display(rel), last[1]) if last else None)
                if pick is None:
                    if last and (_item_name(q.items[depth]) is not None or _has_items(lines, cursor, end, parent_indent)):
                        return Location(self._display(rel), last[1])  # the list key: its items are not the one
                    break
                index, indent = pick
            else:
                branches = self._branch_ids(rel, lines)
                home = branches[last[1] - 1] if last else self._top_branch(q, lines, start, end, branches)
                alternatives = (self._truthy(q.source), dig(q.obj.doc, *q.segments[: depth + 1]), branches, home)
                hit = _find_key(lines, cursor, end, parent_indent, segment, alternatives)
                if hit is None:
                    break
                index, indent = hit
            last = (depth, index + 1)
            # an item's first key shares the dash line, so the search for it starts on that line
            cursor, parent_indent = (index if isinstance(segment, int) else index + 1), indent
        if last is None:
            return None
        depth, line_no = last
        if depth < len(q.segments) - 1 and budget > 0:
            inner = self._follow_include(q, rel, lines, line_no, depth + 1, budget)
            if inner is not None:
                return inner
        if isinstance(q.segments[depth], int) and depth < len(q.segments) - 1:
            # a list item's line (`- name: {{ .Values.x }}`) names the item, not the missing field,
            # unless the item's body is `toYaml $spec` of a `range` over values
            return self._range_fill(q, lines, line_no, depth) or Location(self._display(rel), line_no)
        return self._values_location(q, lines, line_no, depth, rel) or Location(self._display(rel), line_no)

    def _branch_ids(self, rel: str, lines: list[str]) -> list[int]:
        cached = self._branches.get(rel)
        if cached is None or len(cached) != len(lines):
            cached = self._branches[rel] = _branch_ids(lines)
        return cached

    @staticmethod
    def _top_branch(q: _Query, lines: list[str], start: int, end: int, branches: list[int]) -> int:
        """The branch of a document's top-level keys: its rendered `kind:` line's (a whole-file
        `{{ if .Values.enabled }}` wraps them all alike)."""
        kind = _kind_line(lines, start, end, q.obj.kind)
        return branches[kind - 1] if kind else branches[start]

    def _follow_include(self, q: _Query, rel: str, lines: list[str], line_no: int, depth: int, budget: int) -> Location | None:
        """When the block under a key is `{{ include "name" . }}`, walk the rest of the path in that define."""
        for index in _block_directive_lines(lines, line_no):
            match = _INCLUDE.search(lines[index])
            located = self._define(rel, match.group(1)) if match else None
            if located is not None:
                inner = self._place(q, located.rel, located.lines, located.start, located.end, depth, budget - 1)
                if inner is not None:
                    return inner
        return None

    # -- list items ---------------------------------------------------------------------------
    def _pick_item(self, q: _Query, rel: str, lines: list[str], start: int, end: int, parent_indent: int, depth: int, budget: int):
        """The item for q.segments[depth]: (line index, indent) of a literal item, a _Define whose body
        holds it, a values Location, or None. Named items are scored against every source; the best
        unique one wins (a name matched literally beats a `{{ ... }}` pattern)."""
        items, stop, dash_indent = _list_items(lines, start, end, parent_indent)
        rendered = q.items[depth]
        name = _item_name(rendered)
        feeders = [i for i in range(start, stop) if _directive_only(lines[i]) and (dash_indent is None or _indent(lines[i]) <= dash_indent)]
        if name is None:
            return _unnamed_item(lines, items, stop, bool(feeders), q.segments[depth], rendered)
        resolve = self._resolver(q.source)
        scored = list(_scored_items(lines, items, stop, name, resolve))
        exact = [hit for score, hit in scored if score == _EXACT]
        if exact:
            return exact[0]
        for index in feeders:
            scored.extend(self._feeder_items(q, rel, lines, index, depth, name, resolve, budget))
        if not scored:
            return None
        best = max(score for score, _ in scored)
        winners = [hit for score, hit in scored if score == best]
        return winners[0] if best == _EXACT or len(winners) == 1 else None

    def _feeder_items(self, q: _Query, rel: str, lines: list[str], index: int, depth: int, name: str, resolve, budget: int):
        """Scored candidates a directive line brings into a list: a define's items, a values list's."""
        line = lines[index]
        match = _INCLUDE.search(line)
        located = self._define(rel, match.group(1)) if match and budget > 0 else None
        if located is not None:
            items, stop, _ = _list_items(located.lines, located.start, located.end, -1)
            for score, _hit in _scored_items(located.lines, items, stop, name, resolve):
                yield score, located
        rank = _name_rank(q, depth)
        for ref in _line_refs(lines, index):
            position = self._values_item(q.source, ref, name, rank)
            if position is not None:
                yield _EXACT, self._find_values_key(q.source, ref + (position,) + tuple(q.segments[depth + 1 :]))
            elif _names_item(self._value(q.source, ref), name):
                yield _EXACT, self._find_values_key(q.source, ref)  # a YAML string the chart `tpl`s

    def _values_item(self, source: str, ref: tuple, name: str, rank: int = 0) -> int | None:
        """Index of the item named `name` in the values list at `ref`, from the file that sets it
        (its `rank`-th one, when the name repeats: a duplicate env var is the second one)."""
        found = self._lookup(source, ref)
        if found is None:
            return None
        keys, full = found
        position = 0
        while (full + (position,)) in keys.entries:
            hit = keys.entries.get(full + (position, "name"))
            if hit and hit[1] == name:
                if rank == 0:
                    return position
                rank -= 1
            position += 1
        return None

    def _resolver(self, source: str):
        """`{{ .Values.x }}` in an item's name -> the value it renders, so it can match literally."""

        def resolve(expr: str) -> str | None:
            match = _SIMPLE_VALUE.match(expr)
            value = self._value(source, tuple(match.group(1).split(".")[1:])) if match else None
            return None if value is None else str(value)

        return resolve

    # -- defines ------------------------------------------------------------------------------
    def _define(self, rel: str, name: str) -> "_Define | None":
        """`{{ define "name" }}` anywhere in the chart tree: the including chart's own files first
        (Helm defines are global, so bitnami's `common.*` live in charts/common)."""
        base = _chart_base(rel)
        cache_key = (base, name)
        if cache_key not in self._defines:
            found = None
            for folder in dict.fromkeys([base, "", *self._chart_bases()]):
                files = self._define_index(folder).get(name, [])
                found = next((d for d in (self._define_in(f, name) for f in files) if d), None)
                if found:
                    break
            self._defines[cache_key] = found
        return self._defines[cache_key]

    def _chart_bases(self) -> list[str]:
        """'charts/x/' for each unpacked subchart, nested ones included."""
        return [p.parent.relative_to(self.chart.root).as_posix() + "/" for p in sorted(self.chart.root.glob("charts/**/templates"))]

    def _define_in(self, file_rel: str, name: str) -> "_Define | None":
        lines = (self.chart.read(file_rel) or "").splitlines()
        for index, line in enumerate(lines):
            match = _DEFINE.search(line)
            if match and match.group(1) == name:
                return _Define(file_rel, lines, index + 1, _define_end(lines, index))
        return None

    def _define_index(self, base: str) -> dict[str, list[str]]:
        """Define name -> files declaring it, in the templates of one chart of the tree."""
        if base not in self._define_files:
            index: dict[str, list[str]] = {}
            folder = self.chart.root / base / "templates"
            for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
                if path.suffix not in (".tpl", ".yaml", ".yml", ".txt"):
                    continue
                file_rel = path.relative_to(self.chart.root).as_posix()
                text = self.chart.read(file_rel) or ""
                if "define" in text:
                    for name in _DEFINE.findall(text):
                        index.setdefault(name, []).append(file_rel)
            self._define_files[base] = index
        return self._define_files[base]

    def _display(self, rel: str) -> str:
        return f"{self.chart.display}/{rel}" if self.chart.display not in ("", ".") else rel

    # -- values -------------------------------------------------------------------------------
    def _values_location(self, q: _Query, lines: list[str], line_no: int, depth: int, rel: str = "") -> Location | None:
        """If the template line (or the directive lines that fill its block) reads .Values, that key."""
        refs: list[tuple] = []
        for index in _block_directive_lines(lines, line_no):
            refs = _line_refs(lines, index) or self._range_refs(q, lines, index, depth)
            if refs:
                break
        field = dig(q.obj.doc, *q.segments)
        rendered = q.hint if q.hint is not None else field
        if not refs:
            return self._define_value(q, rel, lines[line_no - 1], rendered) if depth == len(q.segments) - 1 else None
        ref = _pick_ref(refs, lambda r: self._value(q.source, r), rendered)
        key = ref + tuple(q.segments[depth + 1 :])
        if _contradicts(self._value(q.source, key), field):
            return None  # the template computes the field (`ternary 1 .Values.n`): its line is the place
        return self._find_values_key(q.source, key)

    def _define_value(self, q: _Query, rel: str, line: str, rendered: Any) -> Location | None:
        """`image: {{ include "x.image" . }}`: the .Values key read in the define whose value the
        rendered scalar is, or ends with (the tag); nothing when no value shows in the output."""
        match = _INCLUDE.search(line)
        located = self._define(rel, match.group(1)) if match and rendered is not None else None
        if located is None:
            return None
        body = "\n".join(located.lines[located.start : located.end])
        text = str(rendered).lower()
        for test in (lambda v: v == text, lambda v: text.endswith(v)):
            for ref in dict.fromkeys(tuple(r.split(".")[1:]) for r in _VALUES_REF.findall(body)):
                value = self._value(q.source, ref)
                if value not in (None, "") and test(str(value).lower()):
                    return self._find_values_key(q.source, ref)
        return None

    def _range_fill(self, q: _Query, lines: list[str], line_no: int, depth: int) -> Location | None:
        """The values key behind an item written as `- name: {{ $k }}` + `{{ toYaml $v }}` in a range."""
        indent = _indent(lines[line_no - 1])
        for index in range(line_no, len(lines)):
            line = lines[index]
            if _structural(line) and _indent(line) <= indent:
                break
            if _DIRECTIVE_ONLY.match(line) and not _CONTROL.match(line):
                refs = self._range_refs(q, lines, index, depth)
                if refs:
                    return self._find_values_key(q.source, refs[0] + tuple(q.segments[depth + 1 :]))
        return None

    def _range_refs(self, q: _Query, lines: list[str], index: int, depth: int) -> list[tuple]:
        """`{{ $v }}` / `{{ $v.x }}` / `{{ .x }}` inside `{{ range $k, $v := .Values.m }}`: the values key
        of the item this object's list item came from (by its name: a map key or a list item's name)."""
        header = _enclosing_range(lines, index)
        item_depth = max((d for d in range(depth + 1) if isinstance(q.segments[d], int)), default=None)
        if header is None or item_depth is None:
            return []
        ref, value_var = header
        line = lines[index]
        if value_var:
            match = re.search(r"\$" + value_var + r"((?:\.[A-Za-z_]\w*)*)\b(?!\s*:=)", line)
        else:
            match = re.search(r"\{\{-?\s*\.((?!Values|Release|Chart|Capabilities|Template|Files)[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)", line)
        if match is None:
            return []
        suffix = tuple(p for p in match.group(1).split(".") if p)
        name = _item_name(q.items[item_depth])
        if name is None:
            return []
        position = self._values_item(q.source, ref, name)
        member: Any = position if position is not None else name
        if self._lookup(q.source, ref + (member,)) is None:
            return []
        return [ref + (member,) + suffix]

    def _truthy(self, source: str):
        """`ref -> bool | None`: how `{{ if .Values.ref }}` evaluates (None when no file sets it)."""

        def truthy(ref: tuple) -> bool | None:
            found = self._lookup(source, ref)
            if found is None:
                return None
            keys, full = found
            value = keys.entries[full][1]
            if value is None:
                return full in keys.parents
            return str(value).strip().lower() not in ("", "false", "0", "null", "~")

        return truthy

    def _lookup(self, source: str, key: tuple) -> tuple[_YamlKeys, tuple] | None:
        """The values file that sets `key` (user files, then parent values for a subchart, then the
        chart's own), with the key as spelled in that file."""
        for _, keys, full in self._candidates(source, key):
            if full in keys.entries:
                return keys, full
        return None

    def _value(self, source: str, key: tuple) -> Any:
        found = self._lookup(source, key)
        return found[0].entries[found[1]][1] if found else None

    def _candidates(self, source: str, key: tuple) -> list[tuple[str, _YamlKeys, tuple]]:
        """(display, keys, key as spelled there) for each values file that can set `key`, by precedence.
        `global` is shared: a subchart reads the parent's `global:`, not `<sub>.global`."""
        scope, prefix = _values_scope(source)
        outer = key if key[:1] == ("global",) else prefix + key
        candidates = [(d, k, outer) for d, k in self._user_keys]
        if prefix:
            candidates.append(("values.yaml", self._chart_keys("values.yaml"), outer))
        candidates.append((scope, self._chart_keys(scope), key))
        return candidates

    def _find_values_key(self, source: str, key: tuple) -> Location | None:
        best: tuple[int, str, int] | None = None
        user = {vf.display for vf in self.values_files}
        for display, keys, full in self._candidates(source, key):
            hit = keys.lookup(full)
            if hit is None:
                continue
            line, matched = hit
            depth = len(matched) - (len(full) - len(key))
            if depth <= 0:
                continue
            if best is None or depth > best[0]:
                best = (depth, display if display in user else self._display(display), line)
            if depth == len(key):
                break
        return Location(best[1], best[2]) if best else None


@dataclass(frozen=True)
class _Define:
    """A define's body: file, its lines, and the [start, end) line span of the body."""

    rel: str
    lines: list
    start: int
    end: int


def _chart_base(rel: str) -> str:
    """'charts/a/charts/b/templates/x.yaml' -> 'charts/a/charts/b/' ('' for the top chart)."""
    parts = rel.split("/")
    depth = 0
    while len(parts) >= depth + 3 and parts[depth] == "charts":
        depth += 2
    return "/".join(parts[:depth]) + "/" if depth else ""


def _values_scope(source: str) -> tuple[str, tuple]:
    """The values.yaml that a template's `.Values` reads, and the parent-key prefix for subcharts."""
    base = _chart_base(source)
    if not base:
        return "values.yaml", ()
    return f"{base}values.yaml", tuple(base.strip("/").split("/")[1::2])


def _contradicts(value: Any, rendered: Any) -> bool:
    """A values scalar that the rendered scalar does not contain did not produce it."""
    if value is None or rendered is None or isinstance(rendered, (dict, list)):
        return False
    text = ("true" if rendered else "false") if isinstance(rendered, bool) else str(rendered)
    return str(value).strip().lower() not in text.lower()


def _line_refs(lines: list[str], index: int) -> list[tuple]:
    """Values keys a template line reads: `.Values.x` on it, or the `with` around its `toYaml .`."""
    line = lines[index]
    refs = [tuple(ref.split(".")[1:]) for ref in _VALUES_REF.findall(line)]
    if not refs and _TOYAML_DOT.search(line):
        enclosing = _enclosing_with(lines, index + 1)
        if enclosing:
            refs = [enclosing]
    return refs


def _enclosing_range(lines: list[str], index: int) -> tuple[tuple, str | None] | None:
    """(values key, value variable) of the `{{ range }}` over .Values that encloses line `index`."""
    depth = 0
    for back in range(index - 1, max(-1, index - 40), -1):
        actions = _ACTION.findall(lines[back])
        for action in reversed(actions):
            if action == "end":
                depth += 1
            elif depth > 0:
                depth -= 1
            elif action == "range":
                match = _RANGE_VALUES.search(lines[back])
                if not match:
                    return None
                value_var = match.group("second") or match.group("first")
                return tuple(match.group("ref").split(".")[1:]), value_var
            elif action in ("define", "block"):
                return None
    return None


_CONTROL = re.compile(r"^\s*\{\{-?\s*(?:if|else|end|define|block)\b")
_LOOP = re.compile(r"^\s*\{\{-?\s*(?:with|range)\b")
_INLINE_VALUE = re.compile(r"^[^:]*:\s*(?P<value>\S.*)$")


@lru_cache(maxsize=65536)
def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _block_directive_lines(lines: list[str], line_no: int) -> list[int]:
    """The key's own line, then, when the key has no value of its own, the output lines that fill
    its block (`{{- toYaml ... }}`, `{{- include ... }}`), passing over control lines (if/with/end)."""
    out = [line_no - 1]
    inline = _INLINE_VALUE.match(lines[line_no - 1].lstrip().lstrip("-").lstrip())
    if inline and not inline.group("value").startswith(("#", "|", ">")):
        return out
    for index in range(line_no, min(len(lines), line_no + 6)):
        line = lines[index]
        if _DIRECTIVE_ONLY.match(line):
            if _CONTROL.match(line):
                continue
            if _LOOP.match(line) and not _next_is_item(lines, index):
                continue  # `{{- with .Values.x }}` around a sibling key, not this block's content
            out.append(index)
        elif line.strip():
            break
    return out


def _next_is_item(lines: list[str], index: int) -> bool:
    for line in lines[index + 1 :]:
        if _structural(line):
            return bool(_ITEM_LINE.match(line))
        if _DIRECTIVE_ONLY.match(line) and not _CONTROL.match(line) and not _LOOP.match(line):
            return True  # `{{- toYaml . | nindent 4 }}` right under the with: the with feeds the block
    return False


def _rendered_items(doc: dict, segments: list) -> list:
    """For each list-index segment, the rendered item (None for key segments)."""
    return [dig(doc, *segments[: depth + 1]) if isinstance(segment, int) else None for depth, segment in enumerate(segments)]


def _names_item(text: Any, name: str) -> bool:
    """A values string holding YAML list items (`extraContainers: |`) with one named `name`."""
    if not isinstance(text, str) or "name:" not in text:
        return False
    return re.search(r"^\s*(?:-\s+)?name:\s*[\"']?" + re.escape(name) + r"[\"']?\s*$", text, re.M) is not None


def _name_rank(q: _Query, depth: int) -> int:
    """How many earlier rendered siblings carry the same name as the item at `depth`."""
    siblings = dig(q.obj.doc, *q.segments[:depth])
    name = _item_name(q.items[depth])
    return sum(1 for item in siblings[: q.segments[depth]] if _item_name(item) == name) if isinstance(siblings, list) else 0


def _item_name(item: Any) -> str | None:
    name = item.get("name") if isinstance(item, dict) else None
    return str(name) if isinstance(name, (str, int)) and not isinstance(name, bool) else None


def _define_end(lines: list[str], start: int) -> int:
    """Index of the line holding the `end` that closes the define opened on line `start`."""
    depth = 0
    for index in range(start, len(lines)):
        for action in _ACTION.findall(lines[index]):
            depth += -1 if action == "end" else 1
            if depth == 0:
                return index
    return len(lines)


def _pick_ref(refs: list[tuple], get, rendered: Any) -> tuple:
    """Of several .Values references on one line, the one whose value is the offending part.

    `image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"` renders "nginx:latest"; a
    value equal to the rendered text wins, then one the text ends with (the tag), then any contained.
    """
    if len(refs) == 1 or rendered is None:
        return refs[0]
    text = str(rendered).lower()
    known = [(ref, str(get(ref)).lower()) for ref in refs if get(ref) not in (None, "")]
    for test in (lambda v: v == text, lambda v: text.endswith(v), lambda v: v in text):
        chosen = [ref for ref, value in known if test(value)]
        if chosen:
            return chosen[0]
    return refs[0]


def _enclosing_with(lines: list[str], line_no: int) -> tuple | None:
    """`{{- with .Values.x }}` governing a `toYaml .` line: the nearest one above it."""
    for index in range(line_no - 2, max(-1, line_no - 8), -1):
        match = _WITH_VALUES.search(lines[index])
        if match:
            return tuple(match.group(1).split(".")[1:])
    return None


def _document_span(lines: list[str], obj: K8sObject) -> tuple[int | None, int]:
    """0-based [start, end) of the template document that produced `obj`."""
    bounds = [0] + [i + 1 for i, line in enumerate(lines) if line.startswith("---")] + [len(lines) + 1]
    spans = [(bounds[i], min(bounds[i + 1] - 1, len(lines))) for i in range(len(bounds) - 1)]
    kind_re = re.compile(rf"^\s*kind:\s*[\"']?{re.escape(obj.kind)}[\"']?\s*$")
    with_kind = [span for span in spans if any(kind_re.match(lines[i]) for i in range(*span))]
    if not with_kind:
        with_kind = [span for span in spans if any(l.strip() and not l.strip().startswith("#") for l in lines[span[0]:span[1]])]
    if not with_kind:
        return None, 0
    if len(with_kind) == 1:
        return with_kind[0]
    named = [s for s in with_kind if any(obj.name and obj.name in lines[i] for i in range(*s))]
    if len(named) == 1:
        return named[0]
    return with_kind[min(obj.doc_index, len(with_kind) - 1)]


_KIND = re.compile(r"^\s*kind:")


def _kind_line(lines: list[str], start: int, end: int, kind: str = "") -> int | None:
    """The document's `kind:` line; of several (`{{ if }}` StatefulSet `{{ else }}` Deployment), the rendered one."""
    every = [index for index in range(start, end) if "kind:" in lines[index] and _KIND.match(lines[index])]
    kinds = [index for index in every if not lines[index][0].isspace()] or every
    exact = [index for index in kinds if lines[index].split(":", 1)[1].strip().strip("\"'") == kind]
    chosen = exact or kinds
    return chosen[0] + 1 if chosen else None


@lru_cache(maxsize=65536)
def _structural(line: str) -> bool:
    """A line that writes YAML (not blank, a comment or a lone template action). Cached per line
    text, like _key_of and _is_item: the walks scan the same templates once per finding."""
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#") and not _DIRECTIVE_ONLY.match(line)


@lru_cache(maxsize=65536)
def _directive_only(line: str) -> bool:
    return bool(_DIRECTIVE_ONLY.match(line))


@lru_cache(maxsize=65536)
def _key_of(line: str) -> tuple[str, int] | None:
    """(key, column of the key) for a `key:` line, dashes of list items counted into the column."""
    match = _KEY_LINE.match(line)
    if not match:
        return None
    return match.group("key").strip("\"'"), len(match.group("indent")) + len(match.group("dashes"))


@lru_cache(maxsize=65536)
def _is_item(line: str) -> bool:
    return bool(_ITEM_LINE.match(line))


def _find_key(lines: list[str], start: int, end: int, parent_indent: int, key: str, alternatives=None) -> tuple[int, int] | None:
    """The line of `key` among the direct children of the block opened above `start`.

    Direct children share the column of the block's first key; a deeper key of the same name
    (a container's `securityContext` under the pod's) is not the one asked for.
    """
    child_col = None
    matches: list[tuple[int, int]] = []
    for index in range(start, end):
        line = lines[index]
        if not _structural(line):
            continue
        indent = len(line) - len(line.lstrip())
        if indent <= parent_indent and not line.lstrip().startswith("-") or indent < parent_indent:
            break  # left the parent block
        if index > start and indent == parent_indent and _is_item(line):
            break  # the next item of the list the parent item belongs to
        found = _key_of(line)
        if found is None:
            continue
        name, key_col = found
        if key_col <= parent_indent:
            continue
        if child_col is None:
            child_col = key_col
        if key_col == child_col and name == key:
            matches.append((index, key_col))
            if alternatives is None or alternatives[2][index] == alternatives[3]:
                break  # not inside an `{{ if }}` of its own: no other branch can write it
    if len(matches) <= 1:
        return matches[0] if matches else None
    truthy, rendered = alternatives[:2]
    return _live_branch(lines, matches, truthy, rendered)


def _branch_ids(lines: list[str]) -> list[int]:
    """Per line, an id of the innermost `{{ if }}`/`{{ else }}`/`{{ with }}` branch it sits in:
    lines with one id render together, so a key can only have rivals in other branches."""
    stack, counter, out = [0], 0, []
    for line in lines:
        out.append(stack[-1])
        for action, _ in _BRANCH.findall(line):
            counter += 1
            if action == "end":
                if len(stack) > 1:
                    stack.pop()
            elif action.startswith("else"):
                stack[-1] = counter
            else:
                stack.append(counter)
    return out


_BRANCH = re.compile(r"\{\{-?\s*(else\s+if|if|else|with|range|define|block|end)\b(.*?)-?\}\}")
_CONDITION = re.compile(r"^(not\s+)?\$?\.Values((?:\.[A-Za-z_][\w\-]*)+)$")


def _live_branch(lines: list[str], matches: list[tuple[int, int]], truthy, rendered: Any) -> tuple[int, int] | None:
    """Of one key written in several `{{ if }}`/`{{ else }}` branches (bitnami's customLivenessProbe
    / livenessProbe), the one whose branch renders with these values, else the one whose literal
    value is the rendered one; None when that is unclear."""
    verdicts = [_branch_verdict(lines, index, truthy) for index, _ in matches]
    for wanted in ((None, True), (True,)):
        live = [match for match, verdict in zip(matches, verdicts) if verdict in wanted]
        if len(live) == 1:
            return live[0]
    if rendered is not None and not isinstance(rendered, (dict, list)):
        text = str(rendered)
        same = [m for m, v in zip(matches, verdicts) if v is not False and _inline_value(lines[m[0]]) == text]
        if len(same) == 1:
            return same[0]
    return None


def _inline_value(line: str) -> str | None:
    match = _INLINE_VALUE.match(line.lstrip().lstrip("-").lstrip())
    return match.group("value").strip().strip("\"'") if match else None


def _branch_verdict(lines: list[str], index: int, truthy) -> bool | None:
    """Whether the branch holding line `index` renders: its own condition holds (an `else` always
    does) and every earlier branch of its if-chain fails. True, False, or None when unknown."""
    depth, chain = 0, []  # verdicts from this branch's header back to the chain's `if`
    for back in range(index - 1, -1, -1):
        for action, rest in reversed(_BRANCH.findall(lines[back])):
            action = " ".join(action.split())
            if action == "end":
                depth += 1
            elif action in ("else", "else if"):
                if depth == 0:
                    chain.append(True if action == "else" else _condition(rest, truthy))
            elif depth:
                depth -= 1
            elif action in ("if", "with"):
                chain.append(_condition(rest, truthy))
                own, earlier = chain[0], chain[1:]
                if own is False or any(verdict is True for verdict in earlier):
                    return False
                return True if own is True and all(verdict is False for verdict in earlier) else None
            else:
                return None
    return None


def _condition(text: str, truthy) -> bool | None:
    match = _CONDITION.match(text.strip())
    if not match:
        return None
    value = truthy(tuple(match.group(2).split(".")[1:]))
    return None if value is None else value != bool(match.group(1))


def _list_items(lines: list[str], start: int, end: int, parent_indent: int) -> tuple[list[tuple[int, int]], int, int | None]:
    """The literal items (dash line, indent) of the list block opened above `start`, where the block
    stops, and the items' dash column."""
    items: list[tuple[int, int]] = []
    dash_indent = None
    for index in range(start, end):
        line = lines[index]
        if not _structural(line):
            continue
        indent = _indent(line)
        if indent <= parent_indent and not line.lstrip().startswith("-"):
            return items, index, dash_indent
        if _is_item(line):
            if dash_indent is None:
                dash_indent = indent
            if indent == dash_indent:
                items.append((index, indent))
        elif dash_indent is not None and indent < dash_indent:
            return items, index, dash_indent
    return items, end, dash_indent


def _has_items(lines: list[str], start: int, end: int, parent_indent: int) -> bool:
    return bool(_list_items(lines, start, end, parent_indent)[0])


def _unnamed_item(lines: list[str], items: list, stop: int, irregular: bool, position: int, rendered: Any):
    """An item without a name: by position while the list is plain literal items; when directives
    make positions unreliable (`{{ if }}` around items), the one item whose literal text fits."""
    if not irregular:
        return items[position] if position < len(items) else None
    fits = []
    wanted = _scalars(rendered)
    for number, (index, indent) in enumerate(items):
        item_end = items[number + 1][0] if number + 1 < len(items) else stop
        tokens = _literal_scalars(lines[index:item_end])
        if tokens <= wanted:
            fits.append((len(tokens), (index, indent)))
    if not fits:
        return None
    best = max(score for score, _ in fits)
    winners = [hit for score, hit in fits if score == best]
    return winners[0] if len(winners) == 1 else None


def _scalars(data: Any) -> set[str]:
    """Every scalar (as text) and key in rendered data."""
    if isinstance(data, dict):
        return set(map(str, data)) | {s for value in data.values() for s in _scalars(value)}
    if isinstance(data, list):
        return {s for value in data for s in _scalars(value)}
    if isinstance(data, bool):
        return {"true" if data else "false"}
    return {str(data)}


def _literal_scalars(item_lines: list[str]) -> set[str]:
    """Scalars written literally in an item's template lines (values of `key: value`, `- value`)."""
    out: set[str] = set()
    for line in item_lines:
        text = line.strip()
        while text.startswith("- ") or text == "-":
            text = text[2:].strip()
        if not text or text.startswith("#") or "{{" in text:
            continue
        match = _KEY_LINE.match(text)
        if match:
            text = text[match.end() :].strip()
        if not text or text.startswith(("|", ">", "&", "*", "!")):
            continue
        if not text.startswith(("[", "{")):
            out.add(text.strip("\"'"))
            continue
        out |= _flow_scalars(text)
    out.discard("None")
    return out


@lru_cache(maxsize=4096)
def _flow_scalars(text: str) -> frozenset:
    """Scalars of a flow collection (`[a, b]`, `{k: v}`) written on one template line."""
    try:
        return frozenset(_scalars(yamlindex.load_all(text)[0]))
    except (yamlindex.YamlError, IndexError):
        return frozenset()


_NAME_LINE = re.compile(r"^\s*(?:-\s+)?name:\s*(?P<value>.*?)\s*$")
_TEMPLATE_EXPR = re.compile(r"\{\{.*?\}\}")


def _scored_items(lines: list[str], items: list[tuple[int, int]], stop: int, name: str, resolve):
    """(score, (index, indent)) for each literal item whose `name:` can render `name`: literally
    (or once its `{{ .Values.x }}` parts are filled in) scores _EXACT, as a pattern in which each
    remaining `{{ ... }}` stands for some text it scores its literal length."""
    for number, (index, indent) in enumerate(items):
        end = items[number + 1][0] if number + 1 < len(items) else stop
        text = None
        for j in range(index, end):
            match = _NAME_LINE.match(lines[j])
            col = len(lines[j]) - len(lines[j].lstrip().lstrip("-").lstrip())
            if match and (j == index or col == indent + 2):
                text = match.group("value").strip("\"'")
                break
        if text is None:
            continue
        text = _TEMPLATE_EXPR.sub(lambda m: resolve(m.group(0)) or m.group(0), text)
        if "{{" not in text:
            if text == name:
                yield _EXACT, (index, indent)
            continue
        fragments = _TEMPLATE_EXPR.split(text)
        pattern = ".+?".join(re.escape(f) for f in fragments)
        if re.fullmatch(pattern, name):
            yield sum(len(f) for f in fragments), (index, indent)


class ManifestLocator:
    """Plain manifests: exact lines from the parsed document."""

    def __init__(self, display: str):
        self.display = display

    def locate(self, obj: K8sObject, path: str) -> Location:
        segments = tuple(split_path(path))
        for size in range(len(segments), 0, -1):
            line = obj.lines.get(segments[:size])
            if line:
                return Location(self.display, line)
        return Location(self.display, obj.line)


def rendered_value(obj: K8sObject, path: str) -> Any:
    return dig(obj.doc, *split_path(path))
