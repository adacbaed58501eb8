"""pod-seccomp-profile: pods run under a seccomp profile.

What it does: flags pods where neither the pod nor every container sets `seccompProfile.type` to `RuntimeDefault` or `Localhost` (medium), and any explicit `Unconfined` profile (high). Windows pods (`spec.os.name: windows`) are skipped; the legacy seccomp annotations count only for targets before Kubernetes 1.27, which stopped honouring them.
Why it matters: without seccomp every system call of the kernel is reachable from the container, so kernel bugs that a default profile blocks (unshare, keyctl, bpf, ...) become container escapes.
Example: a Deployment whose `podSecurityContext: {}` and `securityContext: {}` leave the runtime's unconfined default in place, or `seccompProfile: {type: Unconfined}` on a debug sidecar.
Fix: set `podSecurityContext.seccompProfile.type: RuntimeDefault` in values.yaml (or `Localhost` with a reviewed profile), and remove `Unconfined` overrides.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import WORKLOAD_KINDS, K8sObject, extend_path
from checks._podsec import (
    all_containers,
    as_dict,
    at_least,
    container_security_context,
    is_windows_pod,
    owner,
    pod_security_context,
    text,
)
from checks._registry import CheckContext, Hit, register

CONFINED = {"RuntimeDefault", "Localhost"}
UNCONFINED = "Unconfined"
POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod"
CONTAINER_ANNOTATION = "container.seccomp.security.alpha.kubernetes.io/"


def _annotation_type(value) -> str | None:
    """The profile type a legacy seccomp annotation value stands for."""
    value = text(value)
    if value is None:
        return None
    value = value.strip()
    if value in ("runtime/default", "docker/default"):
        return "RuntimeDefault"
    if value.startswith("localhost/"):
        return "Localhost"
    if value == "unconfined":
        return UNCONFINED
    return None


def _field_type(security_context: dict) -> str | None:
    return text(as_dict(security_context.get("seccompProfile")).get("type"))


@register(
    id="pod-seccomp-profile",
    category="security",
    severity=Severity.MEDIUM,
    kinds=WORKLOAD_KINDS,
    anchors=(
        "Polaris linuxHardening",
        "kube-score container-seccomp-profile",
        "Checkov CKV_K8S_31",
        "Trivy KSV030",
        "Trivy KSV104",
        "Kubescape C-0210",
        "Kubescape C-0055",
        "PSS Baseline: Seccomp",
        "PSS Restricted: Seccomp",
    ),
    fix="podSecurityContext.seccompProfile.type",
)
def check(obj: K8sObject, ctx: CheckContext):
    if obj.pod_spec is None or is_windows_pod(obj):
        return
    legacy = not at_least(ctx, 1, 27)  # annotations were still turned into fields before 1.27
    annotations = obj.pod_annotations if legacy else {}
    annotations_path = extend_path(obj.pod_meta_path, "annotations")

    pod_type = _field_type(pod_security_context(obj))
    pod_path = obj.pod_at("securityContext", "seccompProfile", "type")
    if pod_type is None and (legacy_type := _annotation_type(annotations.get(POD_ANNOTATION))):
        pod_type, pod_path = legacy_type, extend_path(annotations_path, POD_ANNOTATION)
    if pod_type == UNCONFINED:
        yield Hit(f'{owner(obj)} sets seccomp profile "Unconfined" for the pod', pod_path, severity=Severity.HIGH)

    missing = []
    explicit = 0
    for container in all_containers(obj):
        kind = _field_type(container_security_context(container))
        path = container.at("securityContext", "seccompProfile", "type")
        key = CONTAINER_ANNOTATION + container.name
        if kind is None and (legacy_type := _annotation_type(annotations.get(key))):
            kind, path = legacy_type, extend_path(annotations_path, key)
        if kind == UNCONFINED:
            explicit += 1
            yield Hit(f'container "{container.name}" sets seccomp profile "Unconfined"', path, severity=Severity.HIGH)
        elif kind in CONFINED:
            explicit += 1
        else:
            missing.append(container)

    if pod_type in CONFINED or pod_type == UNCONFINED or not missing:
        return
    if explicit == 0:
        yield Hit(f"{owner(obj)} sets no seccomp profile on the pod or its containers", pod_path)
        return
    for container in missing:
        yield Hit(
            f'container "{container.name}" sets no seccomp profile and the pod sets none',
            container.at("securityContext", "seccompProfile", "type"),
        )
