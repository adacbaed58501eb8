"""container-run-as-non-root: containers cannot run as root.

What it does: flags containers that run as UID 0 (`runAsUser: 0`), that set `runAsNonRoot: false`, or for which neither the container nor the pod securityContext sets `runAsNonRoot: true`; a non-zero `runAsUser` is accepted instead unless the option `strict` is true (PSS Restricted wants both). Also flags root groups: `runAsGroup: 0`, and a pod-level `fsGroup: 0` or `supplementalGroups` containing 0. Pod-level values count for every container that does not override them. Pods with `hostUsers: false` run in their own user namespace (their root is not root on the node) and are skipped.
Why it matters: root in a container is root on the node's kernel; one escape, or one writable hostPath, and the attacker owns the node. `runAsNonRoot: true` makes the kubelet refuse to start a container whose image would run as root.
Example: a Deployment with no `securityContext`, so the image's `USER` (root for most base images) decides.
Fix: set `podSecurityContext.runAsNonRoot: true` with a non-zero `runAsUser` and `runAsGroup` in values.yaml, and make sure the image has a numeric non-root USER or the pod will not start.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import WORKLOAD_KINDS, K8sObject
from checks._registry import CheckContext, Hit, register
from checks._security import as_int, effective, label, missing_path, pod_context, user_namespaced

RULE_ID = "container-run-as-non-root"


@register(
    id=RULE_ID,
    category="security",
    severity=Severity.HIGH,
    kinds=WORKLOAD_KINDS,
    anchors=(
        "kube-linter run-as-non-root",
        "Polaris runAsRootAllowed",
        "Checkov CKV_K8S_23",
        "Trivy KSV012",
        "Trivy KSV105",
        "Trivy KSV116",
        "Kubescape C-0013",
        "Kubescape C-0198",
        "PSS Restricted: Running as Non-root",
        "PSS Restricted: Running as Non-root user",
    ),
    fix="podSecurityContext.runAsNonRoot",
)
def check(obj: K8sObject, ctx: CheckContext):
    if obj.pod_spec is None or user_namespaced(obj):
        return
    strict = ctx.option(RULE_ID, "strict", False) is True
    for container in obj.containers():
        name = container.name
        user, user_path = effective(obj, container, "runAsUser")
        non_root, non_root_path = effective(obj, container, "runAsNonRoot")
        uid = as_int(user)
        if uid == 0:
            yield Hit(f'container "{name}" runs as root (runAsUser: 0)', user_path)
        elif non_root is True or (uid is not None and uid > 0 and not strict):
            pass
        elif non_root is False:
            where = "sets" if non_root_path.startswith(container.path) else "inherits"
            suffix = "" if where == "sets" else " from the pod"
            yield Hit(f'container "{name}" {where} runAsNonRoot: false{suffix}', non_root_path)
        else:
            yield Hit(f'container "{name}" does not set runAsNonRoot: true', missing_path(obj, container, "runAsNonRoot"))
        group, group_path = effective(obj, container, "runAsGroup")
        if as_int(group) == 0:
            yield Hit(f'container "{name}" runs with the root group (runAsGroup: 0)', group_path)
    pod = pod_context(obj)
    if as_int(pod.get("fsGroup")) == 0:
        yield Hit(f"{label(obj)} sets the root group as fsGroup (fsGroup: 0)", obj.pod_at("securityContext", "fsGroup"))
    groups = pod.get("supplementalGroups")
    if isinstance(groups, list):
        for index, group in enumerate(groups):
            if as_int(group) == 0:
                yield Hit(
                    f"{label(obj)} adds the root group to supplementalGroups (0)",
                    obj.pod_at("securityContext", "supplementalGroups", index),
                )
