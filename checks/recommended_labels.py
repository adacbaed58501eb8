"""recommended-labels: workloads and Services carry the recommended app labels.

What it does: flags workloads and Services whose `metadata.labels` lack any of the required labels, and workloads whose pod template labels lack them. The required set defaults to `app.kubernetes.io/name` and `app.kubernetes.io/instance` and can be replaced with the rule option `required` (for example to add `app.kubernetes.io/version`, `helm.sh/chart` or an organisation's `owner` label). When the release name is known (charts), it also flags an `app.kubernetes.io/instance` label that differs from it, which is the sign of a hard-coded instance.
Why it matters: dashboards, `kubectl get -l`, cost reports and alert routing group objects by these labels; without them, or with an instance that is not the release, two installs of a chart cannot be told apart and pods are missing from per-app views.
Example: a Deployment labelled only `app: web`, or with `app.kubernetes.io/instance: web` in a release called `shop`.
Fix: define a `<chart>.labels` helper (name, instance from `.Release.Name`, version, managed-by, helm.sh/chart) and include it in every object's `metadata.labels` and in each pod template's labels.
"""

from __future__ import annotations

from typing import Iterator

from bot.findings import Severity
from checks._integrity import text, workload_label
from checks._k8s import WORKLOAD_KINDS, K8sObject, Release, extend_path
from checks._registry import CheckContext, Hit, register

RULE = "recommended-labels"
DEFAULT_REQUIRED = ("app.kubernetes.io/name", "app.kubernetes.io/instance")
INSTANCE = "app.kubernetes.io/instance"


def _required(ctx: CheckContext) -> list[str]:
    value = ctx.option(RULE, "required", None)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return list(value)
    return list(DEFAULT_REQUIRED)


def _label_hits(obj: K8sObject, labels: dict, base: str, who: str, required: list[str], release: Release) -> Iterator[Hit]:
    missing = [key for key in required if text(labels.get(key)) == ""]
    if missing:
        shown = ", ".join(f'"{key}"' for key in missing)
        noun = "label" if len(missing) == 1 else "labels"
        yield Hit(f"{who} lacks the {noun} {shown}", extend_path(base, "labels"), obj=obj)
    instance = text(labels.get(INSTANCE))
    if release.name and instance and instance != release.name:
        yield Hit(
            f'{who} has label "{INSTANCE}={instance}", not the release name "{release.name}"',
            extend_path(base, "labels", INSTANCE),
            obj=obj,
        )


@register(
    id=RULE,
    category="observability",
    severity=Severity.MEDIUM,
    scope="release",
    anchors=(
        "kube-linter required-label-owner",
        "kube-linter required-annotation-email",
        "Polaris metadataAndInstanceMismatched",
        "Kubescape C-0076",
        "Kubescape C-0077",
    ),
)
def check(release: Release, ctx: CheckContext):
    required = _required(ctx)
    for obj in release.objects:
        if obj.kind not in WORKLOAD_KINDS and obj.kind != "Service":
            continue
        name = workload_label(obj) if obj.kind != "Service" else f'service "{obj.name}"'
        yield from _label_hits(obj, obj.labels, "metadata", name, required, release)
        if obj.kind != "Pod" and obj.pod_spec is not None:
            yield from _label_hits(obj, obj.pod_labels, obj.pod_meta_path, f"pod template of {name}", required, release)
