"""service-account-not-found: pods run as a ServiceAccount the release creates.

What it does: flags a pod template whose `serviceAccountName` (or the deprecated `serviceAccount`) names a ServiceAccount that the release does not render in the same namespace. The name "default" is left to pod-default-service-account; ServiceAccounts listed under the rule's `external` option are trusted.
Why it matters: the API server accepts the workload, but its pods are never created ("error looking up service account"), so the rollout hangs until `helm --wait` times out; it usually means `serviceAccount.create` is false while `serviceAccount.name` still points at the chart's own account.
Example: `serviceAccountName: web` with `serviceAccount.create: false` in values.yaml.
Fix: set `serviceAccount.create: true` in values.yaml (or point `serviceAccount.name` at an account that exists), and list accounts created outside the chart under `options: {service-account-not-found: {external: [...]}}`.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._integrity import external, find, pod_sources, text, workload_label
from checks._k8s import Release, extend_path
from checks._registry import CheckContext, Hit, register

RULE = "service-account-not-found"


@register(
    id=RULE,
    category="reliability",
    severity=Severity.MEDIUM,
    scope="release",
    anchors=("kube-linter non-existent-service-account", "Kubescape C-0307"),
    fix="serviceAccount.create",
)
def check(release: Release, ctx: CheckContext):
    for pod in pod_sources(release):
        for key in ("serviceAccountName", "serviceAccount"):
            name = text(pod.spec.get(key))
            if name:
                break
        else:
            continue
        if name == "default" or external(ctx, RULE, "ServiceAccount", name):
            continue
        if find(release, ("ServiceAccount",), name, pod.obj) is None:
            yield Hit(
                f'{workload_label(pod.obj)} runs as service account "{name}" that the release does not create',
                extend_path(pod.spec_path, key),
                obj=pod.obj,
            )
