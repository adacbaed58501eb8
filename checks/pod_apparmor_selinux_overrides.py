"""pod-apparmor-selinux-overrides: pods keep the default AppArmor and SELinux confinement.

What it does: flags an AppArmor profile other than `RuntimeDefault`/`Localhost` (the `appArmorProfile` field on the pod or a container, or a `container.apparmor.security.beta.kubernetes.io/*` annotation other than `runtime/default`/`localhost/*`), and `seLinuxOptions` that set a `user` or `role`, or a `type` outside container_t, container_init_t, container_kvm_t (and container_engine_t from Kubernetes 1.31).
Why it matters: AppArmor and SELinux are the mandatory access control that still confines a compromised process; `unconfined` or a custom SELinux type such as `spc_t` switches that layer off.
Example: `container.apparmor.security.beta.kubernetes.io/app: unconfined`, or `seLinuxOptions: {type: spc_t}`.
Fix: drop the override or set `appArmorProfile.type: RuntimeDefault` (or `Localhost` with a reviewed profile), and remove custom `seLinuxOptions` `user`/`role`/`type` values.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import WORKLOAD_KINDS, K8sObject, extend_path
from checks._podsec import (
    all_containers,
    as_dict,
    at_least,
    container_security_context,
    owner,
    pod_security_context,
    text,
)
from checks._registry import CheckContext, Hit, register

APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"
APPARMOR_TYPES = {"RuntimeDefault", "Localhost"}
SELINUX_TYPES = {"container_t", "container_init_t", "container_kvm_t"}


def _apparmor_annotation_ok(value: str) -> bool:
    return value in ("", "runtime/default") or value.startswith("localhost/")


def _context_hits(security_context: dict, who: str, where: str, path, ctx: CheckContext):
    """AppArmor field and SELinux options of one pod- or container-level securityContext."""
    apparmor = as_dict(security_context.get("appArmorProfile")).get("type")
    if text(apparmor) and apparmor not in APPARMOR_TYPES:
        yield Hit(f'{who} sets AppArmor profile type "{apparmor}"{where}', path("appArmorProfile", "type"))
    selinux = as_dict(security_context.get("seLinuxOptions"))
    allowed = SELINUX_TYPES | ({"container_engine_t"} if at_least(ctx, 1, 31) else set())
    kind = selinux.get("type")
    if text(kind) and kind not in allowed:
        yield Hit(f'{who} sets SELinux type "{kind}"{where}', path("seLinuxOptions", "type"))
    for field in ("user", "role"):
        value = selinux.get(field)
        if text(value):
            yield Hit(f'{who} sets SELinux {field} "{value}"{where}', path("seLinuxOptions", field))


@register(
    id="pod-apparmor-selinux-overrides",
    category="security",
    severity=Severity.MEDIUM,
    kinds=WORKLOAD_KINDS,
    anchors=("Polaris linuxHardening", "Trivy KSV002", "Trivy KSV025", "Kubescape C-0055", "PSS Baseline: AppArmor", "PSS Baseline: SELinux"),
)
def check(obj: K8sObject, ctx: CheckContext):
    if obj.pod_spec is None:
        return
    yield from _context_hits(
        pod_security_context(obj), owner(obj), " for the pod", lambda *keys: obj.pod_at("securityContext", *keys), ctx
    )
    for container in all_containers(obj):
        yield from _context_hits(
            container_security_context(container),
            f'container "{container.name}"',
            "",
            lambda *keys, c=container: c.at("securityContext", *keys),
            ctx,
        )
    annotations_path = extend_path(obj.pod_meta_path, "annotations")
    for key, value in obj.pod_annotations.items():
        if not isinstance(key, str) or not key.startswith(APPARMOR_ANNOTATION):
            continue
        if isinstance(value, str) and not _apparmor_annotation_ok(value.strip()):
            container = key[len(APPARMOR_ANNOTATION) :]
            yield Hit(
                f'container "{container}" runs with AppArmor profile "{value}" (annotation {key})',
                extend_path(annotations_path, key),
            )
