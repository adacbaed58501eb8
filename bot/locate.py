"""Where a person fixes a finding: the values key that fed the field, else the template line.

Rendered YAML is never what a person edits. For a finding on field path P of an object rendered
from template T we walk T's text along P (indentation-aware, skipping template directives) to the
deepest line that names a key of P. If that line reads `.Values.x.y` (directly, or through an
enclosing `{{ with .Values.x }}`), the finding belongs to values key `x.y` plus the rest of P: we
point at it in the user's -f files or the chart's values.yaml. Otherwise the template line is the
place. Nothing found means no line at all, never a guessed one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
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
_TOYAML_DOT = re.compile(r"toYaml\s+\.\s*(?:\||\}\})")


@dataclass(frozen=True)
class ValuesFile:
    display: str  # as findings show it
    path: Path


class _YamlKeys:
    """Key path -> (line, scalar text) of one values file."""

    def __init__(self, text: str):
        self.entries: dict[tuple, tuple[int, Any]] = {}
        try:
            nodes = yamlindex.compose_all(text)
        except yamlindex.YamlError:
            return
        if nodes:
            for entry in yamlindex.entries(nodes[0]):
                self.entries[entry.path] = (entry.line, entry.value)

    def lookup(self, path: tuple) -> tuple[int, tuple] | None:
        """Line of the deepest existing prefix of `path`, and that prefix."""
        for size in range(len(path), 0, -1):
            hit = self.entries.get(path[:size])
            if hit:
                return hit[0], path[:size]
        return None


class ChartLocator:
    """Places findings of one rendered chart."""

    def __init__(self, chart: ChartSource, values_files: list[ValuesFile] = ()):
        self.chart = chart
        self.values_files = list(values_files)
        self._keys: dict[str, _YamlKeys] = {}
        self._user_keys = []
        for vf in self.values_files:
            try:
                text = vf.path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                text = ""
            self._user_keys.append((vf.display, _YamlKeys(text)))

    def _chart_keys(self, rel: str) -> _YamlKeys:
        if rel not in self._keys:
            self._keys[rel] = _YamlKeys(self.chart.read(rel) or "")
        return self._keys[rel]

    # ---------------------------------------------------------------------------------------
    def locate(self, obj: K8sObject, path: str, value_hint: Any = None) -> Location | None:
        source = obj.source
        text = self.chart.read(source) if source else None
        if text is None:
            return None
        display = self._display(source)
        segments = split_path(path)
        lines = text.splitlines()
        start, end = _document_span(lines, obj)
        if start is None:
            return Location(display)
        found = _walk(lines, start, end, segments)
        if not found:
            kind_line = _kind_line(lines, start, end)
            return Location(display, kind_line)
        depth, line_no = found[-1]
        values_location = self._values_location(source, lines, line_no, segments[depth + 1 :], obj, path, value_hint)
        if values_location is not None:
            return values_location
        return Location(display, line_no)

    def _display(self, rel: str) -> str:
        return f"{self.chart.display}/{rel}" if self.chart.display not in ("", ".") else rel

    def _values_location(
        self, source: str, lines: list[str], line_no: int, rest: list, obj: K8sObject, path: str, value_hint: Any
    ) -> Location | None:
        """If the template line (or the directive lines that fill its block) reads .Values, that key."""
        refs: list[tuple] = []
        for index in _block_directive_lines(lines, line_no):
            line = lines[index]
            refs = [tuple(ref.split(".")[1:]) for ref in _VALUES_REF.findall(line)]
            if not refs and _TOYAML_DOT.search(line):
                enclosing = _enclosing_with(lines, index + 1)
                if enclosing:
                    refs = [enclosing]
            if refs:
                break
        if not refs:
            return None
        rest_keys = tuple(seg for seg in rest if isinstance(seg, str))
        rendered = value_hint if value_hint is not None else obj.get(*split_path(path))
        ref = _pick_ref(refs, self._value_getter(source), rendered)
        return self._find_values_key(source, ref + rest_keys)

    def _value_getter(self, source: str):
        def get(ref: tuple) -> Any:
            for _, keys in self._user_keys:
                hit = keys.entries.get(ref)
                if hit:
                    return hit[1]
            scope, prefix = self._values_scope(source)
            hit = self._chart_keys(scope).entries.get(ref)
            return hit[1] if hit else None

        return get

    def _values_scope(self, source: str) -> tuple[str, tuple]:
        """The values.yaml that a template's `.Values` reads, and the parent-key prefix for subcharts."""
        parts = source.split("/")
        if len(parts) >= 4 and parts[0] == "charts":
            return f"charts/{parts[1]}/values.yaml", (parts[1],)
        return "values.yaml", ()

    def _find_values_key(self, source: str, key: tuple) -> Location | None:
        scope, prefix = self._values_scope(source)
        candidates: list[tuple[str, _YamlKeys, tuple]] = [(d, k, prefix + key) for d, k in self._user_keys]
        if prefix:
            candidates.append(("values.yaml", self._chart_keys("values.yaml"), prefix + key))
        candidates.append((scope, self._chart_keys(scope), key))
        best: tuple[int, str, int] | None = None
        for display, keys, full in candidates:
            hit = keys.lookup(full)
            if hit is None:
                continue
            line, matched = hit
            depth = len(matched) - (len(full) - len(key))
            if depth <= 0:
                continue
            if best is None or depth > best[0]:
                shown = display if display in {vf.display for vf in self.values_files} else self._display(display)
                best = (depth, shown, line)
            if depth == len(key):
                break
        return Location(best[1], best[2]) if best else None


def _block_directive_lines(lines: list[str], line_no: int) -> list[int]:
    """The key's own line, then the directive-only lines right under it (`{{- toYaml ... }}`)."""
    out = [line_no - 1]
    for index in range(line_no, min(len(lines), line_no + 4)):
        if _DIRECTIVE_ONLY.match(lines[index]):
            out.append(index)
        elif lines[index].strip():
            break
    return out


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


def _kind_line(lines: list[str], start: int, end: int) -> int | None:
    for index in range(start, end):
        if re.match(r"^\s*kind:", lines[index]):
            return index + 1
    return None


def _walk(lines: list[str], start: int, end: int, segments: list) -> list[tuple[int, int]]:
    """(segment index, 1-based line) for each leading segment of the path found in the template."""
    found: list[tuple[int, int]] = []
    cursor, parent_indent = start, -1
    for depth, segment in enumerate(segments):
        hit = _find_index(lines, cursor, end, parent_indent, segment) if isinstance(segment, int) else _find_key(
            lines, cursor, end, parent_indent, segment
        )
        if hit is None:
            break
        index, indent = hit
        found.append((depth, index + 1))
        # an item's first key shares the dash line, so the search for it starts on that line
        cursor, parent_indent = (index if isinstance(segment, int) else index + 1), indent
    return found


def _structural(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#") and not _DIRECTIVE_ONLY.match(line)


def _find_key(lines: list[str], start: int, end: int, parent_indent: int, key: str) -> tuple[int, int] | None:
    for index in range(start, end):
        line = lines[index]
        if not _structural(line):
            continue
        match = _KEY_LINE.match(line)
        indent = len(line) - len(line.lstrip())
        if indent <= parent_indent and not line.lstrip().startswith("-"):
            return None  # left the parent block
        if indent < parent_indent:
            return None
        if match and match.group("key").strip("\"'") == key:
            key_col = len(match.group("indent")) + len(match.group("dashes"))
            if key_col > parent_indent:
                return index, key_col
    return None


def _find_index(lines: list[str], start: int, end: int, parent_indent: int, position: int) -> tuple[int, int] | None:
    items: list[tuple[int, int]] = []
    dash_indent = None
    for index in range(start, end):
        line = lines[index]
        if not _structural(line):
            continue
        indent = len(line) - len(line.lstrip())
        if indent <= parent_indent and not line.lstrip().startswith("-"):
            break
        match = _ITEM_LINE.match(line)
        if match:
            if dash_indent is None:
                dash_indent = indent
            if indent == dash_indent:
                items.append((index, indent))
        elif dash_indent is not None and indent < dash_indent:
            break
    if not items:
        return None
    return items[position] if position < len(items) else items[0]


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
