"""container-memory-limit: containers set a memory limit.

What it does: flags containers (init containers included; `helm test` hooks are skipped) without `resources.limits.memory`; with the option `requireEqualRequest: true` it also flags a memory request that differs from the limit.
Why it matters: memory is not compressible; a container without a limit can grow until the node runs out and the kernel kills neighbours that did nothing wrong.
Example: `resources: {requests: {memory: 128Mi}}` with no `limits`.
Fix: set `resources.limits.memory` in values.yaml, at or a little above the request, from measured peak usage.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import WORKLOAD_KINDS, K8sObject
from checks._registry import CheckContext, Hit, register
from checks._reliability import bool_option, is_test_hook, resource_hits

RULE = "container-memory-limit"


@register(
    id=RULE,
    category="resources",
    severity=Severity.MEDIUM,
    kinds=WORKLOAD_KINDS,
    anchors=(
        "kube-linter unset-memory-requirements",
        "Polaris memoryLimitsMissing",
        "kube-score container-resources",
        "kube-score container-memory-requests-equal-limits",
        "Checkov CKV_K8S_13",
        "Trivy KSV018",
        "Kubescape C-0271",
        "Kubescape C-0004",
        "Kubescape C-0009",
    ),
    fix="resources.limits.memory",
)
def check(obj: K8sObject, ctx: CheckContext):
    equal = bool_option(ctx, RULE, "requireEqualRequest", False)
    if is_test_hook(obj):
        return
    for container in obj.containers():
        for message, path in resource_hits(container, "memory", "memory", request=False, limit=True, equal=equal):
            yield Hit(message, path)
