"""chart-maintainers: charts list their maintainers correctly.

What it does: flags a Chart.yaml without `maintainers`, maintainer entries that are empty or have no `name`, invalid `email` or `url` values, and a chart marked `deprecated: true` that still lists maintainers.
Why it matters: maintainers are who users and chart repositories contact about bugs and security fixes; `helm lint` fails on broken entries, and chart-testing requires deprecated charts to drop their maintainers.
Example: `maintainers: [{email: "ops@example"}]` (no name, and an address without a domain).
Fix: add a `maintainers:` list to Chart.yaml whose entries each have `name` and optionally a valid `email` and `url`, or remove the list from a deprecated chart.
"""

from __future__ import annotations

from bot.chart import ChartSource
from bot.findings import Severity
from checks._chartmeta import chart_yaml, is_email, is_url
from checks._registry import CheckContext, Hit, register


@register(
    id="chart-maintainers",
    category="chart-quality",
    severity=Severity.MEDIUM,
    scope="chart",
    anchors=("helm lint validateChartMaintainer", "chart-testing validate-maintainers"),
)
def check(chart: ChartSource, ctx: CheckContext):
    meta = chart_yaml(chart)
    if not meta.ok:
        return
    maintainers = meta.get("maintainers")
    line = meta.line("maintainers")
    if meta.get("deprecated") is True:
        if maintainers:
            yield Hit("deprecated chart still lists maintainers", file="Chart.yaml", line=line)
        return
    if not maintainers:
        yield Hit("chart has no maintainers" if line is None else "maintainers list is empty", file="Chart.yaml", line=line)
        return
    if not isinstance(maintainers, list):  # a wrong type is chart-yaml-valid's finding
        return
    for index, entry in enumerate(maintainers):
        at = meta.line("maintainers", index) or line
        if not isinstance(entry, dict) or not entry:
            yield Hit(f"maintainer entry {index + 1} is empty or not a mapping", file="Chart.yaml", line=at)
            continue
        name = entry.get("name")
        if name is None or name == "":
            yield Hit(f"maintainer entry {index + 1} has no name", file="Chart.yaml", line=at)
            who = f"entry {index + 1}"
        else:
            who = f'"{name}"'
        email, url = entry.get("email"), entry.get("url")
        if email not in (None, "") and not is_email(email):
            yield Hit(f'maintainer {who} has an invalid email "{email}"', file="Chart.yaml", line=meta.line("maintainers", index, "email") or at)
        if url not in (None, "") and not is_url(url):
            yield Hit(f'maintainer {who} has an invalid url "{url}"', file="Chart.yaml", line=meta.line("maintainers", index, "url") or at)
