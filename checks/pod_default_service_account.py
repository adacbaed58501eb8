"""pod-default-service-account: pods do not run as the namespace's default service account.

What it does: flags workloads whose pod names no `serviceAccountName` (or names `default`) unless the pod also sets `automountServiceAccountToken: false`, and RoleBindings/ClusterRoleBindings that grant a role to the `default` service account or to every service account (group `system:serviceaccounts` or `system:serviceaccounts:<namespace>`).
Why it matters: the default account is shared by every pod in the namespace that names no other, so any right granted to it (by this chart or another) reaches all of them, and audit logs cannot tell the workloads apart.
Example: `serviceAccount.create: false` with an empty `serviceAccount.name`, so the template renders `serviceAccountName: default`.
Fix: set `serviceAccount.create: true` and render `serviceAccountName: {{ include "<chart>.serviceAccountName" . }}`; bind roles to that dedicated account, never to `default`.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import WORKLOAD_KINDS, K8sObject, join_path
from checks._podsec import as_dict, as_list, owner, text
from checks._registry import CheckContext, Hit, register

BINDING_KINDS = frozenset({"RoleBinding", "ClusterRoleBinding"})
ALL_ACCOUNTS_GROUP = "system:serviceaccounts"


def _workload(obj: K8sObject):
    spec = obj.pod_spec
    if spec is None or spec.get("automountServiceAccountToken") is False:
        return
    name = text(spec.get("serviceAccountName"))
    field = "serviceAccountName"
    if name is None and text(spec.get("serviceAccount")):
        name, field = spec["serviceAccount"], "serviceAccount"
    if name is None:
        yield Hit(
            f'{owner(obj)} names no serviceAccountName, so it runs as the "default" service account',
            obj.pod_at("serviceAccountName"),
        )
    elif name.strip() == "default":
        yield Hit(f'{owner(obj)} runs as the "default" service account', obj.pod_at(field))


def _binding(obj: K8sObject):
    role = text(as_dict(obj.get("roleRef")).get("name")) or "?"
    for index, subject in enumerate(as_list(obj.get("subjects"))):
        subject = as_dict(subject)
        kind, name = subject.get("kind"), text(subject.get("name"))
        if name is None:
            continue
        if kind == "ServiceAccount" and name == "default":
            yield Hit(
                f'{owner(obj)} grants role "{role}" to the "default" service account',
                join_path("subjects", index, "name"),
            )
        elif kind == "Group" and (name == ALL_ACCOUNTS_GROUP or name.startswith(ALL_ACCOUNTS_GROUP + ":")):
            yield Hit(
                f'{owner(obj)} grants role "{role}" to every service account (group "{name}")',
                join_path("subjects", index, "name"),
            )


@register(
    id="pod-default-service-account",
    category="security",
    severity=Severity.MEDIUM,
    kinds=WORKLOAD_KINDS | BINDING_KINDS,
    anchors=("kube-linter default-service-account", "Checkov CKV_K8S_42", "Kubescape C-0189"),
    fix="serviceAccount.create",
)
def check(obj: K8sObject, ctx: CheckContext):
    if obj.kind in BINDING_KINDS:
        yield from _binding(obj)
    else:
        yield from _workload(obj)
