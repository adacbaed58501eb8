"""container-sensitive-ports: containers do not expose SSH or privileged ports.

What it does: flags `ports[].containerPort` 22 (SSH) and any other port below 1024. A privileged port is not flagged when the pod lowers `net.ipv4.ip_unprivileged_port_start` to or below it through a sysctl. Option `allowed_ports`: port numbers to accept.
Why it matters: an SSH server in a container is a standing remote shell that bypasses Kubernetes access control and audit; binding a port below 1024 needs root or CAP_NET_BIND_SERVICE, which keeps the container from running unprivileged.
Example: `ports: [{containerPort: 22}]` on a debugging image, or nginx listening on `containerPort: 80`.
Fix: remove the SSH port (use `kubectl exec` or ephemeral debug containers), and listen on a port of 1024 or above (the Service can still expose 80/443 through `targetPort`).
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import WORKLOAD_KINDS, K8sObject
from checks._podsec import as_dict, as_list, option_list, pod_security_context
from checks._registry import CheckContext, Hit, register

RULE_ID = "container-sensitive-ports"
SSH_PORT = 22
PRIVILEGED_BELOW = 1024


def port_number(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def unprivileged_port_start(obj: K8sObject) -> int:
    """The first unprivileged port inside the pod's network namespace."""
    for item in as_list(pod_security_context(obj).get("sysctls")):
        item = as_dict(item)
        name = str(item.get("name") or "").replace("/", ".")
        if name == "net.ipv4.ip_unprivileged_port_start":
            value = port_number(item.get("value"))
            if value is not None:
                return value
    return PRIVILEGED_BELOW


@register(
    id=RULE_ID,
    category="security",
    severity=Severity.LOW,
    kinds=WORKLOAD_KINDS,
    anchors=("kube-linter ssh-port", "kube-linter privileged-ports", "Trivy KSV117", "Kubescape C-0042"),
)
def check(obj: K8sObject, ctx: CheckContext):
    allowed = {port_number(port) for port in option_list(ctx, RULE_ID, "allowed_ports")}
    first_unprivileged = unprivileged_port_start(obj)
    for container in obj.containers(init=True):
        for index, port in enumerate(as_list(container.get("ports"))):
            number = port_number(as_dict(port).get("containerPort"))
            if number is None or number <= 0 or number in allowed:
                continue
            path = container.at("ports", index, "containerPort")
            if number == SSH_PORT:
                yield Hit(f'container "{container.name}" exposes SSH port 22', path)
            elif number < PRIVILEGED_BELOW and number < first_unprivileged:
                yield Hit(f'container "{container.name}" exposes privileged port {number}', path)
