"""pod-unsafe-sysctls: pods set only namespaced, safe sysctls.

What it does: flags `securityContext.sysctls` names outside the Pod Security Baseline safe set for the target Kubernetes version (kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, ip_unprivileged_port_start, tcp_syncookies, ping_group_range; ip_local_reserved_ports from 1.27; tcp_keepalive_time/intvl/probes and tcp_fin_timeout from 1.29; tcp_rmem/tcp_wmem from 1.32; tcp_slow_start_after_idle and tcp_notsent_lowat from 1.37). Option `allowed`: extra names (or `prefix.*` patterns) your nodes allow with `--allowed-unsafe-sysctls`.
Why it matters: an unsafe sysctl is not isolated per pod; it can change kernel behaviour for every workload on the node or disable protections, and the kubelet rejects the pod unless the node opts in.
Example: `sysctls: [{name: net.core.somaxconn, value: "4096"}]` or `kernel.msgmax`.
Fix: remove the sysctl, or tune it at node level (node image, a tuning DaemonSet owned by the platform team) and allow-list it explicitly.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import WORKLOAD_KINDS, K8sObject
from checks._podsec import as_list, at_least, matches_any, option_list, owner, pod_security_context, text
from checks._registry import CheckContext, Hit, register

RULE_ID = "pod-unsafe-sysctls"
SAFE_BY_VERSION = (
    ((1, 0), {
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.ip_unprivileged_port_start",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
    }),
    ((1, 27), {"net.ipv4.ip_local_reserved_ports"}),
    ((1, 29), {"net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"}),
    ((1, 32), {"net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"}),
    ((1, 37), {"net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"}),
)


def safe_sysctls(ctx: CheckContext) -> set[str]:
    """The PSS Baseline safe set at the target Kubernetes version."""
    out: set[str] = set()
    for (major, minor), names in SAFE_BY_VERSION:
        if at_least(ctx, major, minor):
            out |= names
    return out


def normalize(name: str) -> str:
    """`net/ipv4/tcp_syncookies` and `net.ipv4.tcp_syncookies` name the same sysctl."""
    name = name.strip()
    return name.replace("/", ".") if "/" in name else name


@register(
    id=RULE_ID,
    category="security",
    severity=Severity.HIGH,
    kinds=WORKLOAD_KINDS,
    anchors=("kube-linter unsafe-sysctls", "Trivy KSV026", "PSS Baseline: Sysctls"),
)
def check(obj: K8sObject, ctx: CheckContext):
    safe = safe_sysctls(ctx)
    allowed = [name.replace("/", ".") for name in option_list(ctx, RULE_ID, "allowed")]  # kernel/msgmax form too
    version = ".".join(str(part) for part in ctx.kube_version[:2]) if isinstance(ctx.kube_version, tuple) else "1.31"
    for index, item in enumerate(as_list(pod_security_context(obj).get("sysctls"))):
        name = text(item.get("name")) if isinstance(item, dict) else None
        if name is None:
            continue
        plain = normalize(name)
        if plain in safe or matches_any(plain, allowed):
            continue
        yield Hit(
            f'{owner(obj)} sets sysctl "{name}" outside the safe set for Kubernetes {version}',
            obj.pod_at("securityContext", "sysctls", index, "name"),
        )
