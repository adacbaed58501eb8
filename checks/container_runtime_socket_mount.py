"""container-runtime-socket-mount: pods do not mount the container runtime socket.

What it does: flags `hostPath` volumes that point at a container runtime socket (`docker.sock`, `containerd.sock`, `crio.sock`, `cri-dockerd.sock`, `podman.sock`, `dockershim.sock`) or at a directory that holds one (`/var/run`, `/run`, `/var/run/docker`, `/run/containerd`, `/var/run/crio`, ...).
Why it matters: whoever can talk to the runtime socket can start a privileged container with the node's root filesystem mounted; it is root on the node, and it sees every other pod's secrets.
Example: `hostPath: {path: /var/run/docker.sock}` for a CI runner that builds images.
Fix: remove the socket mount; build images with a daemonless builder (BuildKit rootless, kaniko, buildah) and read container metadata from the Kubernetes API instead.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import WORKLOAD_KINDS, K8sObject
from checks._registry import CheckContext, Hit, register
from checks._security import host_path_volumes, label

SOCKETS = frozenset(
    {"docker.sock", "containerd.sock", "crio.sock", "cri-dockerd.sock", "podman.sock", "dockershim.sock", "cri-containerd.sock"}
)
SOCKET_DIRS = frozenset(
    {
        "/var/run",
        "/run",
        "/var/run/docker",
        "/run/docker",
        "/var/run/containerd",
        "/run/containerd",
        "/var/run/crio",
        "/run/crio",
        "/var/run/cri-dockerd",
        "/run/cri-dockerd",
        "/run/k3s/containerd",
        "/run/podman",
        "/var/run/podman",
    }
)


@register(
    id="container-runtime-socket-mount",
    category="security",
    severity=Severity.CRITICAL,
    kinds=WORKLOAD_KINDS,
    anchors=("kube-linter docker-sock", "Checkov CKV_K8S_27", "Trivy KSV006", "Kubescape C-0074"),
)
def check(obj: K8sObject, ctx: CheckContext):
    for volume in host_path_volumes(obj):
        if not volume.path:
            continue
        if volume.path.rsplit("/", 1)[-1] in SOCKETS:
            yield Hit(
                f'{label(obj)} mounts the container runtime socket "{volume.raw}" (volume "{volume.name}")',
                volume.at(obj, "path"),
            )
        elif volume.path in SOCKET_DIRS:
            yield Hit(
                f'{label(obj)} mounts "{volume.raw}", a directory holding the container runtime socket (volume "{volume.name}")',
                volume.at(obj, "path"),
            )
