"""namespace-default-or-system: manifests do not place objects in default or system namespaces.

What it does: flags objects of a plain manifest file whose `metadata.namespace` is explicitly `default`, `kube-system`, `kube-public` or `kube-node-lease` (option `namespaces` replaces the list). Objects without a namespace pass, and Helm charts are skipped altogether: their namespace comes from `helm install --namespace` (a chart render is recognised by its release name; literal namespaces in templates are chart-hardcoded-namespace's job).
Why it matters: `default` mixes unrelated workloads under one set of RBAC, quotas and network policies; the `kube-*` namespaces belong to the control plane, where a mistake or a compromise reaches cluster components and their highly privileged service accounts.
Example: a Deployment manifest with `metadata.namespace: default`, or an app shipped into `kube-system`.
Fix: create a dedicated namespace for the application and set `metadata.namespace` to it (or drop the field and apply with `kubectl -n`).
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import Release, join_path
from checks._registry import CheckContext, Hit, register

RULE_ID = "namespace-default-or-system"
NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")


@register(
    id=RULE_ID,
    category="chart-quality",
    severity=Severity.LOW,
    scope="release",
    anchors=(
        "kube-linter use-namespace",
        "Checkov CKV_K8S_21",
        "Trivy KSV110",
        "Trivy KSV037",
        "Kubescape C-0061",
        "Kubescape C-0212",
        "Kubescape C-0209",
    ),
)
def check(release: Release, ctx: CheckContext):
    if release.name:  # a rendered chart: the namespace is the release's, chosen at install time
        return
    names = ctx.option(RULE_ID, "namespaces", NAMESPACES)
    names = set(names) if isinstance(names, (list, tuple, set)) else set(NAMESPACES)
    for obj in release.objects:
        namespace = obj.get("metadata", "namespace")
        if not isinstance(namespace, str) or namespace not in names:
            continue
        if namespace == "default":
            message = f'{obj.kind} "{obj.name}" is placed in the "default" namespace'
        else:
            message = f'{obj.kind} "{obj.name}" is placed in the system namespace "{namespace}"'
        yield Hit(message, join_path("metadata", "namespace"), obj=obj)
