"""replicas-set-with-hpa: workloads scaled by an autoscaler leave replicas unset.

What it does: flags a Deployment or StatefulSet that sets `spec.replicas` while a HorizontalPodAutoscaler in the same release targets it.
Why it matters: every `helm upgrade` applies the static count again, so a workload scaled out to absorb load drops back to it until the HPA reacts.
Example: `replicas: {{ .Values.replicaCount }}` rendered even when `autoscaling.enabled` is true.
Fix: wrap `replicas:` in `{{- if not .Values.autoscaling.enabled }}` ... `{{- end }}` in the template, as the `helm create` scaffold does.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import Release
from checks._registry import CheckContext, Hit, register
from checks._reliability import REPLICATED_KINDS, hpas_targeting

RULE = "replicas-set-with-hpa"


@register(
    id=RULE,
    category="reliability",
    severity=Severity.MEDIUM,
    scope="release",
    anchors=("kube-score deployment-targeted-by-hpa-does-not-have-replicas-configured",),
)
def check(release: Release, ctx: CheckContext):
    for obj in release.of_kind(*REPLICATED_KINDS):
        replicas = obj.get("spec", "replicas")
        if replicas is None:
            continue
        hpas = hpas_targeting(release, obj)
        if hpas:
            yield Hit(
                f'{obj.kind} "{obj.name}" sets replicas: {replicas} although HorizontalPodAutoscaler "{hpas[0].name}" scales it',
                "spec.replicas",
                obj=obj,
            )
