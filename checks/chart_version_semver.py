"""chart-version-semver: the chart version is a strict SemVer 2 string.

What it does: flags a Chart.yaml whose `version` is missing, is not a string (an unquoted number), is not a SemVer helm accepts, or is not strict SemVer 2 (`MAJOR.MINOR.PATCH`, no `v` prefix).
Why it matters: helm refuses to package or install a chart without a valid version, and loose forms such as `1.0` or `v1.2.3` sort and compare differently in chart repositories and OCI registries.
Example: `version: 1.10` (YAML reads the number 1.1) or `version: v1.2`.
Fix: set `version` to a quoted strict SemVer such as `version: "1.10.0"`.
"""

from __future__ import annotations

from bot.chart import ChartSource
from bot.findings import Severity
from checks._chartmeta import chart_yaml, is_strict_semver, node_type, parse_version, unquoted_scalar_problem
from checks._registry import CheckContext, Hit, register


@register(
    id="chart-version-semver",
    category="chart-quality",
    severity=Severity.HIGH,
    scope="chart",
    anchors=("helm lint validateChartVersion", "helm lint validateChartVersionType", "helm lint validateChartVersionStrictSemVerV2"),
)
def check(chart: ChartSource, ctx: CheckContext):
    meta = chart_yaml(chart)
    if not meta.ok:
        return
    value = meta.get("version")
    line = meta.line("version")
    node = meta.value_node("version")
    if value is None or value == "":
        yield Hit("chart has no version", file="Chart.yaml", line=line)
        return
    if node_type(node) in ("list", "mapping"):
        yield Hit(f"version is a {node_type(node)}, not a string", file="Chart.yaml", line=line)
        return
    problem = unquoted_scalar_problem("version", node, value)
    if problem:
        yield Hit(problem, file="Chart.yaml", line=line)
        return
    text = str(value)
    if parse_version(text) is None:
        yield Hit(f'version "{text}" is not a valid SemVer', file="Chart.yaml", line=line)
    elif not is_strict_semver(text):
        yield Hit(f'version "{text}" is not strict SemVer 2 (MAJOR.MINOR.PATCH)', file="Chart.yaml", line=line)
