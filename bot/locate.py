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
_INCLUDE = re.compile(r'\{\{-?\s*(?:include|template)\s+"([^"]+)"')
_ACTION = re.compile(r"\{\{-?\s*(if|with|range|define|block|end)\b")
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
        self._defines: dict[tuple, tuple | None] = {}
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
        names = _item_names(obj.doc, segments)
        found = _walk(lines, start, end, segments, names)
        if not found:
            kind_line = _kind_line(lines, start, end)
            return Location(display, kind_line)
        rel = source
        for _ in range(3):  # follow `include "x"` into its define, a few levels deep
            depth, line_no = found[-1]
            if depth == len(segments) - 1:
                break
            inner = self._follow_include(rel, lines, line_no, segments[depth + 1 :], names[depth + 1 :])
            if inner is None:
                break
            rel, lines, inner_found = inner
            found = [(depth + 1 + d, n) for d, n in inner_found]
        depth, line_no = found[-1]
        if isinstance(segments[depth], int) and depth < len(segments) - 1:
            # a list item's line (`- name: {{ .Values.x }}`) names the item, not the missing field
            return Location(self._display(rel), line_no)
        values_location = self._values_location(rel, lines, line_no, segments[depth + 1 :], obj, path, value_hint)
        if values_location is not None:
            return values_location
        return Location(self._display(rel), line_no)

    def _follow_include(self, rel: str, lines: list[str], line_no: int, rest: list, names: list):
        """When the block under a key is `{{ include "name" . }}`, walk the rest of the path in that define."""
        for index in _block_directive_lines(lines, line_no):
            match = _INCLUDE.search(lines[index])
            if not match:
                continue
            located = self._define(rel, match.group(1))
            if located is None:
                return None
            def_rel, def_lines, body_start, body_end = located
            inner = _walk(def_lines, body_start, body_end, rest, names)
            return (def_rel, def_lines, inner) if inner else None
        return None

    def _define(self, rel: str, name: str):
        """(file, lines, body start, body end) of `{{ define "name" }}` in the chart (or subchart) templates."""
        parts = rel.split("/")
        base = "/".join(parts[:2]) + "/" if len(parts) >= 4 and parts[0] == "charts" else ""
        cache_key = (base, name)
        if cache_key in self._defines:
            return self._defines[cache_key]
        result = None
        folder = self.chart.root / base / "templates"
        candidates = sorted(folder.rglob("*.tpl")) + sorted(folder.rglob("*.yaml")) if folder.is_dir() else []
        pattern = re.compile(r'\{\{-?\s*define\s+"' + re.escape(name) + r'"\s*-?\}\}')
        for path in candidates:
            file_rel = path.relative_to(self.chart.root).as_posix()
            text = self.chart.read(file_rel)
            if not text or name not in text:
                continue
            def_lines = text.splitlines()
            for index, line in enumerate(def_lines):
                if pattern.search(line):
                    result = (file_rel, def_lines, index + 1, _define_end(def_lines, index))
                    break
            if result:
                break
        self._defines[cache_key] = result
        return result

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
        rest_keys = tuple(rest)
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


_CONTROL = re.compile(r"^\s*\{\{-?\s*(?:if|else|end|define|block)\b")
_LOOP = re.compile(r"^\s*\{\{-?\s*(?:with|range)\b")
_INLINE_VALUE = re.compile(r"^[^:]*:\s*(?P<value>\S.*)$")


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


def _item_names(doc: dict, segments: list) -> list:
    """For each list-index segment, the rendered item's `name` (None where there is none)."""
    names: list = []
    for depth, segment in enumerate(segments):
        item = dig(doc, *segments[: depth + 1]) if isinstance(segment, int) else None
        names.append(str(item["name"]) if isinstance(item, dict) and isinstance(item.get("name"), (str, int)) else None)
    return names


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


def _kind_line(lines: list[str], start: int, end: int) -> int | None:
    for index in range(start, end):
        if re.match(r"^\s*kind:", lines[index]):
            return index + 1
    return None


def _walk(lines: list[str], start: int, end: int, segments: list, names: list | None = None) -> list[tuple[int, int]]:
    """(segment index, 1-based line) for each leading segment of the path found in the template.

    `names[i]` is the rendered `name` of list item segments[i] (containers, ports, volumes): items
    are matched by name, since conditionals make template positions differ from rendered ones.
    """
    found: list[tuple[int, int]] = []
    cursor, parent_indent = start, -1
    for depth, segment in enumerate(segments):
        if isinstance(segment, int):
            name = names[depth] if names and depth < len(names) else None
            hit = _find_index(lines, cursor, end, parent_indent, segment, name)
        else:
            hit = _find_key(lines, cursor, end, parent_indent, segment)
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
    """The line of `key` among the direct children of the block opened above `start`.

    Direct children share the column of the block's first key; a deeper key of the same name
    (a container's `securityContext` under the pod's) is not the one asked for.
    """
    child_col = None
    for index in range(start, end):
        line = lines[index]
        if not _structural(line):
            continue
        indent = len(line) - len(line.lstrip())
        if indent <= parent_indent and not line.lstrip().startswith("-"):
            return None  # left the parent block
        if indent < parent_indent:
            return None
        match = _KEY_LINE.match(line)
        if not match:
            continue
        key_col = len(match.group("indent")) + len(match.group("dashes"))
        if key_col <= parent_indent:
            continue
        if child_col is None:
            child_col = key_col
        if key_col == child_col and match.group("key").strip("\"'") == key:
            return index, key_col
    return None


def _find_index(
    lines: list[str], start: int, end: int, parent_indent: int, position: int, name: str | None = None
) -> tuple[int, int] | None:
    items: list[tuple[int, int]] = []
    dash_indent = None
    stop = end
    for index in range(start, end):
        line = lines[index]
        if not _structural(line):
            continue
        indent = len(line) - len(line.lstrip())
        if indent <= parent_indent and not line.lstrip().startswith("-"):
            stop = index
            break
        match = _ITEM_LINE.match(line)
        if match:
            if dash_indent is None:
                dash_indent = indent
            if indent == dash_indent:
                items.append((index, indent))
        elif dash_indent is not None and indent < dash_indent:
            stop = index
            break
    if not items:
        return None
    if name is not None:
        return _item_by_name(lines, items, stop, name)
    return items[position] if position < len(items) else None


_NAME_LINE = re.compile(r"^\s*(?:-\s+)?name:\s*(?P<value>.*?)\s*$")
_TEMPLATE_EXPR = re.compile(r"\{\{.*?\}\}")


def _item_by_name(lines: list[str], items: list[tuple[int, int]], stop: int, name: str) -> tuple[int, int] | None:
    """The list item whose `name:` gives this rendered name: literally, else as a pattern in which
    each `{{ ... }}` stands for some text; of several that fit, the one with the most literal text."""
    scored: list[tuple[int, tuple[int, int]]] = []
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
        if "{{" not in text:
            if text == name:
                return index, indent
            continue
        fragments = _TEMPLATE_EXPR.split(text)
        pattern = ".+?".join(re.escape(f) for f in fragments)
        if re.fullmatch(pattern, name):
            scored.append((sum(len(f) for f in fragments), (index, indent)))
    if not scored:
        return None
    scored.sort(key=lambda item: -item[0])
    if len(scored) > 1 and scored[0][0] == scored[1][0]:
        return None  # two templated names fit equally: do not guess
    return scored[0][1]


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
