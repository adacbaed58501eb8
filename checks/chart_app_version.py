"""chart-app-version: application charts state their appVersion as a string.

What it does: flags an application chart whose Chart.yaml has no `appVersion` (or an empty one), and an `appVersion` that is not a string, such as an unquoted number.
Why it matters: `appVersion` is what `helm list` and Artifact Hub show and what the usual `image.tag | default .Chart.AppVersion` falls back to; YAML turns an unquoted `1.10` into `1.1`, so the wrong image gets deployed.
Example: `appVersion: 1.10` in Chart.yaml.
Fix: add `appVersion` to Chart.yaml as a quoted string, e.g. `appVersion: "1.10"`.
"""

from __future__ import annotations

from bot.chart import ChartSource
from bot.findings import Severity
from checks._chartmeta import chart_yaml, unquoted_scalar_problem
from checks._registry import CheckContext, Hit, register


@register(
    id="chart-app-version",
    category="chart-quality",
    severity=Severity.LOW,
    scope="chart",
    anchors=("helm lint validateChartAppVersionType",),
)
def check(chart: ChartSource, ctx: CheckContext):
    meta = chart_yaml(chart)
    if not meta.ok:
        return
    value = meta.get("appVersion")
    line = meta.line("appVersion")
    if value is None or value == "":
        if not meta.is_library:
            yield Hit("chart has no appVersion" if line is None else "appVersion is empty", file="Chart.yaml", line=line)
        return
    problem = unquoted_scalar_problem("appVersion", meta.value_node("appVersion"), value)
    if problem:
        yield Hit(problem, file="Chart.yaml", line=line)
