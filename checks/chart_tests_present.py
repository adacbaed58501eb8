"""chart-tests-present: application charts ship a helm test.

What it does: flags an application chart with no test hook: nothing under `templates/tests/` and no template annotated `helm.sh/hook: test`.
Why it matters: `helm test` (and chart-testing's `ct install`) run these pods after an install to prove the release actually serves traffic; without one, a chart that installs but does not work passes CI.
Example: a chart with a Deployment and a Service but no templates/tests/test-connection.yaml.
Fix: add `templates/tests/test-connection.yaml`, a Pod annotated `"helm.sh/hook": test` that connects to the release's Service (as `helm create` scaffolds it).
"""

from __future__ import annotations

import re

from bot.chart import ChartSource
from bot.findings import Severity
from checks._chartmeta import chart_yaml
from checks._registry import CheckContext, Hit, register

_TEST_HOOK = re.compile(r"""helm\.sh/hook["']?\s*:\s*["']?[^\n]*\btest(?:-success)?\b""")


@register(id="chart-tests-present", category="chart-quality", severity=Severity.INFO, scope="chart", anchors=("chart-testing ct install (helm test)",))
def check(chart: ChartSource, ctx: CheckContext):
    meta = chart_yaml(chart)
    if meta.is_library:
        return
    templates = chart.templates
    if any(f.startswith("templates/tests/") for f in templates):
        return
    for rel in templates:
        if rel.endswith((".yaml", ".yml", ".tpl")) and _TEST_HOOK.search(chart.read(rel) or ""):
            return
    yield Hit("chart has no helm test (templates/tests/ or a helm.sh/hook: test template)", file="Chart.yaml", line=None)
