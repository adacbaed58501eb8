"""hpa-target-missing: autoscalers target a workload of the release.

What it does: flags a HorizontalPodAutoscaler whose `spec.scaleTargetRef` is missing or names a kind/name that no object in the same chart render (or manifest file) defines. Targets that live elsewhere can be listed in the option `externalTargets` as `Kind/name` patterns (globs allowed).
Why it matters: an autoscaler pointing at nothing silently does nothing; the workload runs at its static replica count while everyone believes it scales.
Example: a chart renames its Deployment to `{{ include "app.fullname" . }}-web` but the HPA still targets `{{ include "app.fullname" . }}`.
Fix: make `scaleTargetRef.kind` and `scaleTargetRef.name` use the same kind and name helper as the workload, or list an external target in `externalTargets`.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import Release
from checks._registry import CheckContext, Hit, register
from checks._reliability import list_option, matches_any, same_namespace, scale_target

RULE = "hpa-target-missing"


@register(
    id=RULE,
    category="reliability",
    severity=Severity.HIGH,
    scope="release",
    anchors=(
        "kube-linter dangling-horizontalpodautoscaler",
        "kube-score horizontalpodautoscaler-has-target",
        "Kubescape C-0300",
    ),
)
def check(release: Release, ctx: CheckContext):
    external = list_option(ctx, RULE, "externalTargets")
    for hpa in release.of_kind("HorizontalPodAutoscaler"):
        if not isinstance(hpa.get("spec"), dict):
            continue
        target = scale_target(hpa)
        if target is None:
            yield Hit(f'HorizontalPodAutoscaler "{hpa.name}" has no scaleTargetRef kind and name', "spec.scaleTargetRef", obj=hpa)
            continue
        kind, name = target
        if matches_any(f"{kind}/{name}", external):
            continue
        if any(o.kind == kind and o.name == name and same_namespace(o, hpa, release) for o in release.objects):
            continue
        yield Hit(
            f'HorizontalPodAutoscaler "{hpa.name}" targets {kind} "{name}", which the release does not define',
            "spec.scaleTargetRef.name",
            obj=hpa,
        )
