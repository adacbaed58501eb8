"""container-read-only-root-fs: containers run with a read-only root filesystem.

What it does: flags containers whose securityContext does not set `readOnlyRootFilesystem: true` (init containers included; pods pinned to Windows nodes are skipped).
Why it matters: a writable root filesystem lets an attacker drop tools, rewrite binaries or config, and persist inside the container; it also hides state that should live in a volume.
Example: a container with `securityContext: {readOnlyRootFilesystem: false}`, or with no securityContext at all.
Fix: set `securityContext.readOnlyRootFilesystem: true` and mount an `emptyDir` at each path the process must write (such as /tmp or a cache directory).
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import WORKLOAD_KINDS, K8sObject
from checks._registry import CheckContext, Hit, register
from checks._security import container_context, is_windows


@register(
    id="container-read-only-root-fs",
    category="security",
    severity=Severity.MEDIUM,
    kinds=WORKLOAD_KINDS,
    anchors=(
        "kube-linter no-read-only-root-fs",
        "Polaris notReadOnlyRootFilesystem",
        "kube-score container-security-context-readonlyrootfilesystem",
        "Checkov CKV_K8S_22",
        "Trivy KSV014",
        "Kubescape C-0017",
    ),
    fix="securityContext.readOnlyRootFilesystem",
)
def check(obj: K8sObject, ctx: CheckContext):
    if is_windows(obj):
        return
    for container in obj.containers():
        value = container_context(container).get("readOnlyRootFilesystem")
        path = container.at("securityContext", "readOnlyRootFilesystem")
        if value is False:
            yield Hit(f'container "{container.name}" sets readOnlyRootFilesystem: false', path)
        elif value is not True:
            yield Hit(f'container "{container.name}" does not set readOnlyRootFilesystem: true', path)
