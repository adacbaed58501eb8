"""container-privileged: containers do not run privileged.

What it does: flags containers whose securityContext sets `privileged: true`.
Why it matters: a privileged container has every capability and all host devices; escaping it is trivial, so one bug becomes root on the node.
Example: `securityContext: {privileged: true}` on a web server container.
Fix: set `securityContext.privileged: false` (or remove the key) and add only the specific capability the process needs.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import WORKLOAD_KINDS, K8sObject
from checks._registry import CheckContext, Hit, register


@register(
    id="container-privileged",
    category="security",
    severity=Severity.CRITICAL,
    kinds=WORKLOAD_KINDS,
    anchors=("kube-linter privileged-container", "Polaris runAsPrivileged", "Checkov CKV_K8S_16", "Trivy KSV017", "Kubescape C-0057", "PSS Baseline: Privileged Containers"),
    fix="securityContext.privileged",
)
def check(obj: K8sObject, ctx: CheckContext):
    for container in obj.containers(ephemeral=True):
        if container.get("securityContext", "privileged") is True:
            yield Hit(f'container "{container.name}" runs privileged', container.at("securityContext", "privileged"))
