"""chart-helpers: charts keep shared snippets in prefixed helper templates.

What it does: flags a chart with templates but no helper file (`templates/_helpers.tpl` or another `_*.tpl` holding `define`s), `define`d template names not prefixed with the chart name, and rendered templates that write the standard labels (`app.kubernetes.io/name`, `app.kubernetes.io/instance`, `helm.sh/chart`, `app.kubernetes.io/managed-by`) inline instead of including a helper (reported once per file).
Why it matters: template names are global across a chart and all its subcharts, so an unprefixed `define "fullname"` silently collides with a subchart's; labels copied into every file drift apart, and a selector that drifts from its pod labels breaks upgrades.
Example: `{{- define "labels" -}}` in a chart named `web`, or `app.kubernetes.io/name: web` typed into deployment.yaml and service.yaml.
Fix: put shared snippets in `templates/_helpers.tpl`, name them `<chart>.<snippet>` (e.g. `define "web.labels"`), and use `{{- include "web.labels" . | nindent 4 }}` in the templates.
"""

from __future__ import annotations

import re

from bot.chart import ChartSource
from bot.findings import Severity
from checks._chartmeta import chart_yaml, is_partial, is_yaml_template, loaded_files
from checks._registry import CheckContext, Hit, register

_DEFINE = re.compile(r"\{\{-?\s*define\s+(?:\"(?P<dq>[^\"]*)\"|`(?P<bq>[^`]*)`)\s*-?\}\}")
_INLINE_LABEL = re.compile(r"^\s*(?:-\s+)?[\"']?(?P<key>app\.kubernetes\.io/(?:name|instance|managed-by)|helm\.sh/chart)[\"']?\s*:[ \t]*(?P<value>[^\n]*)", re.M)
_OWN_VALUE = re.compile(r"\.Release\.|\.Chart\.|\binclude\b|\btemplate\b")


@register(id="chart-helpers", category="chart-quality", severity=Severity.LOW, scope="chart", anchors=("Helm best practices",))
def check(chart: ChartSource, ctx: CheckContext):
    meta = chart_yaml(chart)
    if not meta.ok:
        return
    name = meta.get("name")
    if not isinstance(name, str) or not name:
        return
    templates = [f for f in loaded_files(chart) if f.startswith("templates/")]
    defines = []
    for rel in templates:
        if not rel.endswith((".tpl", ".yaml", ".yml", ".txt")):
            continue
        text = chart.read(rel) or ""
        for match in _DEFINE.finditer(text):
            defines.append((rel, text.count("\n", 0, match.start()) + 1, match["dq"] if match["dq"] is not None else match["bq"]))
    renders = [t for t in templates if not is_partial(t) and t != "templates/NOTES.txt"]
    if renders and not any(is_partial(rel) and rel.endswith(".tpl") for rel, _, _ in defines):
        yield Hit("chart has no templates/_helpers.tpl with shared helpers", file="Chart.yaml", line=None)
    prefix = name + "."
    for rel, line, define in defines:
        if not define.startswith(prefix):
            yield Hit(f'template "{define}" is not prefixed with the chart name ("{prefix}")', file=rel, line=line)
    for rel in renders:
        if not is_yaml_template(rel) or rel.startswith("templates/tests/"):
            continue
        text = chart.read(rel) or ""
        for match in _INLINE_LABEL.finditer(text):
            value = match["value"].strip().strip("\"'")
            # a selector for another application's pods (ingress-nginx, prometheus) is not duplication
            if _OWN_VALUE.search(value) or value in (name, "Helm"):
                line = text.count("\n", 0, match.start("key")) + 1
                yield Hit(f'label "{match["key"]}" is written inline; include a labels helper instead', file=rel, line=line)
                break
