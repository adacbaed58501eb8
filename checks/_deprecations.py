"""Deprecated and removed Kubernetes API versions, as data.

Built from Pluto's `versions.yaml` (component k8s; `*List` kinds folded into their parent kind)
cross-checked with the upstream Deprecated API Migration Guide; where the two disagree the guide
wins. Versions are (major, minor) Kubernetes releases; `None` means "not deprecated (or not removed)
yet". `replacement` is the apiVersion to move to, `since` the release it became available.

Deliberate differences from Pluto, per the guide:
- flowcontrol.apiserver.k8s.io/v1beta1 FlowSchema/PriorityLevelConfiguration stopped being served in
  1.26 (Pluto: 1.29); Pluto's pseudo-kind `FlowControl` for the same group-version is folded in.
- flowcontrol.apiserver.k8s.io/v1beta3 was deprecated when v1 arrived (1.29); Pluto's 1.24 predates
  the version itself.
- authorization.k8s.io/v1beta1 access reviews (removed 1.22) are missing from Pluto and added here.
"""

from __future__ import annotations

from dataclasses import dataclass

Version = tuple[int, int]


@dataclass(frozen=True)
class Deprecation:
    api_version: str
    kinds: frozenset[str]
    deprecated: Version | None
    removed: Version | None
    replacement: str | None  # None: no API replacement
    since: Version | None = None  # when the replacement became available
    note: str = ""  # provenance, or the advice when there is no replacement API
    interim: str = ""  # what to use on targets older than `since`


def _row(api_version, kinds, deprecated, removed, replacement, since=None, note="", interim=""):
    return Deprecation(api_version, frozenset(kinds.split(", ")), deprecated, removed, replacement, since, note, interim)


FLOW_KINDS = "FlowSchema, PriorityLevelConfiguration"
RBAC_KINDS_TEXT = "ClusterRoleBinding, ClusterRole, Role, RoleBinding"
FLOW_INTERIM = "flowcontrol.apiserver.k8s.io/v1beta3 on 1.26-1.28"
DRA_KINDS = "ResourceSlice, ResourceClaim, DeviceClass, ResourceClaimTemplate"

TABLE: tuple[Deprecation, ...] = (
    _row("apps/v1beta1", "Deployment, StatefulSet", (1, 9), (1, 16), "apps/v1", (1, 9)),
    _row("apps/v1beta1", "ReplicaSet", None, (1, 16), "apps/v1", (1, 9)),
    _row("apps/v1beta2", "Deployment, StatefulSet, DaemonSet", (1, 9), (1, 16), "apps/v1", (1, 9)),
    _row("apps/v1beta2", "ReplicaSet", None, (1, 16), "apps/v1", (1, 9)),
    _row("extensions/v1beta1", "Deployment, DaemonSet", (1, 9), (1, 16), "apps/v1", (1, 9)),
    _row("extensions/v1beta1", "NetworkPolicy", (1, 9), (1, 16), "networking.k8s.io/v1", (1, 8)),
    _row("extensions/v1beta1", "PodSecurityPolicy", (1, 10), (1, 16), "policy/v1beta1", (1, 10)),
    _row("extensions/v1beta1", "ReplicaSet", None, (1, 16), "apps/v1", (1, 9)),
    _row("scheduling.k8s.io/v1alpha1", "PriorityClass", (1, 14), (1, 17), "scheduling.k8s.io/v1", None, "alpha; Pluto only"),
    _row(
        "admissionregistration.k8s.io/v1beta1",
        "MutatingWebhookConfiguration, ValidatingWebhookConfiguration",
        (1, 16),
        (1, 22),
        "admissionregistration.k8s.io/v1",
        (1, 16),
    ),
    _row("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition", (1, 16), (1, 22), "apiextensions.k8s.io/v1", (1, 16)),
    _row("apiregistration.k8s.io/v1beta1", "APIService", (1, 10), (1, 22), "apiregistration.k8s.io/v1", (1, 10)),
    _row("authentication.k8s.io/v1beta1", "TokenReview", (1, 6), (1, 22), "authentication.k8s.io/v1", (1, 6)),
    _row("certificates.k8s.io/v1beta1", "CertificateSigningRequest", (1, 19), (1, 22), "certificates.k8s.io/v1", (1, 19)),
    _row("coordination.k8s.io/v1beta1", "Lease", (1, 14), (1, 22), "coordination.k8s.io/v1", (1, 14)),
    _row("extensions/v1beta1", "Ingress", (1, 14), (1, 22), "networking.k8s.io/v1", (1, 19)),
    _row("networking.k8s.io/v1beta1", "Ingress, IngressClass", (1, 19), (1, 22), "networking.k8s.io/v1", (1, 19)),
    _row("rbac.authorization.k8s.io/v1alpha1", RBAC_KINDS_TEXT, (1, 17), (1, 22), "rbac.authorization.k8s.io/v1", (1, 8), "alpha"),
    _row("rbac.authorization.k8s.io/v1beta1", RBAC_KINDS_TEXT, (1, 17), (1, 22), "rbac.authorization.k8s.io/v1", (1, 8)),
    _row("scheduling.k8s.io/v1beta1", "PriorityClass", (1, 14), (1, 22), "scheduling.k8s.io/v1", (1, 14)),
    _row("storage.k8s.io/v1beta1", "CSINode", (1, 17), (1, 22), "storage.k8s.io/v1", (1, 17)),
    _row("storage.k8s.io/v1beta1", "CSIDriver", (1, 19), (1, 22), "storage.k8s.io/v1", (1, 19)),
    _row("storage.k8s.io/v1beta1", "StorageClass", (1, 6), (1, 22), "storage.k8s.io/v1", (1, 6)),
    _row("storage.k8s.io/v1beta1", "VolumeAttachment", (1, 13), (1, 22), "storage.k8s.io/v1", (1, 13)),
    _row("audit.k8s.io/v1alpha1", "Policy, Event", (1, 21), (1, 24), "audit.k8s.io/v1", None, "API-server config file type"),
    _row("audit.k8s.io/v1beta1", "Policy, Event", (1, 21), (1, 24), "audit.k8s.io/v1", None, "API-server config file type"),
    _row("autoscaling/v2beta1", "HorizontalPodAutoscaler", (1, 22), (1, 25), "autoscaling/v2", (1, 23)),
    _row("batch/v1beta1", "CronJob", (1, 21), (1, 25), "batch/v1", (1, 21)),
    _row("discovery.k8s.io/v1beta1", "EndpointSlice", (1, 21), (1, 25), "discovery.k8s.io/v1", (1, 21)),
    _row("events.k8s.io/v1beta1", "Event", (1, 19), (1, 25), "events.k8s.io/v1", (1, 19)),
    _row("node.k8s.io/v1beta1", "RuntimeClass", (1, 22), (1, 25), "node.k8s.io/v1", (1, 20)),
    _row(
        "policy/v1beta1",
        "PodSecurityPolicy",
        (1, 21),
        (1, 25),
        None,
        None,
        "use Pod Security Admission (namespace labels pod-security.kubernetes.io/*)",
    ),
    _row("policy/v1beta1", "PodDisruptionBudget", (1, 21), (1, 25), "policy/v1", (1, 21)),
    _row("autoscaling/v2beta2", "HorizontalPodAutoscaler", (1, 23), (1, 26), "autoscaling/v2", (1, 23)),
    # Pluto: FlowControl pseudo-kind 1.23/1.26 and FlowSchema/PLC 1.24/1.29; the guide: removed in 1.26
    _row(
        "flowcontrol.apiserver.k8s.io/v1beta1",
        FLOW_KINDS,
        (1, 23),
        (1, 26),
        "flowcontrol.apiserver.k8s.io/v1",
        (1, 29),
        interim=FLOW_INTERIM,
    ),
    _row("storage.k8s.io/v1beta1", "CSIStorageCapacity", (1, 24), (1, 27), "storage.k8s.io/v1", (1, 24)),
    _row(
        "flowcontrol.apiserver.k8s.io/v1beta2",
        FLOW_KINDS,
        (1, 24),
        (1, 29),
        "flowcontrol.apiserver.k8s.io/v1",
        (1, 29),
        interim=FLOW_INTERIM,
    ),
    _row("flowcontrol.apiserver.k8s.io/v1beta3", FLOW_KINDS, (1, 29), (1, 32), "flowcontrol.apiserver.k8s.io/v1", (1, 29)),
    _row(
        "admissionregistration.k8s.io/v1alpha1",
        "ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding",
        (1, 28),
        (1, 33),
        "admissionregistration.k8s.io/v1",
        (1, 30),
        "alpha; Pluto only",
    ),
    _row("resource.k8s.io/v1alpha3", DRA_KINDS, (1, 32), (1, 34), "resource.k8s.io/v1", (1, 34), "alpha; Pluto only"),
    _row("storage.k8s.io/v1alpha1", "VolumeAttributesClass", (1, 31), (1, 35), "storage.k8s.io/v1", (1, 34), "alpha; Pluto only"),
    _row(
        "storagemigration.k8s.io/v1alpha1",
        "StorageVersionMigration",
        (1, 35),
        (1, 35),
        "storagemigration.k8s.io/v1beta1",
        (1, 35),
        "alpha; Pluto only",
    ),
    _row("resource.k8s.io/v1beta1", DRA_KINDS, (1, 33), (1, 36), "resource.k8s.io/v1beta2", (1, 33), "beta; Pluto only"),
    _row("storage.k8s.io/v1beta1", "VolumeAttributesClass", (1, 34), None, "storage.k8s.io/v1", (1, 34)),
    _row(
        "authorization.k8s.io/v1beta1",
        "LocalSubjectAccessReview, SelfSubjectAccessReview, SubjectAccessReview",
        None,
        (1, 22),
        "authorization.k8s.io/v1",
        (1, 6),
        "missing from Pluto; from the migration guide",
    ),
)

_INDEX: dict[tuple[str, str], Deprecation] = {(row.api_version, kind): row for row in TABLE for kind in row.kinds}


def lookup(api_version: str, kind: str) -> Deprecation | None:
    """The table row for an apiVersion/kind pair (`*List` kinds count as their item kind)."""
    row = _INDEX.get((api_version, kind))
    if row is None and kind.endswith("List"):
        row = _INDEX.get((api_version, kind[: -len("List")]))
    return row


def status(row: Deprecation, target: Version) -> str | None:
    """"removed", "deprecated" or None at the target Kubernetes version."""
    if row.removed is not None and target >= row.removed:
        return "removed"
    if row.deprecated is not None and target >= row.deprecated:
        return "deprecated"
    return None


def version_text(version: Version) -> str:
    return f"{version[0]}.{version[1]}"


def advice(row: Deprecation, target: Version) -> str:
    """What to migrate to, for a message: `use apps/v1`, with availability when the target predates it."""
    if row.replacement is None:
        return row.note or "remove it"
    text = f"use {row.replacement}"
    if row.since is not None and target < row.since:
        text += f" (available since {version_text(row.since)}"
        text += f"; {row.interim})" if row.interim else ")"
    return text
