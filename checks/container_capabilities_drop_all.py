"""container-capabilities-drop-all: containers drop all Linux capabilities.

What it does: flags containers whose `securityContext.capabilities.drop` does not contain `ALL` (init containers included; pods pinned to Windows nodes are skipped). A list that drops some capabilities but not ALL is named in the message.
Why it matters: the runtime's default set still grants capabilities such as NET_RAW (packet spoofing, ARP poisoning on the node network), CHOWN and SETUID that almost no application needs; dropping ALL removes them and PSS Restricted requires it.
Example: `capabilities: {drop: [NET_RAW]}` or no `capabilities` key at all.
Fix: set `securityContext.capabilities.drop: [ALL]` and add back only what the process needs (usually nothing, at most NET_BIND_SERVICE).
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import WORKLOAD_KINDS, K8sObject
from checks._registry import CheckContext, Hit, register
from checks._security import capability_items, is_windows


@register(
    id="container-capabilities-drop-all",
    category="security",
    severity=Severity.MEDIUM,
    kinds=WORKLOAD_KINDS,
    anchors=(
        "kube-linter drop-net-raw-capability",
        "Polaris insecureCapabilities",
        "Checkov CKV_K8S_37",
        "Checkov CKV_K8S_28",
        "Trivy KSV003",
        "Trivy KSV004",
        "Kubescape C-0199",
        "Kubescape C-0201",
        "PSS Restricted: Capabilities",
    ),
    fix="securityContext.capabilities.drop",
)
def check(obj: K8sObject, ctx: CheckContext):
    if is_windows(obj):
        return
    for container in obj.containers():
        dropped = [name for name, _ in capability_items(container, "drop")]
        if "ALL" in dropped:
            continue
        path = container.at("securityContext", "capabilities", "drop")
        if dropped:
            shown = ", ".join(dict.fromkeys(dropped))
            yield Hit(f'container "{container.name}" drops only {shown}, not ALL capabilities', path)
        else:
            yield Hit(f'container "{container.name}" does not drop ALL capabilities', path)
