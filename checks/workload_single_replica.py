"""workload-single-replica: deployments and statefulsets run enough replicas.

What it does: flags a Deployment or StatefulSet whose `spec.replicas` is below the minimum (option `minReplicas`, default 2), counting an absent `replicas` as 1. A workload that a HorizontalPodAutoscaler in the same release scales is left to `hpa-replica-bounds`; `replicas: 0` (deliberately scaled down) passes.
Why it matters: with one pod every rollout, node drain or crash is downtime.
Example: `replicas: 1`, or the `helm create` default `replicaCount: 1`.
Fix: set `replicaCount` (or the chart's replicas value) in values.yaml to 2 or more, or scale the workload with an HPA.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import Release
from checks._registry import CheckContext, Hit, register
from checks._reliability import REPLICATED_KINDS, hpas_targeting, int_option

RULE = "workload-single-replica"


@register(
    id=RULE,
    category="reliability",
    severity=Severity.MEDIUM,
    scope="release",
    anchors=("kube-linter minimum-three-replicas", "Polaris deploymentMissingReplicas", "kube-score deployment-replicas"),
    fix="replicaCount",
)
def check(release: Release, ctx: CheckContext):
    minimum = int_option(ctx, RULE, "minReplicas", 2)
    for obj in release.of_kind(*REPLICATED_KINDS):
        if not isinstance(obj.get("spec"), dict) or hpas_targeting(release, obj):
            continue
        raw = obj.get("spec", "replicas")
        if raw is None:
            if minimum > 1:
                yield Hit(
                    f'{obj.kind} "{obj.name}" sets no replicas, so it runs 1 replica (minimum {minimum})',
                    "spec.replicas",
                    obj=obj,
                )
            continue
        replicas = obj.replicas
        if replicas is not None and 0 < replicas < minimum:
            noun = "replica" if replicas == 1 else "replicas"
            yield Hit(f'{obj.kind} "{obj.name}" runs {replicas} {noun} (minimum {minimum})', "spec.replicas", obj=obj)
