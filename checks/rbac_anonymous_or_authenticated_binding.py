"""rbac-anonymous-or-authenticated-binding: bindings do not grant rights to anonymous or all users.

What it does: flags RoleBinding and ClusterRoleBinding subjects named `system:anonymous`, `system:unauthenticated` or `system:authenticated`. Bindings to the built-in discovery roles (`system:discovery`, `system:basic-user`, `system:public-info-viewer`), which Kubernetes itself grants to these groups, pass.
Why it matters: `system:anonymous` and `system:unauthenticated` are every request without credentials; `system:authenticated` is every user and every service account of every namespace. A role bound to them is effectively public.
Example: a ClusterRoleBinding of a read-only ClusterRole to group `system:authenticated` so a dashboard "just works".
Fix: bind the role to the specific ServiceAccount, user or group that needs it.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import K8sObject, join_path
from checks._rbac import BINDING_KINDS, describe, role_ref, subjects
from checks._registry import CheckContext, Hit, register

WHO = {
    "system:anonymous": "unauthenticated requests",
    "system:unauthenticated": "unauthenticated requests",
    "system:authenticated": "every user and service account",
}
BUILT_IN_ROLES = frozenset({"system:discovery", "system:basic-user", "system:public-info-viewer"})


@register(
    id="rbac-anonymous-or-authenticated-binding",
    category="rbac",
    severity=Severity.CRITICAL,
    kinds=BINDING_KINDS,
    anchors=("Trivy KSV122", "Trivy KSV01011", "Kubescape C-0262", "Kubescape C-0265"),
)
def check(obj: K8sObject, ctx: CheckContext):
    ref_kind, ref_name = role_ref(obj)
    if ref_kind == "ClusterRole" and ref_name in BUILT_IN_ROLES:
        return
    for index, subject in subjects(obj):
        name = subject.get("name")
        if isinstance(name, str) and name in WHO:
            role = f'{ref_kind or "role"} "{ref_name}"'
            yield Hit(f'{describe(obj)} grants {role} to "{name}" ({WHO[name]})', join_path("subjects", index, "name"))
