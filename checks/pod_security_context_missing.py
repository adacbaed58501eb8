"""pod-security-context-missing: workloads set a securityContext.

What it does: flags a workload whose pod `securityContext` is missing or empty and whose containers set none either (one finding on the pod); when the pod sets none but only some containers do, it flags each container left without one. A non-empty pod-level securityContext covers every container.
Why it matters: with no securityContext at all the container runs with the runtime's defaults: as the image's user (often root), with privilege escalation allowed, a writable root file system and no seccomp profile.
Example: the `helm create` scaffold with `podSecurityContext: {}` and `securityContext: {}` left empty in values.yaml.
Fix: fill `podSecurityContext` in values.yaml (for example `runAsNonRoot: true`, `seccompProfile: {type: RuntimeDefault}`) and `securityContext` (`allowPrivilegeEscalation: false`, `capabilities: {drop: [ALL]}`, `readOnlyRootFilesystem: true`).
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import WORKLOAD_KINDS, K8sObject
from checks._podsec import container_security_context, owner, pod_security_context
from checks._registry import CheckContext, Hit, register


@register(
    id="pod-security-context-missing",
    category="security",
    severity=Severity.MEDIUM,
    kinds=WORKLOAD_KINDS,
    anchors=("Polaris linuxHardening", "Checkov CKV_K8S_29", "Checkov CKV_K8S_30", "Trivy KSV118", "Kubescape C-0211", "Kubescape C-0055"),
    fix="podSecurityContext",
)
def check(obj: K8sObject, ctx: CheckContext):
    if obj.pod_spec is None or pod_security_context(obj):
        return
    containers = list(obj.containers(init=True))
    bare = [container for container in containers if not container_security_context(container)]
    if not bare:
        return
    if len(bare) == len(containers):
        yield Hit(f"{owner(obj)} sets no securityContext on the pod or any container", obj.pod_at("securityContext"))
        return
    for container in bare:
        yield Hit(
            f'container "{container.name}" has no securityContext and the pod sets none',
            container.at("securityContext"),
        )
