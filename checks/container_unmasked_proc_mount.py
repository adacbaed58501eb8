"""container-unmasked-proc-mount: containers keep the masked /proc mount.

What it does: flags containers whose securityContext sets `procMount` to anything but `Default` (in practice `Unmasked`). From Kubernetes 1.35 pods with `hostUsers: false` are exempt, as in Pod Security Baseline.
Why it matters: the default /proc mount masks and makes read-only paths such as /proc/kcore, /proc/sys and /proc/sysrq-trigger; unmasked, a process can read kernel memory and change host kernel settings.
Example: `securityContext: {procMount: Unmasked}` on a container that builds images.
Fix: remove `securityContext.procMount` (or set it to `Default`); nested container builds should run in a user-namespaced pod (`hostUsers: false`).
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import WORKLOAD_KINDS, K8sObject
from checks._podsec import all_containers, at_least, container_security_context, uses_user_namespace
from checks._registry import CheckContext, Hit, register


@register(
    id="container-unmasked-proc-mount",
    category="security",
    severity=Severity.HIGH,
    kinds=WORKLOAD_KINDS,
    anchors=("kube-linter unsafe-proc-mount", "Polaris procMount", "Trivy KSV027", "PSS Baseline: /proc Mount Type"),
    fix="securityContext.procMount",
)
def check(obj: K8sObject, ctx: CheckContext):
    if uses_user_namespace(obj) and at_least(ctx, 1, 35):
        return
    for container in all_containers(obj):
        value = container_security_context(container).get("procMount")
        if isinstance(value, str) and value.strip() and value != "Default":
            yield Hit(f'container "{container.name}" sets procMount "{value}"', container.at("securityContext", "procMount"))
