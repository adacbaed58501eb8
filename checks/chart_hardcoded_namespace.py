"""chart-hardcoded-namespace: templates take the namespace from the release.

What it does: flags template lines that set `metadata.namespace` to a literal (`namespace: monitoring`) instead of `{{ .Release.Namespace }}`, a values key, or nothing. Literal namespaces elsewhere (RoleBinding subjects, webhook service references), templated values, and Roles/RoleBindings placed in `kube-system` or `kube-public` (an aggregated API server's binding to `extension-apiserver-authentication-reader` must live there) pass.
Why it matters: `helm install -n team-a` then puts part of the release somewhere else: objects land in a namespace that may not exist, two installs of the chart collide, and `helm uninstall` or a namespace deletion leaves them behind.
Example: `metadata: {name: {{ .Release.Name }}, namespace: monitoring}` in templates/service.yaml.
Fix: write `namespace: {{ .Release.Namespace }}` (or omit the field); if the object must live elsewhere, read the namespace from a values key.
"""

from __future__ import annotations

import re

from bot.chart import ChartSource
from bot.findings import Severity
from checks._registry import CheckContext, Hit, register

_NAMESPACE = re.compile(r"^(?P<indent>[ \t]*)namespace:[ \t]*(?P<value>.*?)[ \t]*$")
_KEY = re.compile(r"^(?P<indent>[ \t]*)(?P<dashes>(?:-[ \t]+)*)(?P<key>[\w.\-/\"']+):(?:[ \t]|$)")
_DIRECTIVE_ONLY = re.compile(r"^\s*\{\{.*\}\}\s*$")
_KIND = re.compile(r"^kind:\s*[\"']?(?P<kind>[A-Za-z]+)")
TEMPLATE_SUFFIXES = (".yaml", ".yml", ".tpl")
# RBAC objects that must sit in a system namespace: the extension-apiserver-authentication-reader
# RoleBinding of an aggregated API server lives in kube-system because the Role does
SYSTEM_RBAC_KINDS = frozenset({"Role", "RoleBinding"})
SYSTEM_NAMESPACES = frozenset({"kube-system", "kube-public"})


def _literal(value: str) -> str | None:
    """The literal namespace a YAML value spells, or None when it is templated, empty or a block."""
    if "{{" in value:
        return None
    value = re.split(r"\s+#", value, maxsplit=1)[0].strip()
    if value[:1] in ("'", '"') and value[-1:] == value[:1]:
        value = value[1:-1]
    if not value or value[0] in "|>&*{[" or value in ("~", "null"):
        return None
    return value


def _document_kind(lines: list[str], index: int) -> str:
    """The top-level `kind:` of the YAML document (between `---` lines) that holds line `index`."""
    start = index
    while start > 0 and not lines[start - 1].startswith("---"):
        start -= 1
    for position in range(start, len(lines)):
        if position > start and lines[position].startswith("---"):
            break
        match = _KIND.match(lines[position])
        if match:
            return match.group("kind")
    return ""


def _parent_key(lines: list[str], index: int, indent: int) -> str | None:
    """The key of the nearest line above with a smaller key column: the mapping this line is in."""
    for j in range(index - 1, -1, -1):
        line = lines[j]
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or _DIRECTIVE_ONLY.match(line):
            continue
        match = _KEY.match(line)
        column = len(match.group("indent")) + len(match.group("dashes")) if match else len(line) - len(line.lstrip())
        if column < indent:
            return match.group("key").strip("\"'") if match else None
    return None


@register(
    id="chart-hardcoded-namespace",
    category="chart-quality",
    severity=Severity.LOW,
    scope="chart",
    anchors=("Helm best practices",),
)
def check(chart: ChartSource, ctx: CheckContext):
    for rel in chart.templates:
        if not rel.endswith(TEMPLATE_SUFFIXES):
            continue
        text = chart.read(rel)
        if not text or "namespace:" not in text:
            continue
        lines = text.splitlines()
        for index, line in enumerate(lines):
            match = _NAMESPACE.match(line)
            if not match:
                continue
            value = _literal(match.group("value"))
            if value is None or _parent_key(lines, index, len(match.group("indent"))) != "metadata":
                continue
            if value in SYSTEM_NAMESPACES and _document_kind(lines, index) in SYSTEM_RBAC_KINDS:
                continue
            yield Hit(
                f'metadata.namespace is the literal "{value}"; use {{{{ .Release.Namespace }}}} or leave it out',
                file=rel,
                line=index + 1,
            )
