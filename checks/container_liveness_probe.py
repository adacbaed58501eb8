"""container-liveness-probe: long-running containers have a liveness probe.

What it does: flags app containers of long-running workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, restartable Pod) without `livenessProbe`; Jobs, CronJobs, Helm hooks and run-once Pods are skipped.
Why it matters: a process that deadlocks or hangs without exiting keeps its pod Running forever; only a liveness probe lets the kubelet notice and restart it.
Example: a Deployment container with `readinessProbe` but no `livenessProbe`.
Fix: set `livenessProbe` in values.yaml (the chart's `livenessProbe` block) to a cheap check of the process itself, not of its dependencies.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import LONG_RUNNING_KINDS, K8sObject
from checks._registry import CheckContext, Hit, register
from checks._reliability import runs_to_completion


@register(
    id="container-liveness-probe",
    category="reliability",
    severity=Severity.MEDIUM,
    kinds=LONG_RUNNING_KINDS,
    anchors=("kube-linter no-liveness-probe", "Polaris livenessProbeMissing", "Checkov CKV_K8S_8", "Kubescape C-0056"),
    fix="livenessProbe",
)
def check(obj: K8sObject, ctx: CheckContext):
    if runs_to_completion(obj):
        return
    for container in obj.containers(init=False):
        if not isinstance(container.get("livenessProbe"), dict):
            yield Hit(f'container "{container.name}" has no liveness probe', container.at("livenessProbe"))
