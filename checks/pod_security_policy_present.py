"""pod-security-policy-present: no PodSecurityPolicy objects.

What it does: flags every PodSecurityPolicy, whatever its apiVersion: high when the target Kubernetes version is 1.25 or later (the API is gone), medium before that (deprecated since 1.21).
Why it matters: PodSecurityPolicy was removed in Kubernetes 1.25; a chart that renders one fails to install there, and on older clusters the policy stops protecting anything the day the cluster is upgraded.
Example: a chart with `podSecurityPolicy.enabled: true` rendering `policy/v1beta1` PodSecurityPolicy plus the Role that `use`s it.
Fix: delete the PodSecurityPolicy (and the RBAC that grants `use` on it) and enforce the same rules with Pod Security Admission labels (`pod-security.kubernetes.io/enforce: restricted`) on the namespace.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._deprecations import version_text
from checks._k8s import K8sObject
from checks._registry import CheckContext, Hit, register

REMOVED = (1, 25)


@register(
    id="pod-security-policy-present",
    category="deprecation",
    severity=Severity.HIGH,
    kinds=("PodSecurityPolicy",),
    anchors=(
        "Checkov CKV_K8S_1",
        "Checkov CKV_K8S_2",
        "Checkov CKV_K8S_3",
        "Checkov CKV_K8S_4",
        "Checkov CKV_K8S_5",
        "Checkov CKV_K8S_6",
        "Checkov CKV_K8S_7",
        "Checkov CKV_K8S_24",
        "Checkov CKV_K8S_32",
        "Checkov CKV_K8S_36",
        "Pluto policy/v1beta1 PodSecurityPolicy",
    ),
)
def check(obj: K8sObject, ctx: CheckContext):
    advice = "use Pod Security Admission namespace labels instead"
    if ctx.kube_version >= REMOVED:
        target = version_text(ctx.kube_version)
        yield Hit(f'PodSecurityPolicy "{obj.name}" cannot be created: the API was removed in Kubernetes 1.25 (target {target}); {advice}', "kind")
    else:
        yield Hit(
            f'PodSecurityPolicy "{obj.name}" is deprecated since Kubernetes 1.21 and removed in 1.25; {advice}',
            "kind",
            severity=Severity.MEDIUM,
        )
