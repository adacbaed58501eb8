"""chart-api-version-v2: charts use Chart.yaml apiVersion v2.

What it does: flags a Chart.yaml without `apiVersion`, with a value other than v1/v2, or with the Helm 2 value `v1`; v2-only fields (`type`, `dependencies`) under v1; and a Helm 2 `requirements.yaml`.
Why it matters: `v1` is the Helm 2 chart layout; Helm 3 reads it with legacy rules (dependencies from requirements.yaml, no library charts), and `helm lint` rejects v2 fields in a v1 chart.
Example: `apiVersion: v1` with a requirements.yaml next to Chart.yaml.
Fix: set `apiVersion: v2` in Chart.yaml and move the entries of requirements.yaml into a `dependencies:` list there.
"""

from __future__ import annotations

from bot.chart import ChartSource
from bot.findings import Severity
from checks._chartmeta import chart_yaml
from checks._registry import CheckContext, Hit, register


@register(
    id="chart-api-version-v2",
    category="chart-quality",
    severity=Severity.MEDIUM,
    scope="chart",
    anchors=("helm lint validateChartAPIVersion", "helm lint validateChartType", "helm lint validateChartDependencies", "chart-testing validate-chart-schema"),
)
def check(chart: ChartSource, ctx: CheckContext):
    meta = chart_yaml(chart)
    if not meta.ok:
        return
    api = meta.get("apiVersion")
    if not meta.has("apiVersion") or api in (None, ""):
        yield Hit("chart has no apiVersion (helm reads it as v1); set apiVersion: v2", file="Chart.yaml", line=meta.line("apiVersion"))
    elif api not in ("v1", "v2"):
        yield Hit(f'apiVersion "{api}" is not valid; use v2', file="Chart.yaml", line=meta.line("apiVersion"))
    elif api == "v1":
        yield Hit("chart uses apiVersion v1 (Helm 2 layout); use v2", file="Chart.yaml", line=meta.line("apiVersion"))
        for key in ("type", "dependencies"):
            value = meta.get(key)
            if value not in (None, "", []):
                yield Hit(f'"{key}" is only valid with apiVersion v2, but the chart uses v1', file="Chart.yaml", line=meta.line(key))
    for name in ("requirements.yaml", "requirements.yml"):
        if chart.exists(name):
            yield Hit(f"dependencies are in {name} (Helm 2 layout); move them to Chart.yaml dependencies", file=name, line=None)
