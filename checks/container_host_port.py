"""container-host-port: containers do not bind ports on the node.

What it does: flags every container port that sets a non-zero `hostPort`.
Why it matters: a hostPort opens the port on the node's own address, bypassing Services and NetworkPolicies, and it limits scheduling to one such pod per node (two replicas on one node cannot both bind it).
Example: `ports: [{containerPort: 8080, hostPort: 8080}]`.
Fix: remove `hostPort` from the container's ports and expose the pod through a Service (NodePort or LoadBalancer if it must be reachable from outside).
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import WORKLOAD_KINDS, K8sObject
from checks._registry import CheckContext, Hit, register


def _set(value) -> bool:
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, int):
        return value != 0
    if isinstance(value, str):
        return value.strip() not in ("", "0")
    return False


@register(
    id="container-host-port",
    category="security",
    severity=Severity.MEDIUM,
    kinds=WORKLOAD_KINDS,
    anchors=(
        "kube-linter host-ports",
        "Polaris hostPortSet",
        "Checkov CKV_K8S_26",
        "Trivy KSV024",
        "Kubescape C-0044",
        "Kubescape C-0204",
        "PSS Baseline: Host Ports",
    ),
)
def check(obj: K8sObject, ctx: CheckContext):
    for container in obj.containers(ephemeral=True):
        ports = container.get("ports")
        if not isinstance(ports, list):
            continue
        for index, port in enumerate(ports):
            if isinstance(port, dict) and _set(port.get("hostPort")):
                protocol = port.get("protocol")
                suffix = f"/{protocol}" if isinstance(protocol, str) and protocol.upper() not in ("", "TCP") else ""
                yield Hit(
                    f'container "{container.name}" binds host port {port.get("hostPort")}{suffix}',
                    container.at("ports", index, "hostPort"),
                )
