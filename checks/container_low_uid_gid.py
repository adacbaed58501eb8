"""container-low-uid-gid: containers run with a UID and GID of 10000 or more.

What it does: opt-in. Flags containers whose effective `runAsUser` or `runAsGroup` (container value, else the pod's) is below 10000 (option `min_id`), or is not set at all so the image decides. Pods pinned to Windows nodes, and pods with `hostUsers: false` (their IDs are remapped on the node), are skipped.
Why it matters: low IDs collide with real users and groups on the node (UID 1000 is often the first login user); after a container escape, or through a hostPath mount, the process acts with that host user's file permissions.
Example: `securityContext: {runAsUser: 1000, runAsGroup: 1000}`.
Fix: set `podSecurityContext.runAsUser` and `runAsGroup` to 10000 or more (for example 10001) and build the image with a matching numeric USER that owns the files it writes.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import WORKLOAD_KINDS, K8sObject
from checks._registry import CheckContext, Hit, register
from checks._security import as_int, effective, is_windows, missing_path, user_namespaced

RULE_ID = "container-low-uid-gid"
FIELDS = (("runAsUser", "UID"), ("runAsGroup", "GID"))


@register(
    id=RULE_ID,
    category="security",
    severity=Severity.LOW,
    kinds=WORKLOAD_KINDS,
    anchors=(
        "kube-score container-security-context-user-group-id",
        "Checkov CKV_K8S_40",
        "Trivy KSV020",
        "Trivy KSV021",
    ),
    enabled=False,
    fix="podSecurityContext.runAsUser",
)
def check(obj: K8sObject, ctx: CheckContext):
    if is_windows(obj) or user_namespaced(obj):
        return
    minimum = as_int(ctx.option(RULE_ID, "min_id", 10000))
    if minimum is None or minimum < 1:
        minimum = 10000
    for container in obj.containers():
        for field, what in FIELDS:
            value, path = effective(obj, container, field)
            number = as_int(value)
            if value is None:
                yield Hit(
                    f'container "{container.name}" does not set {field} (want a {what} of {minimum} or more)',
                    missing_path(obj, container, field),
                )
            elif number is not None and number < minimum:
                yield Hit(f'container "{container.name}" runs as {what} {number} (below {minimum})', path)
