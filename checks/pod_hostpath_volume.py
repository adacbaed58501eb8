"""pod-hostpath-volume: pods do not mount directories of the node.

What it does: flags every `hostPath` volume in a pod spec (PSS Baseline forbids them all); the sensitive and writable cases are reported at higher severity by pod-hostpath-sensitive-or-writable.
Why it matters: a hostPath ties the pod to one node's disk layout, survives the pod, bypasses storage quotas, and gives the container a direct view of (or write access to) the node's filesystem.
Example: `volumes: [{name: data, hostPath: {path: /srv/data}}]` on a stateful application.
Fix: replace the `hostPath` volume with a PersistentVolumeClaim, an `emptyDir`, or a CSI volume.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import WORKLOAD_KINDS, K8sObject
from checks._registry import CheckContext, Hit, register
from checks._security import host_path_volumes, label


@register(
    id="pod-hostpath-volume",
    category="security",
    severity=Severity.MEDIUM,
    kinds=WORKLOAD_KINDS,
    anchors=(
        "kube-linter host-mounts",
        "Polaris hostPathSet",
        "Trivy KSV023",
        "Kubescape C-0048",
        "Kubescape C-0203",
        "PSS Baseline: HostPath Volumes",
    ),
)
def check(obj: K8sObject, ctx: CheckContext):
    for volume in host_path_volumes(obj):
        if volume.raw:
            yield Hit(f'{label(obj)} mounts host path "{volume.raw}" (volume "{volume.name}")', volume.at(obj, "path"))
        else:
            yield Hit(f'{label(obj)} mounts a host path (volume "{volume.name}")', volume.at(obj))
