"""chart-kube-version-constraint: Chart.yaml declares the Kubernetes versions it supports.

What it does: flags an application chart without `kubeVersion` in Chart.yaml, a `kubeVersion` that is not a quoted string, and one that is not a valid SemVer constraint.
Why it matters: helm refuses to install a chart on a cluster outside its `kubeVersion` range instead of failing half-way on a removed API, and the constraint tells reviewers (and the deprecation rules) which API versions the chart must support.
Example: a chart using `autoscaling/v2` and `policy/v1` with no `kubeVersion`, or `kubeVersion: 1.20` (YAML reads the number 1.2).
Fix: add a quoted constraint such as `kubeVersion: ">=1.25.0-0"` to Chart.yaml (the `-0` lets pre-release and cloud-vendor versions like 1.29.1-eks match).
"""

from __future__ import annotations

from bot.chart import ChartSource
from bot.findings import Severity
from checks._chartmeta import chart_yaml, is_version_constraint, node_type, unquoted_scalar_problem
from checks._registry import CheckContext, Hit, register


@register(
    id="chart-kube-version-constraint",
    category="chart-quality",
    severity=Severity.LOW,
    scope="chart",
    anchors=("chart-testing chart_schema.yaml kubeVersion",),
)
def check(chart: ChartSource, ctx: CheckContext):
    meta = chart_yaml(chart)
    if not meta.ok or meta.is_library:
        return
    value = meta.get("kubeVersion")
    line = meta.line("kubeVersion")
    node = meta.value_node("kubeVersion")
    if value is None or value == "":
        yield Hit("chart has no kubeVersion constraint" if line is None else "kubeVersion is empty", file="Chart.yaml", line=line)
        return
    if node_type(node) in ("list", "mapping"):
        yield Hit(f"kubeVersion is a {node_type(node)}, not a version constraint", file="Chart.yaml", line=line)
        return
    problem = unquoted_scalar_problem("kubeVersion", node, value)
    if problem:
        yield Hit(problem, file="Chart.yaml", line=line)
    elif not is_version_constraint(value):
        yield Hit(f'kubeVersion "{value}" is not a valid version constraint', file="Chart.yaml", line=line)
