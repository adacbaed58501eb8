"""deprecated-field-or-annotation: objects use fields, not deprecated aliases and annotations.

What it does: flags deprecated spellings that have a first-class field: the pod `serviceAccount` alias of `serviceAccountName`; the `seccomp.security.alpha.kubernetes.io/*` and (for targets 1.30+, where the field exists) `container.apparmor.security.beta.kubernetes.io/*` annotations; `scheduler.alpha.kubernetes.io/critical-pod`; beta node labels (`beta.kubernetes.io/os|arch|instance-type`, `failure-domain.beta.kubernetes.io/zone|region`) in nodeSelector, node affinity and topology keys; `kubernetes.io/ingress.class` on an Ingress without `spec.ingressClassName`; `volume.beta.kubernetes.io/storage-class` on claims; `service.alpha.kubernetes.io/tolerate-unready-endpoints` on Services.
Why it matters: Kubernetes drops these spellings over time (support for the seccomp annotations is being removed, the AppArmor annotations are superseded by a field, beta node labels are not guaranteed on new nodes), and then the setting silently stops applying: a pod loses its seccomp profile or never schedules.
Example: `seccomp.security.alpha.kubernetes.io/pod: runtime/default` in a pod template, or `nodeSelector: {beta.kubernetes.io/os: linux}`.
Fix: use the field the finding names (for example `securityContext.seccompProfile.type: RuntimeDefault`, `serviceAccountName`, `kubernetes.io/os`) and remove the old spelling.
"""

from __future__ import annotations

from typing import Iterator

from bot.findings import Severity
from checks._k8s import WORKLOAD_KINDS, K8sObject, dig, extend_path, join_path
from checks._registry import CheckContext, Hit, register

APPARMOR_FIELD_SINCE = (1, 30)
SECCOMP_POD = "seccomp.security.alpha.kubernetes.io/pod"
SECCOMP_CONTAINER = "container.seccomp.security.alpha.kubernetes.io/"
APPARMOR_CONTAINER = "container.apparmor.security.beta.kubernetes.io/"
NODE_LABELS = {
    "beta.kubernetes.io/os": "kubernetes.io/os",
    "beta.kubernetes.io/arch": "kubernetes.io/arch",
    "beta.kubernetes.io/instance-type": "node.kubernetes.io/instance-type",
    "failure-domain.beta.kubernetes.io/zone": "topology.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/region": "topology.kubernetes.io/region",
}
OBJECT_ANNOTATIONS = {
    "Service": {"service.alpha.kubernetes.io/tolerate-unready-endpoints": "spec.publishNotReadyAddresses"},
    "PersistentVolumeClaim": {"volume.beta.kubernetes.io/storage-class": "spec.storageClassName"},
    "Ingress": {"kubernetes.io/ingress.class": "spec.ingressClassName"},
}


def _profile(value: object) -> str:
    """The securityContext profile type an annotation value stands for."""
    text = str(value)
    if text in ("runtime/default", "docker/default"):
        return "type: RuntimeDefault"
    if text == "unconfined":
        return "type: Unconfined"
    if text.startswith("localhost/"):
        return f"type: Localhost, localhostProfile: {text[len('localhost/'):]}"
    return f"the profile {text!r}"


def _pod_annotations(obj: K8sObject, ctx: CheckContext) -> Iterator[Hit]:
    base = extend_path(obj.pod_meta_path, "annotations")
    for key, value in obj.pod_annotations.items():
        if not isinstance(key, str):
            continue
        where = extend_path(base, key)
        if key == SECCOMP_POD:
            yield Hit(f'annotation "{key}" is deprecated; set securityContext.seccompProfile ({_profile(value)}) on the pod', where)
        elif key.startswith(SECCOMP_CONTAINER):
            name = key[len(SECCOMP_CONTAINER):]
            yield Hit(f'annotation "{key}" is deprecated; set securityContext.seccompProfile ({_profile(value)}) on container "{name}"', where)
        elif key.startswith(APPARMOR_CONTAINER) and ctx.kube_version >= APPARMOR_FIELD_SINCE:
            name = key[len(APPARMOR_CONTAINER):]
            yield Hit(f'annotation "{key}" is deprecated; set securityContext.appArmorProfile ({_profile(value)}) on container "{name}"', where)
        elif key == "scheduler.alpha.kubernetes.io/critical-pod":
            yield Hit(f'annotation "{key}" has no effect; set priorityClassName (for example system-cluster-critical)', where)


def _label_hit(key: str, where: str) -> Hit:
    return Hit(f'node label "{key}" is deprecated; use "{NODE_LABELS[key]}"', where)


def _terms(spec: dict, *keys) -> list:
    value = dig(spec, *keys)
    return value if isinstance(value, list) else []


def _node_labels(obj: K8sObject, spec: dict) -> Iterator[Hit]:
    selector = spec.get("nodeSelector")
    if isinstance(selector, dict):
        for key in selector:
            if key in NODE_LABELS:
                yield _label_hit(key, obj.pod_at("nodeSelector", key))
    node = ("affinity", "nodeAffinity")
    required = node + ("requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms")
    sources = [(required + (i,), term) for i, term in enumerate(_terms(spec, *required))]
    preferred = node + ("preferredDuringSchedulingIgnoredDuringExecution",)
    sources += [(preferred + (i, "preference"), dig(term, "preference")) for i, term in enumerate(_terms(spec, *preferred))]
    for path, term in sources:
        for field in ("matchExpressions", "matchFields"):
            for j, expr in enumerate(_terms(term, field) if isinstance(term, dict) else []):
                if isinstance(expr, dict) and expr.get("key") in NODE_LABELS:
                    yield _label_hit(expr["key"], obj.pod_at(*path, field, j, "key"))
    for kind in ("podAffinity", "podAntiAffinity"):
        for mode in ("requiredDuringSchedulingIgnoredDuringExecution", "preferredDuringSchedulingIgnoredDuringExecution"):
            for i, term in enumerate(_terms(spec, "affinity", kind, mode)):
                inner = ("podAffinityTerm",) if mode.startswith("preferred") else ()
                key = dig(term, *inner, "topologyKey")
                if key in NODE_LABELS:
                    yield _label_hit(key, obj.pod_at("affinity", kind, mode, i, *inner, "topologyKey"))
    for i, constraint in enumerate(_terms(spec, "topologySpreadConstraints")):
        key = dig(constraint, "topologyKey")
        if key in NODE_LABELS:
            yield _label_hit(key, obj.pod_at("topologySpreadConstraints", i, "topologyKey"))


def _object_annotations(obj: K8sObject, kind: str, annotations: dict, base: tuple, spec: dict) -> Iterator[Hit]:
    for key, field in OBJECT_ANNOTATIONS.get(kind, {}).items():
        if key not in annotations:
            continue
        if key == "kubernetes.io/ingress.class" and spec.get("ingressClassName"):
            continue  # both set for old controllers: the field already wins
        yield Hit(f'annotation "{key}" is deprecated; set {field} instead', join_path(*base, "annotations", key))


@register(
    id="deprecated-field-or-annotation",
    category="deprecation",
    severity=Severity.LOW,
    kinds=WORKLOAD_KINDS | {"Service", "PersistentVolumeClaim", "Ingress"},
    anchors=("kube-linter deprecated-service-account-field", "Checkov CKV_K8S_31", "Kubescape C-0294"),
)
def check(obj: K8sObject, ctx: CheckContext):
    spec = obj.pod_spec
    if spec is not None:
        account = spec.get("serviceAccount")
        if isinstance(account, str) and account:
            yield Hit(f'field "serviceAccount" ("{account}") is deprecated; use serviceAccountName', obj.pod_at("serviceAccount"))
        yield from _pod_annotations(obj, ctx)
        yield from _node_labels(obj, spec)
    own_spec = obj.get("spec")
    own_spec = own_spec if isinstance(own_spec, dict) else {}
    yield from _object_annotations(obj, obj.kind, obj.annotations, ("metadata",), own_spec)
    if obj.kind == "StatefulSet":
        for i, claim in enumerate(_terms(own_spec, "volumeClaimTemplates")):
            if isinstance(claim, dict):
                annotations = dig(claim, "metadata", "annotations")
                if isinstance(annotations, dict):
                    base = ("spec", "volumeClaimTemplates", i, "metadata")
                    yield from _object_annotations(obj, "PersistentVolumeClaim", annotations, base, {})
