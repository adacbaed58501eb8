"""manifest-schema-valid: objects match the Kubernetes API schema of the target version.

What it does: validates every rendered object against the Kubernetes JSON schema of the target version (from the kubernetes-validate package; the closest release it ships when it has no exact match): wrong types, missing required fields and, by default, unknown fields (option `strict: false` allows them). It also checks what the schema cannot express: `metadata.name` syntax per kind (as helm lint does) and label keys and values. Each problem is reported at the offending field. Kinds without a schema at that version (custom resources, and built-in APIs already removed, which deprecated-api-version reports) are skipped silently.
Why it matters: the API server rejects the object, so `helm install`/`kubectl apply` fails at deploy time, often halfway through a release; a misspelt field that a lenient client drops (`resource:` for `resources:`) silently loses the setting.
Example: `replicas: "3"` (a string), `containerPort: http`, an unquoted `prometheus.io/port: 8080` annotation, or a Service named `1-web`.
Fix: correct the field the finding names (type, spelling or missing value), usually in values.yaml; quote numbers and booleans that must be strings.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import K8sObject, extend_path, join_path, split_path
from checks._registry import CheckContext, Hit, register
from checks._schema import (
    closest_version,
    definitions,
    surely_valid,
    label_key_problem,
    label_value_problem,
    name_problem,
    problems,
    validator,
)

RULE_ID = "manifest-schema-valid"
MAX_PROBLEMS = 20  # per object: a wholly wrong object should not bury the report


def _path(parts: tuple) -> str:
    return join_path(*parts)


def _labels(obj: K8sObject, base: str, labels: object):
    if not isinstance(labels, dict):
        return
    for key, value in labels.items():
        where = extend_path(base, "labels", str(key))
        if isinstance(key, str):
            why = label_key_problem(key)
            if why:
                yield Hit(f'label key "{key}" is invalid: {why}', where)
                continue
        if isinstance(value, str):
            why = label_value_problem(value)
            if why:
                yield Hit(f'label "{key}" has the invalid value "{value[:70]}": {why}', where)


def _metadata(obj: K8sObject):
    name = obj.get("metadata", "name")
    if isinstance(name, str) and name:
        why = name_problem(obj.kind, name)
        if why:
            yield Hit(f'{obj.kind} name "{name[:80]}" is invalid: {why}', join_path("metadata", "name"))
    elif name in (None, "") and not obj.get("metadata", "generateName"):
        yield Hit(f"{obj.kind} has no metadata.name", join_path("metadata", "name"))
    yield from _labels(obj, "metadata", obj.get("metadata", "labels"))
    if obj.pod_spec is not None:
        meta = obj.pod_meta_path
        if meta != "metadata":
            yield from _labels(obj, meta, obj.get(*split_path(meta), "labels"))


def _built_in(api_version: str) -> bool:
    """Core groups have no dot ("v1", "apps/v1") or end in .k8s.io; custom resources use their own domains."""
    group = api_version.rsplit("/", 1)[0] if "/" in api_version else ""
    return not group or "." not in group or group.endswith(".k8s.io")


@register(
    id=RULE_ID,
    category="schema",
    severity=Severity.CRITICAL,
    anchors=("kube-linter schema-validation", "kube-score label-values", "helm lint validateMetadataName", "helm lint YAML parse"),
)
def check(obj: K8sObject, ctx: CheckContext):
    api_version, kind = obj.get("apiVersion"), obj.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return
    version = closest_version(ctx.kube_version)
    if version is None:
        return
    strict = ctx.option(RULE_ID, "strict", True) is not False
    defs, index = definitions(version, strict) or ({}, {})
    name = index.get((api_version, kind))
    if name is None:
        if not _built_in(api_version):
            yield Hit(f"no schema for {api_version} {kind} (a custom resource); not validated", skipped=True)
        return  # a removed built-in API is deprecated-api-version's to report
    seen: set[tuple[str, str]] = set()
    fast_ok = surely_valid(obj.doc, {"$ref": f"#/$defs/{name}"}, defs)
    for error in () if fast_ok else validator(version, api_version, kind, strict).iter_errors(obj.doc):
        for problem in problems(error, _path):
            key = (_path(problem.path), problem.message)
            if key not in seen and len(seen) < MAX_PROBLEMS:
                seen.add(key)
                yield Hit(problem.message, key[0])
    for hit in _metadata(obj):
        if (hit.path, hit.message) not in seen:
            yield hit
