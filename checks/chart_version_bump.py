"""chart-version-bump: a changed chart bumps its version.

What it does: compares Chart.yaml `version` with the version on the target branch and flags a version that is not higher. The target branch's version comes from the `baseVersion` option (`checks.options.chart-version-bump.baseVersion`, a version string or a map of chart name to version), which the pull-request flow fills in for charts whose files changed; without it the rule says nothing. Opt-in.
Why it matters: chart repositories and OCI registries key releases by version; a changed chart published under an old version either fails to publish or silently replaces what users already installed.
Example: a PR edits templates/deployment.yaml but Chart.yaml still says `version: 1.4.2`, as on main.
Fix: increment `version` in Chart.yaml (patch for fixes, minor for new values, major for breaking changes).
"""

from __future__ import annotations

from bot.chart import ChartSource
from bot.findings import Severity
from checks._chartmeta import chart_yaml, parse_version
from checks._registry import CheckContext, Hit, register

RULE = "chart-version-bump"


def base_version(chart: ChartSource, name: str, ctx: CheckContext):
    option = ctx.option(RULE, "baseVersion", None)
    if isinstance(option, dict):
        for key in (name, chart.display, chart.root.name):
            if key in option:
                option = option[key]
                break
        else:
            return None
    if isinstance(option, (int, float)) and not isinstance(option, bool):
        option = str(option)
    return option if isinstance(option, str) and option.strip() else None


@register(
    id=RULE,
    category="chart-quality",
    severity=Severity.HIGH,
    scope="chart",
    enabled=False,
    anchors=("chart-testing check-version-increment",),
)
def check(chart: ChartSource, ctx: CheckContext):
    meta = chart_yaml(chart)
    if not meta.ok:
        return
    name = meta.get("name")
    base_text = base_version(chart, name if isinstance(name, str) else chart.root.name, ctx)
    if base_text is None:
        return
    base = parse_version(base_text)
    current_text = meta.get("version")
    current = parse_version(current_text)
    if base is None or current is None:  # an invalid version is chart-version-semver's finding
        return
    line = meta.line("version")
    if current.key() == base.key():
        yield Hit(f'version "{current_text}" is the same as on the target branch; bump it', file="Chart.yaml", line=line)
    elif current.key() < base.key():
        yield Hit(f'version "{current_text}" is lower than "{base_text}" on the target branch; bump it above', file="Chart.yaml", line=line)
