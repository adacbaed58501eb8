"""rbac-secrets-access: roles do not read every secret.

What it does: flags Role and ClusterRole rules that allow `get`, `list` or `watch` (or `*`) on core `secrets` without narrowing them with `resourceNames`.
Why it matters: secrets hold service-account tokens, TLS keys and passwords; whoever runs as this role (or steals its token) reads all of them in the namespace, or in the whole cluster for a ClusterRole.
Example: `{apiGroups: [""], resources: ["secrets"], verbs: ["get", "list", "watch"]}`.
Fix: list only the secrets the component needs under `resourceNames`, or mount them into the pod instead of reading them through the API.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import K8sObject
from checks._rbac import ROLE_KINDS, describe, policy_rules
from checks._registry import CheckContext, Hit, register

READ_VERBS = ("get", "list", "watch")


@register(
    id="rbac-secrets-access",
    category="rbac",
    severity=Severity.HIGH,
    kinds=ROLE_KINDS,
    anchors=("kube-linter access-to-secrets", "Checkov CKV2_K8S_5", "Trivy KSV041", "Trivy KSV113", "Kubescape C-0186", "Kubescape C-0015"),
)
def check(obj: K8sObject, ctx: CheckContext):
    for rule in policy_rules(obj):
        if rule.resource_names:
            continue
        grant = rule.grant(READ_VERBS, {"secrets": ("",)})
        if grant:
            yield Hit(f"{describe(obj)} can read every secret ({grant.verbs_text} on secrets, no resourceNames)", grant.path)
