"""container-readiness-probe: long-running containers have a readiness probe.

What it does: flags app containers of long-running workloads without `readinessProbe`, at high severity when a Service in the same release selects the pod (it then gets traffic before it is ready); Jobs, CronJobs, Helm hooks and run-once Pods are skipped.
Why it matters: without a readiness probe a pod counts as ready the moment its process starts, so a Service sends it requests during start-up and a rollout of a broken version keeps going.
Example: a Deployment selected by a Service whose container defines only `livenessProbe`.
Fix: set `readinessProbe` in values.yaml (the chart's `readinessProbe` block) to a check that passes only once the container can serve requests.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import LONG_RUNNING_KINDS, Release
from checks._registry import CheckContext, Hit, register
from checks._reliability import runs_to_completion, services_selecting


@register(
    id="container-readiness-probe",
    category="reliability",
    severity=Severity.MEDIUM,
    scope="release",
    anchors=(
        "kube-linter no-readiness-probe",
        "Polaris readinessProbeMissing",
        "kube-score pod-probes",
        "Checkov CKV_K8S_9",
        "Kubescape C-0018",
    ),
    fix="readinessProbe",
)
def check(release: Release, ctx: CheckContext):
    for obj in release.objects:
        if obj.kind not in LONG_RUNNING_KINDS or runs_to_completion(obj):
            continue
        missing = [c for c in obj.containers(init=False) if not isinstance(c.get("readinessProbe"), dict)]
        if not missing:
            continue
        services = services_selecting(release, obj)
        for container in missing:
            if services:
                yield Hit(
                    f'container "{container.name}" has no readiness probe but Service "{services[0].name}" sends it traffic',
                    container.at("readinessProbe"),
                    obj=obj,
                    severity=Severity.HIGH,
                )
            else:
                yield Hit(f'container "{container.name}" has no readiness probe', container.at("readinessProbe"), obj=obj)
