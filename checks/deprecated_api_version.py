"""deprecated-api-version: objects use API versions the target Kubernetes still serves.

What it does: looks up each object's apiVersion and kind in the deprecated-API table (Pluto's data checked against the upstream migration guide) for the target Kubernetes version (`kubernetesVersion` in .chartwarden.yaml, or `--kube-version`). An API removed at or before the target is high; one deprecated at or before the target but still served is medium. APIs deprecated only after the target pass. PodSecurityPolicy is left to pod-security-policy-present.
Why it matters: the API server rejects objects in a removed version, so `helm upgrade` fails on the new cluster (or, for a deprecated version, will fail on the next upgrade); Helm also cannot upgrade a release whose stored manifest uses a removed API.
Example: `apiVersion: policy/v1beta1` on a PodDisruptionBudget with a 1.25+ target, or `extensions/v1beta1` on an Ingress.
Fix: move to the replacement apiVersion named in the finding (for charts that support old clusters, pick it with `.Capabilities.APIVersions.Has`), and migrate the fields that changed (Ingress backends and `pathType`, CronJob, HPA metrics).
"""

from __future__ import annotations

from bot.findings import Severity
from checks._deprecations import advice, lookup, status, version_text
from checks._k8s import K8sObject
from checks._registry import CheckContext, Hit, register


@register(
    id="deprecated-api-version",
    category="deprecation",
    severity=Severity.HIGH,
    anchors=(
        "kube-linter no-extensions-v1beta",
        "kube-score stable-version",
        "Trivy KSV107",
        "helm lint validateNoDeprecations",
        "Pluto versions.yaml",
    ),
)
def check(obj: K8sObject, ctx: CheckContext):
    if obj.kind == "PodSecurityPolicy":
        return
    row = lookup(obj.api_version, obj.kind)
    if row is None:
        return
    state = status(row, ctx.kube_version)
    what = f'{obj.kind} "{obj.name}" uses {obj.api_version}'
    target = version_text(ctx.kube_version)
    if state == "removed":
        yield Hit(f"{what}, removed in Kubernetes {version_text(row.removed)} (target {target}); {advice(row, ctx.kube_version)}", "apiVersion")
    elif state == "deprecated":
        removal = f" and removed in {version_text(row.removed)}" if row.removed else ""
        yield Hit(
            f"{what}, deprecated since Kubernetes {version_text(row.deprecated)}{removal}; {advice(row, ctx.kube_version)}",
            "apiVersion",
            severity=Severity.MEDIUM,
        )
