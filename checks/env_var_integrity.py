"""env-var-integrity: container environment is consistent and its sources exist.

What it does: flags (1) an env name set more than once in one container; (2) `valueFrom.configMapKeyRef` / `secretKeyRef` and `envFrom.configMapRef` / `secretRef` that name a ConfigMap or Secret the release renders under another kind, or a key that the rendered object does not hold; (3) references to a ConfigMap or Secret the release does not define at all, at a lower severity, since such objects are often created outside the chart (`existingSecret`, an operator, another release). References marked `optional: true` are skipped, and objects listed under the rule's `external` option are trusted.
Why it matters: a missing ConfigMap/Secret or key leaves the pod in CreateContainerConfigError, which `helm install` does not notice unless it waits; a duplicated env name silently keeps only the last value, and the list then diffs badly on every `kubectl apply`.
Example: `secretKeyRef: {name: db, key: password}` while the chart's Secret "db" holds only `postgres-password`.
Fix: make the reference match what the chart renders (same fullname helper, same key), mark truly optional references `optional: true`, list objects created outside the chart under `options: {env-var-integrity: {external: [...]}}`, and keep one entry per env name.
"""

from __future__ import annotations

from typing import Any

from bot.findings import Severity
from checks._integrity import PodSource, external, find, named, pod_sources, text
from checks._k8s import Release, extend_path
from checks._registry import CheckContext, Hit, register

RULE = "env-var-integrity"
_KEY_FIELDS = {"ConfigMap": ("data", "binaryData"), "Secret": ("data", "stringData")}


def _optional(ref: dict) -> bool:
    value = ref.get("optional")
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _reference(release: Release, ctx: CheckContext, pod: PodSource, kind: str, ref: Any, who: str, path: str, key_path: str | None):
    """Hits for one reference to a ConfigMap/Secret `ref` (a dict with name, key, optional)."""
    if not isinstance(ref, dict) or _optional(ref):
        return
    name = text(ref.get("name"))
    if not name or external(ctx, RULE, kind, name):
        return
    target = find(release, (kind,), name, pod.obj)
    if target is None:
        others = sorted({obj.kind for obj in named(release, name, pod.obj) if obj.kind in _KEY_FIELDS})
        if others:
            yield Hit(
                f'{who} reads {kind} "{name}" but the release defines "{name}" as a {others[0]}',
                extend_path(path, "name"),
                obj=pod.obj,
            )
        else:
            yield Hit(
                f'{who} reads {kind} "{name}" that the release does not define (it may be created outside the chart)',
                extend_path(path, "name"),
                obj=pod.obj,
                severity=Severity.LOW,
            )
        return
    if key_path is None:
        return
    key = text(ref.get("key"))
    if not key:
        return
    keys: set[str] = set()
    for field in _KEY_FIELDS[kind]:
        data = target.get(field)
        if isinstance(data, dict):
            keys.update(str(k) for k in data)
    if key not in keys:
        shown = ", ".join(f'"{k}"' for k in sorted(keys)) or "none"
        yield Hit(f'{who} reads key "{key}" that {kind} "{name}" does not hold (keys: {shown})', key_path, obj=pod.obj)


@register(
    id=RULE,
    category="reliability",
    severity=Severity.MEDIUM,
    scope="release",
    anchors=(
        "kube-linter duplicate-env-var",
        "kube-linter env-value-from",
        "kube-score environment-variable-key-duplication",
        "Kubescape C-0295",
    ),
)
def check(release: Release, ctx: CheckContext):
    for pod in pod_sources(release):
        for group in ("initContainers", "containers"):
            containers = pod.spec.get(group)
            if not isinstance(containers, list):
                continue
            for ci, container in enumerate(containers):
                if not isinstance(container, dict):
                    continue
                cname = text(container.get("name")) or "?"
                base = extend_path(pod.spec_path, group, ci)
                env = container.get("env")
                seen: dict[str, int] = {}
                for ei, item in enumerate(env if isinstance(env, list) else []):
                    if not isinstance(item, dict):
                        continue
                    name = text(item.get("name"))
                    item_path = extend_path(base, "env", ei)
                    if name:
                        if name in seen:
                            yield Hit(
                                f'container "{cname}" sets env "{name}" more than once (also at env[{seen[name]}]); only the last value applies',
                                extend_path(item_path, "name"),
                                obj=pod.obj,
                            )
                        else:
                            seen[name] = ei
                    value_from = item.get("valueFrom")
                    if not isinstance(value_from, dict):
                        continue
                    for field, kind in (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")):
                        if field in value_from:
                            ref_path = extend_path(item_path, "valueFrom", field)
                            yield from _reference(
                                release, ctx, pod, kind, value_from[field], f'container "{cname}" env "{name}"',
                                ref_path, extend_path(ref_path, "key"),
                            )
                env_from = container.get("envFrom")
                for fi, item in enumerate(env_from if isinstance(env_from, list) else []):
                    if not isinstance(item, dict):
                        continue
                    for field, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
                        if field in item:
                            ref_path = extend_path(base, "envFrom", fi, field)
                            yield from _reference(
                                release, ctx, pod, kind, item[field], f'container "{cname}" envFrom', ref_path, None
                            )
