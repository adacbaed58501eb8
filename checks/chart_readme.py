"""chart-readme: charts ship a README.md.

What it does: flags a chart folder without README.md.
Why it matters: the README is what chart repositories and Artifact Hub show; without it users guess at values and upgrade notes.
Example: a chart with only Chart.yaml, values.yaml and templates/.
Fix: add README.md describing the chart, its values and how to install it (helm-docs can generate the values table).
"""

from __future__ import annotations

from bot.chart import ChartSource
from bot.findings import Severity
from checks._registry import CheckContext, Hit, register


@register(id="chart-readme", category="chart-quality", severity=Severity.LOW, scope="chart", anchors=("Helm best practices",))
def check(chart: ChartSource, ctx: CheckContext):
    if not any(chart.exists(name) for name in ("README.md", "README.markdown", "README")):
        yield Hit("chart has no README.md", file="Chart.yaml", line=None)
