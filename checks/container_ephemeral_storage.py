"""container-ephemeral-storage: containers request and limit ephemeral storage.

What it does: flags containers (init containers included; `helm test` hooks are skipped) without `resources.requests.ephemeral-storage` or without `resources.limits.ephemeral-storage`.
Why it matters: logs, caches and emptyDir volumes fill the node's disk; without a limit one pod can trigger disk-pressure eviction of every pod on the node, and without a request the scheduler ignores its disk use.
Example: `resources: {requests: {cpu: 100m, memory: 128Mi}}` with no `ephemeral-storage`.
Fix: set `resources.requests.ephemeral-storage` and `resources.limits.ephemeral-storage` in values.yaml (for example `1Gi` and `2Gi`).
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import WORKLOAD_KINDS, K8sObject
from checks._registry import CheckContext, Hit, register
from checks._reliability import bool_option, is_test_hook, resource_hits

RULE = "container-ephemeral-storage"


@register(
    id=RULE,
    category="resources",
    severity=Severity.LOW,
    kinds=WORKLOAD_KINDS,
    anchors=(
        "kube-score container-ephemeral-storage-request-and-limit",
        "kube-score container-ephemeral-storage-request-equals-limit",
    ),
    fix="resources.limits.ephemeral-storage",
)
def check(obj: K8sObject, ctx: CheckContext):
    equal = bool_option(ctx, RULE, "requireEqualRequest", False)
    if is_test_hook(obj):
        return
    for container in obj.containers():
        for message, path in resource_hits(
            container, "ephemeral-storage", "ephemeral-storage", request=True, limit=True, equal=equal
        ):
            yield Hit(message, path)
