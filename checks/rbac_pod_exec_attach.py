"""rbac-pod-exec-attach: roles do not open shells into pods.

What it does: flags Role and ClusterRole rules that allow `create` or `get` (or `*`) on `pods/exec`, `pods/attach` or `pods/portforward` (also through `*/exec` and the like).
Why it matters: exec and attach give an interactive shell in any pod the role reaches, with that pod's service-account token, secrets and network access; port-forward tunnels past NetworkPolicies.
Example: `{apiGroups: [""], resources: ["pods/exec"], verbs: ["create"]}` in a CI or debugging role.
Fix: remove the subresources from the role; grant debugging access to people through a separate, audited, time-limited role rather than to a workload.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import K8sObject
from checks._rbac import ROLE_KINDS, describe, policy_rules
from checks._registry import CheckContext, Hit, register

VERBS = ("create", "get")
SUBRESOURCES = {"pods/exec": ("",), "pods/attach": ("",), "pods/portforward": ("",)}


@register(
    id="rbac-pod-exec-attach",
    category="rbac",
    severity=Severity.HIGH,
    kinds=ROLE_KINDS,
    anchors=(
        "Polaris clusterrolePodExecAttach",
        "Polaris rolePodExecAttach",
        "Polaris clusterrolebindingPodExecAttach",
        "Polaris rolebindingClusterRolePodExecAttach",
        "Polaris rolebindingRolePodExecAttach",
        "Checkov CKV2_K8S_2",
        "Trivy KSV053",
        "Trivy KSV054",
        "Kubescape C-0002",
        "Kubescape C-0063",
    ),
)
def check(obj: K8sObject, ctx: CheckContext):
    for rule in policy_rules(obj):
        grant = rule.grant(VERBS, SUBRESOURCES)
        if grant:
            yield Hit(f"{describe(obj)} can reach into running pods ({grant.verbs_text} on {grant.resources_text})", grant.path)
