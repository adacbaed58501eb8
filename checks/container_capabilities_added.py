"""container-capabilities-added: containers add no Linux capabilities beyond NET_BIND_SERVICE.

What it does: flags every entry of `securityContext.capabilities.add` other than NET_BIND_SERVICE (option `allowed` lists the capabilities to accept). ALL, SYS_ADMIN, NET_ADMIN, SYS_MODULE, NET_RAW, SYS_PTRACE and BPF are reported as high, anything else as medium.
Why it matters: added capabilities hand kernel privileges to the container; SYS_ADMIN or SYS_MODULE are close to root on the node, NET_ADMIN and NET_RAW let it rewrite or sniff node networking, SYS_PTRACE and BPF let it read other processes' memory.
Example: `capabilities: {add: [SYS_ADMIN]}` on a sidecar that only needed to mount a filesystem.
Fix: remove the entries from `securityContext.capabilities.add` (keep at most NET_BIND_SERVICE), or move the privileged work to a dedicated, reviewed component.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import WORKLOAD_KINDS, K8sObject
from checks._registry import CheckContext, Hit, register
from checks._security import DANGEROUS_CAPABILITIES, capability, capability_items

RULE_ID = "container-capabilities-added"
DEFAULT_ALLOWED = ("NET_BIND_SERVICE",)


def _allowed(ctx: CheckContext) -> frozenset[str]:
    option = ctx.option(RULE_ID, "allowed", DEFAULT_ALLOWED)
    if isinstance(option, str):
        option = [option]
    if not isinstance(option, (list, tuple)):
        option = DEFAULT_ALLOWED
    return frozenset(name for name in (capability(item) for item in option) if name and name != "ALL")


@register(
    id=RULE_ID,
    category="security",
    severity=Severity.HIGH,
    kinds=WORKLOAD_KINDS,
    anchors=(
        "kube-linter verify-container-capabilities",
        "Polaris dangerousCapabilities",
        "Checkov CKV_K8S_25",
        "Checkov CKV_K8S_39",
        "Trivy KSV005",
        "Trivy KSV022",
        "Trivy KSV106",
        "Trivy KSV119",
        "Trivy KSV120",
        "Kubescape C-0046",
        "Kubescape C-0200",
        "PSS Baseline: Capabilities",
        "PSS Restricted: Capabilities",
    ),
)
def check(obj: K8sObject, ctx: CheckContext):
    allowed = _allowed(ctx)
    for container in obj.containers(ephemeral=True):
        for name, path in capability_items(container, "add"):
            if name in allowed:
                continue
            severity = Severity.HIGH if name in DANGEROUS_CAPABILITIES else Severity.MEDIUM
            if name == "ALL":
                yield Hit(f'container "{container.name}" adds ALL capabilities', path, severity=severity)
            else:
                yield Hit(f'container "{container.name}" adds capability "{name}"', path, severity=severity)
