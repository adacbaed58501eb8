"""container-cpu-request: containers request CPU.

What it does: flags containers without `resources.requests.cpu`.
Why it matters: the scheduler places pods by their requests; without one the pod may land on a full node and be starved or evicted first.
Example: a container with `resources: {}`.
Fix: set `resources.requests.cpu` in values.yaml (for example `100m`) from measured usage.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import WORKLOAD_KINDS, K8sObject
from checks._registry import CheckContext, Hit, register


@register(
    id="container-cpu-request",
    category="resources",
    severity=Severity.MEDIUM,
    kinds=WORKLOAD_KINDS,
    anchors=("kube-linter unset-cpu-requirements", "Polaris cpuRequestsMissing", "kube-score container-resources", "Checkov CKV_K8S_10", "Trivy KSV015"),
    fix="resources.requests.cpu",
)
def check(obj: K8sObject, ctx: CheckContext):
    for container in obj.containers():
        if container.get("resources", "requests", "cpu") in (None, ""):
            yield Hit(f'container "{container.name}" has no CPU request', container.at("resources", "requests", "cpu"))
