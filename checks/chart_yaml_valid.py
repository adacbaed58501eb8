"""chart-yaml-valid: Chart.yaml parses and its fields have the right names and types.

What it does: flags a Chart.yaml that does not parse, is empty or not a mapping, lacks `name` or has a name with a path in it, has a `type` other than application/library, fields of the wrong type (a list where helm wants a string), unknown fields and duplicate keys (helm's strict parse), and chart names that are not lower case letters, digits and dashes (low severity).
Why it matters: helm refuses to load a chart whose Chart.yaml is broken, so nothing in it renders or installs; unknown fields are usually typos (`maintainer:`, `appversion:`) whose setting is silently lost.
Example: `appversion: "1.2"` (unknown field, the real one is `appVersion`) or `keywords: web` (a string, not a list).
Fix: correct Chart.yaml so it parses, uses only the fields helm defines (apiVersion, name, version, kubeVersion, description, type, keywords, home, sources, dependencies, maintainers, icon, appVersion, deprecated, annotations) with the right types, and names the chart in lower case with dashes.
"""

from __future__ import annotations

import re

import yaml

from bot.chart import ChartSource
from bot.findings import Severity
from checks._chartmeta import chart_yaml, node_type, unquoted_scalar_problem
from checks._registry import CheckContext, Hit, register

TOP_FIELDS = {
    "apiVersion", "name", "version", "kubeVersion", "description", "type", "keywords", "home", "sources",
    "dependencies", "maintainers", "icon", "appVersion", "deprecated", "annotations", "condition", "tags",
}
MAINTAINER_FIELDS = {"name", "email", "url"}
DEPENDENCY_FIELDS = {"name", "version", "repository", "condition", "tags", "enabled", "import-values", "alias", "depends-on"}
STRING_FIELDS = ("home", "description", "icon", "condition", "tags")  # version, appVersion, kubeVersion: own rules
STRING_LIST_FIELDS = ("sources", "keywords")
NAME_CONVENTION = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@register(
    id="chart-yaml-valid",
    category="chart-quality",
    severity=Severity.HIGH,
    scope="chart",
    anchors=(
        "helm lint validateChartYamlNotDirectory",
        "helm lint validateChartYamlFormat",
        "helm lint validateChartYamlStrictFormat",
        "helm lint validateChartName",
        "chart-testing validate-chart-schema",
        "chart-testing validate-yaml",
    ),
)
def check(chart: ChartSource, ctx: CheckContext):
    meta = chart_yaml(chart)
    if meta.text is None:
        yield Hit("cannot read Chart.yaml (missing, binary or too large)", file="Chart.yaml", line=None)
        return
    if meta.error is not None:
        yield Hit(f"invalid YAML in Chart.yaml: {meta.error}", file="Chart.yaml", line=meta.error.line)
        return
    if meta.node is None:
        yield Hit("empty Chart.yaml", file="Chart.yaml", line=None)
        return
    if not meta.ok:
        yield Hit(f"top level of Chart.yaml is a {node_type(meta.node)}, not a mapping of fields", file="Chart.yaml", line=meta.node.start_mark.line + 1)
        return
    yield from _duplicates(meta.node)
    yield from _unknown(meta.node, TOP_FIELDS, "")
    for section, known in (("maintainers", MAINTAINER_FIELDS), ("dependencies", DEPENDENCY_FIELDS)):
        node = meta.value_node(section)
        if isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                if isinstance(item, yaml.MappingNode):
                    yield from _unknown(item, known, f"{section}[{index}].")
    yield from _name(meta)
    chart_type = meta.get("type")
    if chart_type not in (None, "", "application", "library"):
        yield Hit(f'type "{chart_type}" must be application or library', file="Chart.yaml", line=meta.line("type"))
    yield from _types(meta)


def _duplicates(node: yaml.Node):
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                line = key_node.start_mark.line + 1
                if key_node.value in seen:
                    yield Hit(f'duplicate key "{key_node.value}" (first on line {seen[key_node.value]})', file="Chart.yaml", line=line, severity=Severity.MEDIUM)
                else:
                    seen[key_node.value] = line
            yield from _duplicates(value_node)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _duplicates(item)


def _unknown(node: yaml.MappingNode, known: set, prefix: str):
    for key_node, _ in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if key not in known:
            shown = key if key is not None else "(complex key)"
            hint = _near(key, known) if key else None
            extra = f'; did you mean "{hint}"?' if hint else ""
            yield Hit(f'unknown field "{prefix}{shown}"{extra}', file="Chart.yaml", line=key_node.start_mark.line + 1, severity=Severity.MEDIUM)


def _near(key: str, known: set) -> str | None:
    for candidate in sorted(known):
        if candidate.lower() == key.lower() or candidate.lower() == key.lower().rstrip("s") or candidate.lower().rstrip("s") == key.lower():
            return candidate
    return None


def _name(meta):
    name = meta.get("name")
    line = meta.line("name")
    node = meta.value_node("name")
    if name is None or name == "":
        yield Hit("chart has no name" if line is None else "name is empty", file="Chart.yaml", line=line)
        return
    if node_type(node) in ("list", "mapping"):
        yield Hit(f"name is a {node_type(node)}, not a string", file="Chart.yaml", line=line)
        return
    problem = unquoted_scalar_problem("name", node, name)
    if problem:
        yield Hit(problem, file="Chart.yaml", line=line, severity=Severity.MEDIUM)
    text = str(name)
    if "/" in text or "\\" in text or text in (".", ".."):
        yield Hit(f'chart name "{text}" is invalid: it must not be a path', file="Chart.yaml", line=line)
    elif not NAME_CONVENTION.match(text):
        yield Hit(f'chart name "{text}" should be lower case letters, digits and dashes', file="Chart.yaml", line=line, severity=Severity.LOW)


def _types(meta):
    for key in STRING_FIELDS:
        node = meta.value_node(key)
        if node is None or node_type(node) == "null":
            continue
        if node_type(node) in ("list", "mapping"):
            yield Hit(f"{key} is a {node_type(node)}, not a string", file="Chart.yaml", line=meta.line(key))
        else:
            problem = unquoted_scalar_problem(key, node, meta.get(key))
            if problem:
                yield Hit(problem, file="Chart.yaml", line=meta.line(key), severity=Severity.MEDIUM)
    for key in STRING_LIST_FIELDS:
        node = meta.value_node(key)
        if node is None or node_type(node) == "null":
            continue
        if not isinstance(node, yaml.SequenceNode):
            yield Hit(f"{key} is a {node_type(node)}, not a list of strings", file="Chart.yaml", line=meta.line(key))
            continue
        for index, item in enumerate(node.value):
            if node_type(item) in ("list", "mapping", "null"):
                yield Hit(f"{key} entry {index + 1} is a {node_type(item)}, not a string", file="Chart.yaml", line=item.start_mark.line + 1)
    for key in ("maintainers", "dependencies"):
        node = meta.value_node(key)
        if node is None or node_type(node) == "null":
            continue
        if not isinstance(node, yaml.SequenceNode):
            yield Hit(f"{key} is a {node_type(node)}, not a list", file="Chart.yaml", line=meta.line(key))
            continue
        for index, item in enumerate(node.value):
            if not isinstance(item, yaml.MappingNode) and node_type(item) != "null":
                yield Hit(f"{key} entry {index + 1} is a {node_type(item)}, not a mapping", file="Chart.yaml", line=item.start_mark.line + 1)
    node = meta.value_node("deprecated")
    if node is not None and node_type(node) not in ("boolean", "null"):
        yield Hit(f"deprecated is a {node_type(node)}, not true or false", file="Chart.yaml", line=meta.line("deprecated"))
    node = meta.value_node("annotations")
    if node is not None and node_type(node) != "null":
        if not isinstance(node, yaml.MappingNode):
            yield Hit(f"annotations is a {node_type(node)}, not a mapping", file="Chart.yaml", line=meta.line("annotations"))
        else:
            for key_node, value_node in node.value:
                kind = node_type(value_node)
                if kind in ("list", "mapping"):
                    yield Hit(f'annotation "{key_node.value}" is a {kind}, not a string', file="Chart.yaml", line=key_node.start_mark.line + 1)
                elif kind != "string":
                    yield Hit(f'annotation "{key_node.value}" {value_node.value} is a {kind}, not a string; quote it', file="Chart.yaml", line=key_node.start_mark.line + 1, severity=Severity.MEDIUM)
