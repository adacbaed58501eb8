"""pod-hostpath-sensitive-or-writable: host paths are neither system directories nor writable.

What it does: flags `hostPath` volumes that point at a sensitive node directory (`/`, `/etc`, `/usr`, `/lib`, `/var`, `/var/run`, `/run`, `/home`, and anything under `/proc`, `/sys`, `/dev`, `/boot`, `/root`, `/var/lib/kubelet`, `/var/lib/docker`, `/var/lib/containerd`, `/var/lib/etcd`, `/etc/kubernetes`), and every container mount of a `hostPath` volume that does not set `readOnly: true`.
Why it matters: these directories hold node credentials (kubelet and etcd keys), the kernel's control files and other pods' data; read access leaks secrets, and a writable host mount lets a container plant files the node or other pods will execute.
Example: `hostPath: {path: /etc}` mounted into a container without `readOnly: true`.
Fix: mount only the narrow file or directory the process needs, set `readOnly: true` on its volumeMount, or replace the hostPath with a PersistentVolumeClaim or `emptyDir`.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import WORKLOAD_KINDS, K8sObject
from checks._registry import CheckContext, Hit, register
from checks._security import host_path_volumes, label, mounts_of, under

# Mounting exactly these exposes the whole system tree (their ordinary subdirectories may be fine).
SENSITIVE_EXACT = frozenset({"/", "/etc", "/usr", "/lib", "/lib64", "/bin", "/sbin", "/var", "/var/run", "/run", "/home"})
# Anything at or below these is sensitive.
SENSITIVE_TREES = (
    "/proc",
    "/sys",
    "/dev",
    "/boot",
    "/root",
    "/var/lib/kubelet",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/var/lib/etcd",
    "/etc/kubernetes",
)


def sensitive(path: str) -> bool:
    return bool(path) and (path in SENSITIVE_EXACT or any(under(path, root) for root in SENSITIVE_TREES))


@register(
    id="pod-hostpath-sensitive-or-writable",
    category="security",
    severity=Severity.HIGH,
    kinds=WORKLOAD_KINDS,
    anchors=(
        "kube-linter sensitive-host-mounts",
        "kube-linter writable-host-mount",
        "Trivy KSV121",
        "Kubescape C-0045",
    ),
)
def check(obj: K8sObject, ctx: CheckContext):
    for volume in host_path_volumes(obj):
        shown = volume.raw or "?"
        if sensitive(volume.path):
            yield Hit(
                f'{label(obj)} mounts sensitive host path "{shown}" (volume "{volume.name}")', volume.at(obj, "path")
            )
        for container, index, mount in mounts_of(obj, volume.name):
            if mount.get("readOnly") is not True:
                yield Hit(
                    f'container "{container.name}" mounts host path "{shown}" writable (volume "{volume.name}")',
                    container.at("volumeMounts", index, "readOnly"),
                )
