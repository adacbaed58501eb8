"""deployment-rolling-update: deployments roll out gradually.

What it does: flags a Deployment whose `spec.strategy.type` is not `RollingUpdate` (an absent strategy defaults to RollingUpdate and passes). A Deployment that mounts a PersistentVolumeClaim is skipped: with a ReadWriteOnce volume `Recreate` is the only strategy that does not deadlock.
Why it matters: `Recreate` stops every old pod before starting a new one, so each upgrade is an outage, and a bad release leaves nothing running.
Example: `strategy: {type: Recreate}` on a stateless web Deployment.
Fix: set `strategy.type: RollingUpdate` (or drop the `strategy` block) and tune `rollingUpdate.maxUnavailable`/`maxSurge`.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import K8sObject
from checks._registry import CheckContext, Hit, register


def _mounts_claim(obj: K8sObject) -> bool:
    volumes = (obj.pod_spec or {}).get("volumes")
    return isinstance(volumes, list) and any(isinstance(v, dict) and isinstance(v.get("persistentVolumeClaim"), dict) for v in volumes)


@register(
    id="deployment-rolling-update",
    category="reliability",
    severity=Severity.LOW,
    kinds=("Deployment",),
    anchors=("kube-linter no-rolling-update-strategy", "kube-score deployment-strategy", "Kubescape C-0305"),
    fix="strategy.type",
)
def check(obj: K8sObject, ctx: CheckContext):
    strategy = obj.get("spec", "strategy")
    if not isinstance(strategy, dict):
        return
    kind = strategy.get("type")
    if kind is None or kind == "RollingUpdate" or _mounts_claim(obj):
        return
    yield Hit(
        f'Deployment "{obj.name}" uses the {kind} strategy, so every rollout stops all pods before new ones start',
        "spec.strategy.type",
    )
