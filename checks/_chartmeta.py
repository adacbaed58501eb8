"""Shared helpers for the chart-quality rules: Chart.yaml with node types and lines, SemVer,
URLs, .helmignore, and a line scanner for template sources.

Nothing here raises on bad input: a Chart.yaml that does not parse gives a `ChartYaml` whose
`error` is set and whose `data` is None; rules other than chart-yaml-valid then stay quiet.
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Iterator
from urllib.parse import urlsplit

import yaml

from bot import yamlindex
from bot.chart import ChartSource

STR_TAG = "tag:yaml.org,2002:str"
_TYPE_NAMES = {
    "tag:yaml.org,2002:int": "number",
    "tag:yaml.org,2002:float": "number",
    "tag:yaml.org,2002:bool": "boolean",
    "tag:yaml.org,2002:null": "null",
    "tag:yaml.org,2002:timestamp": "date",
    STR_TAG: "string",
}


# --------------------------------------------------------------------------- Chart.yaml


@dataclass
class ChartYaml:
    """Chart.yaml as data plus its nodes; `data` is None when the file is missing or broken."""

    text: str | None
    node: yaml.Node | None = None
    data: Any = None
    error: yamlindex.YamlError | None = None
    lines: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return isinstance(self.data, dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default) if self.ok else default

    def has(self, key: str) -> bool:
        return self.ok and key in self.data

    def line(self, *path: Any) -> int | None:
        return self.lines.get(tuple(path))

    def value_node(self, key: str) -> yaml.Node | None:
        """The node of a top-level key (the last one when the key is repeated, as YAML loads it)."""
        if not isinstance(self.node, yaml.MappingNode):
            return None
        found = None
        for key_node, value_node in self.node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                found = value_node
        return found

    @property
    def is_library(self) -> bool:
        return self.get("type") == "library"


def chart_yaml(chart: ChartSource) -> ChartYaml:
    text = chart.read("Chart.yaml")
    if text is None:
        return ChartYaml(None)
    try:
        nodes = yamlindex.compose_all(text)
    except yamlindex.YamlError as exc:
        return ChartYaml(text, error=exc)
    if not nodes:
        return ChartYaml(text)
    node = nodes[0]
    try:
        data = yamlindex.construct(node)
    except Exception as exc:  # an unhashable key, a bad tag: as broken as a parse error
        return ChartYaml(text, node=node, error=yamlindex.YamlError(str(exc).splitlines()[0], node.start_mark.line + 1))
    return ChartYaml(text, node=node, data=data, lines=yamlindex.line_index(node))


def node_type(node: yaml.Node | None) -> str:
    """"string", "number", "boolean", "null", "date", "list" or "mapping"."""
    if isinstance(node, yaml.SequenceNode):
        return "list"
    if isinstance(node, yaml.MappingNode):
        return "mapping"
    if isinstance(node, yaml.ScalarNode):
        return _TYPE_NAMES.get(node.tag, "string" if not node.tag.startswith("tag:yaml.org") else node.tag.rsplit(":", 1)[-1])
    return "null"


def unquoted_scalar_problem(name: str, node: yaml.Node | None, value: Any) -> str | None:
    """Message for a Chart.yaml field that should be a string but YAML reads as something else."""
    kind = node_type(node)
    if kind == "string" or node is None:
        return None
    if isinstance(node, yaml.ScalarNode):
        shown = node.value
        loaded = _plain(value)
        lossy = f" (YAML reads it as {loaded})" if loaded != shown and kind in ("number", "boolean") else ""
        return f"{name} {shown} is a {kind}, not a string{lossy}; quote it"
    return f"{name} is a {kind}, not a string"


def _plain(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


# --------------------------------------------------------------------------- SemVer

_NUM = r"(?:0|[1-9]\d*)"
_PRE_ID = r"(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)"
STRICT_SEMVER = re.compile(
    rf"^(?P<major>{_NUM})\.(?P<minor>{_NUM})\.(?P<patch>{_NUM})"
    rf"(?:-(?P<pre>{_PRE_ID}(?:\.{_PRE_ID})*))?(?:\+(?P<build>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$"
)
# What helm accepts (Masterminds semver NewVersion): optional "v", minor and patch optional.
LOOSE_SEMVER = re.compile(
    r"^v?(?P<major>\d+)(?:\.(?P<minor>\d+))?(?:\.(?P<patch>\d+))?"
    r"(?:-(?P<pre>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+(?P<build>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$"
)


@dataclass(frozen=True, order=False)
class Version:
    major: int
    minor: int
    patch: int
    pre: tuple = ()

    def key(self) -> tuple:
        # A release sorts after any of its pre-releases; numeric identifiers sort before alphanumeric.
        pre = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in self.pre)
        return (self.major, self.minor, self.patch, 1 if not self.pre else 0, pre)

    def __str__(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        return text + ("-" + ".".join(self.pre) if self.pre else "")


def parse_version(text: Any) -> Version | None:
    """A SemVer as helm reads it (loose), or None."""
    if not isinstance(text, str):
        return None
    match = LOOSE_SEMVER.match(text.strip())
    if not match:
        return None
    pre = tuple(match["pre"].split(".")) if match["pre"] else ()
    if any(p.isdigit() and len(p) > 1 and p.startswith("0") for p in pre):
        return None
    return Version(int(match["major"]), int(match["minor"] or 0), int(match["patch"] or 0), pre)


def is_strict_semver(text: Any) -> bool:
    return isinstance(text, str) and STRICT_SEMVER.match(text) is not None


_OPS = r"(?:!=|>=|=>|<=|=<|~>|>|<|=|~|\^)"
_WILD = r"(?:\d+|[xX*])"
_CONSTRAINT_VERSION = rf"v?{_WILD}(?:\.{_WILD})?(?:\.{_WILD})?(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?"
_TERM = re.compile(rf"^{_OPS}?{_CONSTRAINT_VERSION}$")
_HYPHEN = re.compile(rf"({_CONSTRAINT_VERSION})\s+-\s+({_CONSTRAINT_VERSION})")


def is_version_constraint(text: Any) -> bool:
    """True for a Masterminds-semver constraint such as ">=1.25.0-0", "~1.29", "1.2 - 1.4 || ^2"."""
    if not isinstance(text, str) or not text.strip():
        return False
    for group in text.split("||"):
        group = _HYPHEN.sub(lambda m: f">={m.group(1)},<={m.group(2)}", group)
        group = re.sub(rf"({_OPS})\s+", r"\1", group)
        terms = [t for t in re.split(r"[,\s]+", group) if t]
        if not terms or not all(_TERM.match(t) for t in terms):
            return False
    return True


# --------------------------------------------------------------------------- URLs and e-mail

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")


def is_url(text: Any) -> bool:
    """An absolute URL with a scheme (and a host for http/https), no spaces; as helm lint wants."""
    if not isinstance(text, str) or not text or any(ch.isspace() for ch in text):
        return False
    if not _SCHEME.match(text):
        return False
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    if parts.scheme.lower() in ("http", "https"):
        try:
            return bool(parts.netloc) and bool(parts.hostname)
        except ValueError:
            return False
    return len(text) > len(parts.scheme) + 1


def is_email(text: Any) -> bool:
    return isinstance(text, str) and _EMAIL.match(text) is not None


# --------------------------------------------------------------------------- .helmignore


def _glob_regex(pattern: str) -> re.Pattern:
    """Go filepath.Match semantics: `*` and `?` never cross a `/`."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                out.append(re.escape(ch))
            else:
                body = pattern[i + 1 : end]
                if body.startswith("^"):
                    body = "!" + body[1:]
                body = ("^" + body[1:]) if body.startswith("!") else body
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = end
        elif ch == "\\" and i + 1 < len(pattern):
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(ch))
        i += 1
    try:
        return re.compile("^" + "".join(out) + "$")
    except re.error:  # a class helm would reject too ("[]"): match nothing rather than fail
        return re.compile(r"(?!)")


@dataclass(frozen=True)
class _IgnoreRule:
    regex: re.Pattern
    negate: bool
    dir_only: bool
    base_only: bool


def _ignore_rules(chart: ChartSource) -> list[_IgnoreRule]:
    lines = (chart.read(".helmignore") or "").splitlines() + ["templates/.?*"]  # helm's built-in default
    rules = []
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if "**" in line:  # helm refuses the whole chart; nothing sensible to mirror
            return []
        negate = line.startswith("!")
        line = line[1:] if negate else line
        dir_only = line.endswith("/")
        line = line.rstrip("/")
        base_only = "/" not in line
        line = line.lstrip("/")
        if line:
            rules.append(_IgnoreRule(_glob_regex(line), negate, dir_only, base_only))
    return rules


def helm_ignored(chart: ChartSource, rel: str, rules: list[_IgnoreRule] | None = None) -> bool:
    """Whether helm's loader skips a chart file (the file, or a folder it sits in, is ignored)."""
    rules = _ignore_rules(chart) if rules is None else rules
    parts = rel.split("/")
    return any(_ignores(rules, "/".join(parts[:depth]), depth < len(parts)) for depth in range(1, len(parts) + 1))


def _ignores(rules: list[_IgnoreRule], path: str, is_dir: bool) -> bool:
    """helm's ignore.Rules.Ignore, quirks included: reaching a `!` rule that does not match ignores."""
    for rule in rules:
        subject = path.rsplit("/", 1)[-1] if rule.base_only else path
        if rule.negate:
            if rule.dir_only and not is_dir or not rule.regex.match(subject):
                return True
            continue
        if rule.dir_only and not is_dir:
            continue
        if rule.regex.match(subject):
            return True
    return False


def loaded_files(chart: ChartSource) -> list[str]:
    """Chart files helm loads (not ignored by .helmignore or its defaults); once per chart."""
    cached = chart._texts.get(("loaded_files",))
    if cached is None:
        rules = _ignore_rules(chart)
        cached = chart._texts[("loaded_files",)] = [f for f in chart.files if not helm_ignored(chart, f, rules)]
    return list(cached)


# --------------------------------------------------------------------------- template sources

_ACTION_ONLY = re.compile(r"^(?:\{\{.*?\}\}\s*)+$")
_KEY_LINE = re.compile(r"""^(?P<key>"[^"]*"|'[^']*'|[^\s#'"{][^:#]*?)\s*:(?:\s+(?P<value>.*?))?\s*$""")
_DOC_KIND = re.compile(r"^kind:\s*['\"]?(?P<kind>[A-Za-z0-9]+)", re.M)


@dataclass(frozen=True)
class TemplateLine:
    """One YAML-looking line of a template source, with the keys it sits under."""

    line: int  # 1-based
    indent: int  # column of the key or item value
    key: str | None  # None for a list item scalar ("- example.com")
    value: str  # raw text after "key:" (or the item), "" for a parent key
    parents: tuple  # enclosing keys, outermost first
    kind: str  # kind of the document it is in ("" when unknown)

    @property
    def templated(self) -> bool:
        return "{{" in self.value

    @property
    def literal(self) -> str | None:
        """The value without quotes or trailing comment, when it is a plain literal."""
        value = self.value
        if not value or self.templated or value[0] in "|>&*!{[":
            return None
        if value[0] in "\"'":
            quote = value[0]
            end = value.find(quote, 1)
            return value[1:end] if end > 0 else None
        value = re.split(r"\s+#", value, maxsplit=1)[0].strip()
        return value or None


def template_lines(text: str) -> tuple[TemplateLine, ...]:
    """template_lines_of(text), computed once per text: several rules walk every template."""
    return _template_lines_cached(text)


@lru_cache(maxsize=512)
def _template_lines_cached(text: str) -> tuple[TemplateLine, ...]:
    return tuple(_walk_template_lines(text))


def _walk_template_lines(text: str) -> Iterator[TemplateLine]:
    """Walk a template source line by line, tracking YAML nesting by indentation.

    Lines that are only template actions (`{{- if ... }}`) do not change the nesting; the
    contents of block scalars (`key: |`) and of multi-line `{{/* ... */}}` comments are skipped.
    """
    lines = text.splitlines()
    kinds = _doc_kinds(lines)
    stack: list[tuple[int, str]] = []
    block_indent: int | None = None
    in_comment = False
    doc = 0
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip()
        if in_comment:
            if "*/" in line:
                in_comment = False
            continue
        stripped = line.strip()
        if not stripped:
            continue
        indent = len(line) - len(line.lstrip(" "))
        if block_indent is not None:
            if indent > block_indent:
                continue
            block_indent = None
        if line.startswith("---"):
            stack, doc = [], doc + 1
            continue
        if re.match(r"^\{\{-?\s*/\*", stripped) and "*/" not in stripped:
            in_comment = True
            continue
        if stripped.startswith("#") or _ACTION_ONLY.match(stripped):
            continue
        body = stripped
        column = indent
        item = False
        while body.startswith("- ") or body == "-":
            item = True
            body = body[2:].lstrip() if body != "-" else ""
            column = len(line) - len(body) if body else column + 2
        if not body:
            stack = [s for s in stack if s[0] < column]
            continue
        stack = [s for s in stack if s[0] < column]
        parents = tuple(key for _, key in stack)
        kind = kinds[doc] if doc < len(kinds) else ""
        match = _KEY_LINE.match(body) if not body.startswith("{{") else None
        if match:
            key = match["key"].strip().strip("\"'")
            value = match["value"] or ""
            yield TemplateLine(number, column, key, value, parents, kind)
            stack.append((column, key))
            if value[:1] in ("|", ">") and "{{" not in value:
                block_indent = column
        elif item:
            yield TemplateLine(number, column, None, body, parents, kind)


def _doc_kinds(lines: list[str]) -> list[str]:
    kinds, current = [], []
    for line in lines + ["---"]:
        if line.startswith("---"):
            match = _DOC_KIND.search("\n".join(current))
            kinds.append(match["kind"] if match else "")
            current = []
        else:
            current.append(line)
    return kinds


def is_yaml_template(rel: str) -> bool:
    return rel.startswith("templates/") and rel.endswith((".yaml", ".yml"))


def is_partial(rel: str) -> bool:
    """Helm does not render files whose name starts with "_" (helpers, partials)."""
    return rel.rsplit("/", 1)[-1].startswith("_")


# --------------------------------------------------------------------------- values


def json_ready(value: Any) -> Any:
    """YAML data as helm hands it to the schema: string keys, dates as text."""
    if isinstance(value, dict):
        return {str(k) if not isinstance(k, bool) else _plain(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_ready(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def coalesce(base: Any, override: Any) -> Any:
    """Values merged the way helm merges a -f file over values.yaml (null deletes a key)."""
    if not isinstance(base, dict) or not isinstance(override, dict):
        return override
    out = dict(base)
    for key, value in override.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = coalesce(out[key], value)
        else:
            out[key] = value
    return out
