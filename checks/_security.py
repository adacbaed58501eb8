"""Shared helpers for the pod/container security rules: security contexts, capabilities, host paths.

Pod-level `securityContext` values (runAsNonRoot, runAsUser, runAsGroup, ...) apply to every container
unless the container sets the same field; `effective()` resolves that and says where the value lives.
Everything here tolerates arbitrary YAML: wrong types read as "not set", never raise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator

from checks._k8s import Container, K8sObject, extend_path

# Capabilities that hand a container kernel-level control of the node (or everything at once).
DANGEROUS_CAPABILITIES = frozenset({"ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_MODULE", "NET_RAW", "SYS_PTRACE", "BPF"})


def label(obj: K8sObject) -> str:
    """How messages name a workload: `Deployment "web"`."""
    return f'{obj.kind or "object"} "{obj.name or "?"}"'


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def pod_context(obj: K8sObject) -> dict:
    """The pod-level securityContext (empty when missing or not a mapping)."""
    return _dict((obj.pod_spec or {}).get("securityContext"))


def container_context(container: Container) -> dict:
    return _dict(container.data.get("securityContext"))


def is_windows(obj: K8sObject) -> bool:
    """Pods pinned to Windows nodes, where the Linux-only security fields do not apply."""
    os_name = (_dict((obj.pod_spec or {}).get("os"))).get("name")
    return isinstance(os_name, str) and os_name.strip().lower() == "windows"


def user_namespaced(obj: K8sObject) -> bool:
    """`hostUsers: false`: the pod runs in its own user namespace, so its UID 0 is not root on the node."""
    return (obj.pod_spec or {}).get("hostUsers") is False


def effective(obj: K8sObject, container: Container, field: str) -> tuple[Any, str]:
    """The value of an inheritable securityContext field for this container, and the path that sets it.

    The container's own value wins; otherwise the pod's. (None, "") when neither sets it.
    """
    own = container_context(container).get(field)
    if own is not None:
        return own, container.at("securityContext", field)
    pod = pod_context(obj).get(field)
    if pod is not None:
        return pod, obj.pod_at("securityContext", field)
    return None, ""


def missing_path(obj: K8sObject, container: Container, field: str) -> str:
    """Where a missing inheritable field should go.

    The pod-level securityContext (one fix covers every container; `podSecurityContext` in a
    `helm create` chart) when the pod has one or the container has none; else the container's.
    """
    spec = obj.pod_spec or {}
    if isinstance(spec.get("securityContext"), dict) or not isinstance(container.data.get("securityContext"), dict):
        return obj.pod_at("securityContext", field)
    return container.at("securityContext", field)


def as_int(value: Any) -> int | None:
    """An integer field's value; None for anything else (booleans included)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def capability(value: Any) -> str:
    """Canonical capability name: `cap_sys_admin` -> `SYS_ADMIN`; "" for non-strings."""
    if not isinstance(value, str):
        return ""
    name = value.strip().upper()
    return name[4:] if name.startswith("CAP_") else name


def capability_items(container: Container, which: str) -> Iterator[tuple[str, str]]:
    """(canonical name, field path) for each entry of capabilities.add / capabilities.drop.

    A bare string instead of a list (invalid, but seen in hand-written values) counts as one entry.
    """
    base = container.at("securityContext", "capabilities", which)
    items = container.get("securityContext", "capabilities", which)
    if isinstance(items, str):
        if capability(items):
            yield capability(items), base
        return
    if not isinstance(items, list):
        return
    for index, item in enumerate(items):
        name = capability(item)
        if name:
            yield name, extend_path(base, index)


# -- host paths ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class HostPathVolume:
    index: int  # position in the pod's volumes
    name: str
    path: str  # normalised host path; "" when missing or not a string
    raw: str  # the host path as written

    def at(self, obj: K8sObject, *keys: Any) -> str:
        return obj.pod_at("volumes", self.index, "hostPath", *keys)


def normalise_host_path(value: Any) -> str:
    """`/var//run/` -> `/var/run`; "" for non-strings or empty paths."""
    if not isinstance(value, str) or not value.strip():
        return ""
    parts: list[str] = []
    for part in re.split(r"/+", value.strip()):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return "/" + "/".join(parts)


def host_path_volumes(obj: K8sObject) -> Iterator[HostPathVolume]:
    volumes = (obj.pod_spec or {}).get("volumes")
    if not isinstance(volumes, list):
        return
    for index, volume in enumerate(volumes):
        if not isinstance(volume, dict) or volume.get("hostPath") is None:
            continue
        source = volume.get("hostPath")
        raw = source.get("path") if isinstance(source, dict) else source
        raw_text = raw.strip() if isinstance(raw, str) else ""
        name = volume.get("name")
        yield HostPathVolume(index, name if isinstance(name, str) and name else "?", normalise_host_path(raw_text), raw_text)


def mounts_of(obj: K8sObject, volume_name: str) -> Iterator[tuple[Container, int, dict]]:
    """(container, index in volumeMounts, mount) for every mount of the named volume."""
    for container in obj.containers(init=True, ephemeral=True):
        mounts = container.data.get("volumeMounts")
        if not isinstance(mounts, list):
            continue
        for index, mount in enumerate(mounts):
            if isinstance(mount, dict) and mount.get("name") == volume_name:
                yield container, index, mount


def under(path: str, root: str) -> bool:
    """Whether a normalised path is `root` or lies below it."""
    return path == root or path.startswith(root.rstrip("/") + "/")
