"""selector-template-label-mismatch: workload selectors match their pod template labels.

What it does: flags a Deployment, StatefulSet, DaemonSet or ReplicaSet whose `spec.selector` is missing (apps/v1 requires it), empty, or does not select the labels of its own pod template.
Why it matters: the API server rejects such a workload, so the install or upgrade fails; and because `spec.selector` is immutable, fixing it later means deleting and recreating the workload.
Example: `selector: {matchLabels: {app: web}}` with pod template labels `{app: web-server}`.
Fix: render both `spec.selector.matchLabels` and `spec.template.metadata.labels` from the same `<chart>.selectorLabels` include.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import K8sObject, join_path
from checks._registry import CheckContext, Hit, register
from checks._reliability import same_labels, well_formed_selector

KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet")


@register(
    id="selector-template-label-mismatch",
    category="reliability",
    severity=Severity.CRITICAL,
    kinds=KINDS,
    anchors=(
        "kube-linter mismatching-selector",
        "kube-score deployment-pod-selector-labels-match-template-metadata-labels",
        "kube-score statefulset-pod-selector-labels-match-template-metadata-labels",
        "Kubescape C-0296",
        "helm lint validateMatchSelector",
    ),
)
def check(obj: K8sObject, ctx: CheckContext):
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return
    name = f'{obj.kind} "{obj.name}"'
    selector = spec.get("selector")
    if selector is None:
        if obj.api_version == "apps/v1":  # older API versions defaulted it from the template labels
            yield Hit(f"{name} has no spec.selector", "spec.selector")
        return
    if not well_formed_selector(selector):
        return
    match_labels = selector.get("matchLabels")
    expressions = selector.get("matchExpressions")
    if not match_labels and not expressions:
        yield Hit(f"{name} has an empty spec.selector", "spec.selector")
        return
    labels = obj.pod_labels
    if isinstance(match_labels, dict):
        for key, value in match_labels.items():
            if key not in labels:
                yield Hit(
                    f'{name} selector requires {key}={value} but the pod template has no label "{key}"',
                    join_path("spec", "selector", "matchLabels", str(key)),
                )
                return
            if str(labels[key]) != str(value):
                yield Hit(
                    f"{name} selector requires {key}={value} but the pod template has {key}={labels[key]}",
                    join_path("spec", "selector", "matchLabels", str(key)),
                )
                return
    if not same_labels(selector, labels):
        yield Hit(f"{name} selector does not select its pod template labels", "spec.selector")
