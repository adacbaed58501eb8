"""container-memory-request: containers request memory.

What it does: flags containers (init containers included; `helm test` hooks are skipped) without `resources.requests.memory`.
Why it matters: the scheduler places pods by their requests; a pod that requests no memory can land on a node that is already full and is among the first evicted under memory pressure.
Example: a container with `resources: {}`, or one that requests only CPU.
Fix: set `resources.requests.memory` in values.yaml (for example `128Mi`) from measured usage.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import WORKLOAD_KINDS, K8sObject
from checks._registry import CheckContext, Hit, register
from checks._reliability import is_test_hook, resource_hits


@register(
    id="container-memory-request",
    category="resources",
    severity=Severity.MEDIUM,
    kinds=WORKLOAD_KINDS,
    anchors=(
        "kube-linter unset-memory-requirements",
        "Polaris memoryRequestsMissing",
        "kube-score container-resources",
        "Checkov CKV_K8S_12",
        "Trivy KSV016",
        "Kubescape C-0269",
        "Kubescape C-0004",
    ),
    fix="resources.requests.memory",
)
def check(obj: K8sObject, ctx: CheckContext):
    if is_test_hook(obj):
        return
    for container in obj.containers():
        for message, path in resource_hits(container, "memory", "memory", request=True, limit=False, equal=False):
            yield Hit(message, path)
