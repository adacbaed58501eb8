"""chart-metadata-icon-urls: Chart.yaml has a description, an icon and valid URLs.

What it does: flags a Chart.yaml without `description` or `icon`, and `icon`, `home` or `sources` entries that are not absolute URLs. Invalid URLs are reported at low severity because `helm lint` fails on them; missing fields are informational.
Why it matters: chart repositories and Artifact Hub show the description and icon in search results, and link home and sources; broken URLs make `helm lint` (and so chart-testing) fail.
Example: `icon: logo.png` (a relative path) and no `description`.
Fix: add a one-line `description`, and set `icon`, `home` and `sources` to absolute https URLs.
"""

from __future__ import annotations

from bot.chart import ChartSource
from bot.findings import Severity
from checks._chartmeta import chart_yaml, is_url
from checks._registry import CheckContext, Hit, register


@register(
    id="chart-metadata-icon-urls",
    category="chart-quality",
    severity=Severity.INFO,
    scope="chart",
    anchors=("helm lint validateChartIconPresence", "helm lint validateChartIconURL", "helm lint validateChartSources", "chart-testing chart_schema.yaml"),
)
def check(chart: ChartSource, ctx: CheckContext):
    meta = chart_yaml(chart)
    if not meta.ok:
        return
    description = meta.get("description")
    if not isinstance(description, str) or not description.strip():
        line = meta.line("description")
        yield Hit("chart has no description" if line is None else "description is empty", file="Chart.yaml", line=line)
    for key in ("icon", "home"):
        value = meta.get(key)
        if value is None or value == "":
            if key == "icon" and not meta.is_library:
                line = meta.line("icon")
                yield Hit("chart has no icon" if line is None else "icon is empty", file="Chart.yaml", line=line)
        elif not is_url(value):
            yield Hit(f'{key} "{value}" is not a valid URL', file="Chart.yaml", line=meta.line(key), severity=Severity.LOW)
    sources = meta.get("sources")
    if isinstance(sources, list):
        for index, source in enumerate(sources):
            if not is_url(source):
                yield Hit(f'source "{source}" is not a valid URL', file="Chart.yaml", line=meta.line("sources", index), severity=Severity.LOW)
