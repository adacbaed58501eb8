"""pod-host-pid-ipc: pods do not share the node's PID or IPC namespace.

What it does: flags workloads whose pod spec sets `hostPID: true` or `hostIPC: true` (one finding each).
Why it matters: with the host PID namespace a container sees and can signal or ptrace every process on the node and read their environment; with the host IPC namespace it can read and write the shared memory of host processes.
Example: `hostPID: true` on a debugging or monitoring Deployment.
Fix: remove `hostPID` and `hostIPC` from the pod spec (or set them to false); keep them only for node agents that need them, with a `chartwarden.io/ignore` annotation giving the reason.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import WORKLOAD_KINDS, K8sObject
from checks._registry import CheckContext, Hit, register
from checks._security import label


@register(
    id="pod-host-pid-ipc",
    category="security",
    severity=Severity.HIGH,
    kinds=WORKLOAD_KINDS,
    anchors=(
        "kube-linter host-pid",
        "kube-linter host-ipc",
        "Polaris hostPIDSet",
        "Polaris hostIPCSet",
        "Checkov CKV_K8S_17",
        "Checkov CKV_K8S_18",
        "Trivy KSV008",
        "Trivy KSV010",
        "Kubescape C-0038",
        "Kubescape C-0194",
        "Kubescape C-0195",
        "PSS Baseline: Host Namespaces",
    ),
)
def check(obj: K8sObject, ctx: CheckContext):
    spec = obj.pod_spec
    if spec is None:
        return
    if spec.get("hostPID") is True:
        yield Hit(f"{label(obj)} shares the host PID namespace (hostPID: true)", obj.pod_at("hostPID"))
    if spec.get("hostIPC") is True:
        yield Hit(f"{label(obj)} shares the host IPC namespace (hostIPC: true)", obj.pod_at("hostIPC"))
