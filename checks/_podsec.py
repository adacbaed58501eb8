"""Pod Security Standards helpers shared by the pod-level security rules.

Small, type-safe readers over a rendered object: the pod and container securityContext, how to name
the object that owns a pod in a message, and version gates. Every reader tolerates arbitrary YAML.
"""

from __future__ import annotations

from typing import Any, Iterator

from checks._k8s import Container, K8sObject, dig
from checks._registry import CheckContext


def owner(obj: K8sObject) -> str:
    """How messages name the object that owns a pod: `Deployment "web"`."""
    return f'{obj.kind or "object"} "{obj.name or "?"}"'


def as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


def text(value: Any) -> str | None:
    """A non-empty string value, else None (numbers, maps and blanks are not names)."""
    return value if isinstance(value, str) and value.strip() else None


def pod_security_context(obj: K8sObject) -> dict:
    return as_dict(as_dict(obj.pod_spec).get("securityContext"))


def container_security_context(container: Container) -> dict:
    return as_dict(container.data.get("securityContext"))


def all_containers(obj: K8sObject) -> Iterator[Container]:
    """Every container PSS looks at: app, init and ephemeral containers."""
    return obj.containers(init=True, ephemeral=True)


def is_windows_pod(obj: K8sObject) -> bool:
    return str(dig(obj.pod_spec or {}, "os", "name") or "").lower() == "windows"


def uses_user_namespace(obj: K8sObject) -> bool:
    """`hostUsers: false`: the pod runs in its own user namespace."""
    return as_dict(obj.pod_spec).get("hostUsers") is False


def at_least(ctx: CheckContext, major: int, minor: int) -> bool:
    """Whether the target Kubernetes version is `major.minor` or newer."""
    version = ctx.kube_version if isinstance(ctx.kube_version, tuple) else (1, 31)
    return tuple(version[:2]) >= (major, minor)


def option_list(ctx: CheckContext, rule_id: str, name: str) -> list[str]:
    """A rule option that holds a list of strings; a single value counts as a list of one."""
    value = ctx.option(rule_id, name, [])
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return [str(value)]
    return [str(item) for item in value] if isinstance(value, (list, tuple)) else []


def matches_any(name: str, patterns: list[str]) -> bool:
    """Exact names, or prefixes written with a trailing `*` (`net.core.*`)."""
    for pattern in patterns:
        if pattern.endswith("*") and name.startswith(pattern[:-1]):
            return True
        if name == pattern:
            return True
    return False


def service_account_name(obj: K8sObject) -> str | None:
    """The service account a pod runs as, or None when it names none (it then runs as `default`)."""
    spec = as_dict(obj.pod_spec)
    return text(spec.get("serviceAccountName")) or text(spec.get("serviceAccount"))
