"""pdb-missing: multi-replica workloads have a pod disruption budget.

What it does: flags a Deployment or StatefulSet that runs 2 or more replicas (or that a HorizontalPodAutoscaler in the release may scale to 2 or more) when no PodDisruptionBudget in the same release and namespace selects its pods.
Why it matters: without a budget a node drain or cluster upgrade may evict every replica at once, so a workload built to survive the loss of a pod goes down anyway.
Example: a Deployment with `replicas: 3` and no `PodDisruptionBudget` in the chart.
Fix: add a `templates/pdb.yaml` gated by `podDisruptionBudget.enabled` that selects the pods with the chart's selector-labels helper and sets `maxUnavailable: 1`.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import Release
from checks._registry import CheckContext, Hit, register
from checks._reliability import pdbs_covering, pods_of, replica_phrase, replica_range


@register(
    id="pdb-missing",
    category="reliability",
    severity=Severity.MEDIUM,
    scope="release",
    anchors=(
        "Polaris missingPodDisruptionBudget",
        "kube-score deployment-has-poddisruptionbudget",
        "kube-score statefulset-has-poddisruptionbudget",
    ),
)
def check(release: Release, ctx: CheckContext):
    for obj in pods_of(release):
        counts = replica_range(release, obj)
        if counts is None or counts[1] < 2 or not obj.pod_labels:
            continue
        if not pdbs_covering(release, obj):
            low, high, hpa = counts
            yield Hit(
                f'{obj.kind} "{obj.name}" {replica_phrase(low, high, hpa)} but no PodDisruptionBudget covers its pods',
                "",
                obj=obj,
            )
