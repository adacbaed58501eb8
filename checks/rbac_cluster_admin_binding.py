"""rbac-cluster-admin-binding: nothing is bound to cluster-admin or an all-wildcard role.

What it does: flags RoleBindings and ClusterRoleBindings whose roleRef is the `cluster-admin` ClusterRole or a Role/ClusterRole of the same release with an all-wildcard rule (`*` api groups, resources and verbs), and subjects that name the `system:masters` group. It looks across the whole rendered chart or manifest file; roles defined elsewhere are only known by name (`cluster-admin`).
Why it matters: cluster-admin (and any `*/*/*` role) can do anything, including reading every secret and rewriting RBAC; `system:masters` bypasses authorization entirely and cannot be revoked by removing bindings. A compromised pod bound this way owns the cluster.
Example: a ClusterRoleBinding of ClusterRole `cluster-admin` to the chart's ServiceAccount.
Fix: write a Role or ClusterRole with only the permissions the component uses and bind that instead.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import Release, join_path
from checks._rbac import BINDING_KINDS, ROLE_KINDS, describe, is_all_wildcard, policy_rules, role_ref, subject_text, subjects
from checks._registry import CheckContext, Hit, register


def _wildcard_roles(release: Release) -> dict[tuple[str, str], list]:
    """(kind, name) -> namespaces of the release's roles that grant `*` on `*` in `*`."""
    found: dict[tuple[str, str], list] = {}
    for role in release.of_kind(*ROLE_KINDS):
        if any(is_all_wildcard(rule) for rule in policy_rules(role)):
            found.setdefault((role.kind, role.name), []).append(role.namespace)
    return found


def _who(binding) -> str:
    names = [subject_text(subject) for _, subject in subjects(binding)]
    if not names:
        return "no subjects"
    return names[0] if len(names) == 1 else f"{names[0]} and {len(names) - 1} more"


@register(
    id="rbac-cluster-admin-binding",
    category="rbac",
    severity=Severity.CRITICAL,
    scope="release",
    anchors=(
        "kube-linter cluster-admin-role-binding",
        "Polaris clusterrolebindingClusterAdmin",
        "Polaris rolebindingClusterAdminClusterRole",
        "Trivy KSV111",
        "Trivy KSV123",
        "Kubescape C-0185",
        "Kubescape C-0035",
        "Kubescape C-0246",
    ),
)
def check(release: Release, ctx: CheckContext):
    wildcard = _wildcard_roles(release)
    for binding in release.of_kind(*BINDING_KINDS):
        kind, name = role_ref(binding)
        if kind == "ClusterRole" and name == "cluster-admin":
            yield Hit(f"{describe(binding)} grants cluster-admin to {_who(binding)}", join_path("roleRef", "name"), obj=binding)
        elif (kind, name) in wildcard:
            namespaces = wildcard[(kind, name)]
            if kind == "ClusterRole" or "" in namespaces or binding.namespace in namespaces or not binding.namespace:
                yield Hit(
                    f'{describe(binding)} grants {kind} "{name}", which allows "*" on everything, to {_who(binding)}',
                    join_path("roleRef", "name"),
                    obj=binding,
                )
        for index, subject in subjects(binding):
            if subject.get("kind") == "Group" and subject.get("name") == "system:masters":
                yield Hit(f'{describe(binding)} binds the "system:masters" group', join_path("subjects", index, "name"), obj=binding)
