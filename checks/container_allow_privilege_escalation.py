"""container-allow-privilege-escalation: containers forbid privilege escalation.

What it does: flags containers whose securityContext does not set `allowPrivilegeEscalation: false`, and containers where escalation is implied by `privileged: true` or an added `SYS_ADMIN` (or `ALL`) capability. Pods pinned to Windows nodes are skipped.
Why it matters: with escalation allowed, a setuid binary or file capability inside the image lets a process gain more privileges than it started with (no_new_privs is not set), turning a foothold into root in the container.
Example: a container with `securityContext: {runAsNonRoot: true}` and no `allowPrivilegeEscalation` key.
Fix: set `securityContext.allowPrivilegeEscalation: false` on every container (the chart's `securityContext` values block), and drop `privileged` and `SYS_ADMIN` where they are set.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import WORKLOAD_KINDS, K8sObject
from checks._registry import CheckContext, Hit, register
from checks._security import capability_items, container_context, is_windows


@register(
    id="container-allow-privilege-escalation",
    category="security",
    severity=Severity.HIGH,
    kinds=WORKLOAD_KINDS,
    anchors=(
        "kube-linter privilege-escalation-container",
        "Polaris privilegeEscalationAllowed",
        "Checkov CKV_K8S_20",
        "Trivy KSV001",
        "Kubescape C-0016",
        "Kubescape C-0197",
        "PSS Restricted: Privilege Escalation",
    ),
    fix="securityContext.allowPrivilegeEscalation",
)
def check(obj: K8sObject, ctx: CheckContext):
    if is_windows(obj):
        return
    for container in obj.containers(ephemeral=True):
        context = container_context(container)
        if context.get("privileged") is True:
            yield Hit(
                f'container "{container.name}" allows privilege escalation (privileged: true)',
                container.at("securityContext", "privileged"),
            )
            continue
        implied = next(((name, path) for name, path in capability_items(container, "add") if name in ("SYS_ADMIN", "ALL")), None)
        if implied is not None:
            yield Hit(f'container "{container.name}" allows privilege escalation (adds capability "{implied[0]}")', implied[1])
            continue
        value = context.get("allowPrivilegeEscalation")
        path = container.at("securityContext", "allowPrivilegeEscalation")
        if value is True:
            yield Hit(f'container "{container.name}" sets allowPrivilegeEscalation: true', path)
        elif value is not False:
            yield Hit(f'container "{container.name}" does not set allowPrivilegeEscalation: false', path)
