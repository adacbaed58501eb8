"""pod-automount-sa-token: pods do not mount an API token they do not use.

What it does: for every workload, flags an API token that gets mounted: the pod sets `automountServiceAccountToken: true`, or leaves it unset while its ServiceAccount (when the chart renders it) does not set it to false. The finding sits on the ServiceAccount when the chart renders one (one finding per account), else on the pod. Workloads whose service account the chart binds to a Role or ClusterRole are skipped: they evidently call the API.
Why it matters: every process in the pod can read the mounted token; after a compromise the attacker holds whatever RBAC the account has, plus discovery access to the API server.
Example: the `helm create` scaffold's `serviceAccount.automount: true` with a web server that never talks to Kubernetes.
Fix: set `serviceAccount.automount: false` in values.yaml (or `automountServiceAccountToken: false` on the pod), and mount a projected token only into pods that need one.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import K8sObject, Release
from checks._podsec import as_dict, as_list, owner, service_account_name, text
from checks._registry import CheckContext, Hit, register

BINDING_KINDS = ("RoleBinding", "ClusterRoleBinding")


def bound_service_accounts(release: Release) -> set[str]:
    """Names of service accounts the chart's own (Cluster)RoleBindings grant rights to."""
    out: set[str] = set()
    for binding in release.of_kind(*BINDING_KINDS):
        for subject in as_list(binding.get("subjects")):
            subject = as_dict(subject)
            name = text(subject.get("name"))
            if subject.get("kind") == "ServiceAccount" and name:
                out.add(name)
    return out


def _value(flag) -> str:
    if flag is None:
        return "automountServiceAccountToken unset"
    return f"automountServiceAccountToken: {str(flag).lower() if isinstance(flag, bool) else flag}"


@register(
    id="pod-automount-sa-token",
    category="security",
    severity=Severity.LOW,
    scope="release",
    anchors=("Polaris automountServiceAccountToken", "Checkov CKV_K8S_38", "Checkov CKV_K8S_41", "Trivy KSV036", "Kubescape C-0034", "Kubescape C-0190", "Kubescape C-0261"),
    fix="serviceAccount.automount",
)
def check(release: Release, ctx: CheckContext):
    bound = bound_service_accounts(release)
    accounts = {sa.name: sa for sa in release.of_kind("ServiceAccount") if sa.name}
    via_account: dict[str, list[K8sObject]] = {}
    for obj in release.workloads:
        spec = obj.pod_spec
        if spec is None:
            continue
        account = service_account_name(obj) or "default"
        if account in bound:
            continue
        flag = spec.get("automountServiceAccountToken")
        if flag is False:
            continue
        if flag is True:
            yield Hit(
                f"{owner(obj)} mounts the API token of service account \"{account}\" ({_value(flag)})",
                obj.pod_at("automountServiceAccountToken"),
                obj=obj,
            )
            continue
        sa = accounts.get(account)
        if sa is None:
            yield Hit(
                f"{owner(obj)} mounts the API token of service account \"{account}\" ({_value(flag)})",
                obj.pod_at("automountServiceAccountToken"),
                obj=obj,
            )
        elif sa.get("automountServiceAccountToken") is not False:
            via_account.setdefault(account, []).append(obj)
    for account, users in via_account.items():
        sa = accounts[account]
        names = ", ".join(owner(obj) for obj in users)
        yield Hit(
            f'{owner(sa)} mounts its API token into {names} ({_value(sa.get("automountServiceAccountToken"))})',
            "automountServiceAccountToken",
            obj=sa,
        )
