"""rbac-privilege-escalation-paths: roles do not hold permissions that lead to more permissions.

What it does: flags Role and ClusterRole rules that grant a known escalation path: `bind`/`escalate` on roles or clusterroles, `impersonate` on users, groups, service accounts or uids, creating or changing (cluster)rolebindings, `create` on `serviceaccounts/token`, `nodes/proxy`, writing admission webhook configurations, or approving certificate signing requests. `bind`/`escalate` and webhook-configuration writes narrowed with `resourceNames` (delegating one named role; a component patching its own webhook's CA bundle) pass; `*` verbs count, `*` resources are left to rbac-wildcard.
Why it matters: each of these lets the role's holder give itself (or anyone) more rights than the role lists, up to cluster-admin: binding cluster-admin to itself, acting as another user, minting tokens, running commands through the kubelet, rewriting every API request, or issuing itself a client certificate.
Example: `{apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], verbs: ["escalate", "bind"]}`.
Fix: remove the permission, or narrow it with `resourceNames` to the exact roles the component must hand out or the webhook configuration it owns.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import K8sObject
from checks._rbac import RBAC_GROUP, ROLE_KINDS, describe, policy_rules
from checks._registry import CheckContext, Hit, register

WRITE = ("create", "update", "patch")
# (verbs, {resource: API groups}, what the holder can then do, whether resourceNames make it safe)
PATHS = (
    (("bind", "escalate"), {"roles": (RBAC_GROUP,), "clusterroles": (RBAC_GROUP,)}, "can grant permissions it does not hold", True),
    (
        ("impersonate",),
        {"users": ("",), "groups": ("",), "serviceaccounts": ("",), "uids": ("authentication.k8s.io",)},
        "can act as other users",
        False,
    ),
    (WRITE, {"rolebindings": (RBAC_GROUP,), "clusterrolebindings": (RBAC_GROUP,)}, "can bind roles to new subjects", False),
    (("create",), {"serviceaccounts/token": ("",)}, "can mint service-account tokens", False),
    (
        ("get", "list", "watch", "create", "update", "patch", "delete"),
        {"nodes/proxy": ("",)},
        "can run commands in pods through the kubelet API",
        False,
    ),
    (
        WRITE + ("delete",),
        {"mutatingwebhookconfigurations": ("admissionregistration.k8s.io",), "validatingwebhookconfigurations": ("admissionregistration.k8s.io",)},
        "can intercept or block API requests",
        True,
    ),
    (("update", "patch"), {"certificatesigningrequests/approval": ("certificates.k8s.io",)}, "can approve certificate requests", False),
    (("approve",), {"signers": ("certificates.k8s.io",)}, "can approve certificate requests", False),
)


@register(
    id="rbac-privilege-escalation-paths",
    category="rbac",
    severity=Severity.CRITICAL,
    kinds=ROLE_KINDS,
    anchors=(
        "Checkov CKV_K8S_155",
        "Checkov CKV_K8S_156",
        "Checkov CKV_K8S_157",
        "Checkov CKV_K8S_158",
        "Checkov CKV2_K8S_1",
        "Checkov CKV2_K8S_2",
        "Checkov CKV2_K8S_3",
        "Trivy KSV043",
        "Trivy KSV047",
        "Trivy KSV050",
        "Trivy KSV051",
        "Trivy KSV052",
        "Trivy KSV055",
        "Trivy KSV114",
        "Kubescape C-0191",
        "Kubescape C-0065",
        "Kubescape C-0279",
        "Kubescape C-0280",
        "Kubescape C-0281",
        "Kubescape C-0282",
    ),
)
def check(obj: K8sObject, ctx: CheckContext):
    for rule in policy_rules(obj):
        for verbs, resources, impact, names_make_safe in PATHS:
            if names_make_safe and rule.resource_names:
                continue
            grant = rule.grant(verbs, resources)
            if grant:
                yield Hit(f"{describe(obj)} {impact} ({grant.verbs_text} on {grant.resources_text})", grant.path)
