"""RBAC helpers: the policy rules of a Role/ClusterRole and what each one grants, matched like the authorizer.

Matching follows the Kubernetes RBAC authorizer: a verb matches itself or `*`; a resource matches
itself, `*`, or `*/<subresource>` for a subresource; an API group matches itself or `*`. Rules with
a missing `apiGroups` (invalid, but common in hand-written roles) are matched leniently against any
group. Wildcard *resources* are left to `rbac-wildcard`: the permission rules built on
`PolicyRule.grant` only name resources a rule lists explicitly, so one `*/*/*` rule is reported once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from checks._k8s import K8sObject, join_path

ROLE_KINDS = frozenset({"Role", "ClusterRole"})
BINDING_KINDS = frozenset({"RoleBinding", "ClusterRoleBinding"})
RBAC_GROUP = "rbac.authorization.k8s.io"


def _items(value: Any) -> tuple[tuple[int | None, str], ...]:
    """(index, text) of each string in a list; a bare string counts as one item without an index."""
    if isinstance(value, str):
        return ((None, value),)
    if not isinstance(value, list):
        return ()
    return tuple((index, item) for index, item in enumerate(value) if isinstance(item, str))


@dataclass(frozen=True)
class Grant:
    """What one policy rule grants of a set of (verbs, resources): matched names and where they sit."""

    verbs: tuple[str, ...]
    resources: tuple[str, ...]
    path: str  # the first matched resource (or verb) in the rule

    @property
    def verbs_text(self) -> str:
        return 'all verbs ("*")' if "*" in self.verbs else ", ".join(self.verbs)

    @property
    def resources_text(self) -> str:
        return ", ".join(self.resources)


@dataclass(frozen=True)
class PolicyRule:
    """One entry of `rules:` in a Role or ClusterRole."""

    index: int
    data: dict

    @property
    def path(self) -> str:
        return join_path("rules", self.index)

    def at(self, field: str, position: int | None = None) -> str:
        return join_path("rules", self.index, field) if position is None else join_path("rules", self.index, field, position)

    def items(self, field: str) -> tuple[tuple[int | None, str], ...]:
        return _items(self.data.get(field))

    def values(self, field: str) -> tuple[str, ...]:
        return tuple(text for _, text in self.items(field))

    @property
    def verbs(self) -> tuple[str, ...]:
        return self.values("verbs")

    @property
    def resources(self) -> tuple[str, ...]:
        return self.values("resources")

    @property
    def resource_names(self) -> tuple[str, ...]:
        return tuple(name for name in self.values("resourceNames") if name)

    def group_matches(self, groups: Iterable[str]) -> bool:
        if "apiGroups" not in self.data or self.data.get("apiGroups") is None:
            return True
        mine = set(self.values("apiGroups"))
        return "*" in mine or any(group in mine for group in groups)

    def matched_verbs(self, wanted: Iterable[str]) -> tuple[str, ...]:
        wanted = set(wanted)
        return tuple(dict.fromkeys(v for v in self.verbs if v == "*" or v in wanted))

    def grant(self, verbs: Iterable[str], resources: dict[str, Iterable[str]]) -> Grant | None:
        """What of `verbs` on `resources` ({resource: its API groups}) this rule grants, by name.

        A listed resource matches when the rule names it exactly, or names `*/<sub>` for a
        subresource `<res>/<sub>`; a bare `*` resource does not count here (see `rbac-wildcard`).
        """
        matched_verbs = self.matched_verbs(verbs)
        if not matched_verbs:
            return None
        names: list[str] = []
        first: int | None | str = "none"
        for position, text in self.items("resources"):
            for resource, groups in resources.items():
                sub = resource.split("/", 1)[1] if "/" in resource else None
                if text == resource or (sub is not None and text == f"*/{sub}"):
                    if not self.group_matches(groups):
                        continue
                    if resource not in names:
                        names.append(resource)
                    if first == "none":
                        first = position
        if not names:
            return None
        return Grant(matched_verbs, tuple(names), self.at("resources", first if isinstance(first, int) else None))


def policy_rules(obj: K8sObject) -> Iterator[PolicyRule]:
    """Every well-formed (mapping) entry of a Role/ClusterRole's `rules`."""
    rules = obj.get("rules")
    if not isinstance(rules, list):
        return
    for index, rule in enumerate(rules):
        if isinstance(rule, dict):
            yield PolicyRule(index, rule)


def describe(obj: K8sObject) -> str:
    """`ClusterRole "name"` for messages."""
    return f'{obj.kind or "object"} "{obj.name}"'


def subjects(obj: K8sObject) -> Iterator[tuple[int, dict]]:
    """(index, subject) of a RoleBinding/ClusterRoleBinding."""
    items = obj.get("subjects")
    if not isinstance(items, list):
        return
    for index, subject in enumerate(items):
        if isinstance(subject, dict):
            yield index, subject


def subject_text(subject: dict) -> str:
    kind = str(subject.get("kind") or "subject")
    name = str(subject.get("name") or "")
    namespace = subject.get("namespace")
    if kind == "ServiceAccount" and isinstance(namespace, str) and namespace:
        return f'ServiceAccount "{namespace}/{name}"'
    return f'{kind} "{name}"'


def role_ref(obj: K8sObject) -> tuple[str, str]:
    """(kind, name) of a binding's roleRef ("" where missing)."""
    ref = obj.get("roleRef")
    if not isinstance(ref, dict):
        return "", ""
    return str(ref.get("kind") or ""), str(ref.get("name") or "")


def is_all_wildcard(rule: PolicyRule) -> bool:
    """`apiGroups: ["*"], resources: ["*"], verbs: ["*"]`: the rule grants everything."""
    return "*" in rule.values("apiGroups") and "*" in rule.resources and "*" in rule.verbs
