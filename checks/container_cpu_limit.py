"""container-cpu-limit: containers set a CPU limit (opt-in).

What it does: flags containers (init containers included; `helm test` hooks are skipped) without `resources.limits.cpu`; with the option `requireEqualRequest: true` it also flags a CPU request that differs from the limit. Off by default: enable it in `.chartwarden.yaml`.
Why it matters: one container without a CPU ceiling can take every spare core on its node; the practice is contested because limits also throttle bursts, hence opt-in and informational.
Example: `resources: {requests: {cpu: 100m}}` with no `limits.cpu`.
Fix: set `resources.limits.cpu` in values.yaml from measured peak usage, or leave this rule disabled if you rely on requests alone.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import WORKLOAD_KINDS, K8sObject
from checks._registry import CheckContext, Hit, register
from checks._reliability import bool_option, is_test_hook, resource_hits

RULE = "container-cpu-limit"


@register(
    id=RULE,
    category="resources",
    severity=Severity.INFO,
    kinds=WORKLOAD_KINDS,
    anchors=(
        "kube-linter unset-cpu-requirements",
        "Polaris cpuLimitsMissing",
        "kube-score container-resources",
        "kube-score container-cpu-requests-equal-limits",
        "Checkov CKV_K8S_11",
        "Trivy KSV011",
        "Kubescape C-0270",
        "Kubescape C-0050",
    ),
    enabled=False,
    fix="resources.limits.cpu",
)
def check(obj: K8sObject, ctx: CheckContext):
    equal = bool_option(ctx, RULE, "requireEqualRequest", False)
    if is_test_hook(obj):
        return
    for container in obj.containers():
        for message, path in resource_hits(container, "cpu", "CPU", request=False, limit=True, equal=equal):
            yield Hit(message, path)
