"""image-registry-policy: images come from allowed registries, never the frozen k8s.gcr.io.

What it does: flags images from the frozen `k8s.gcr.io` registry (and its `gcr.io/google_containers` alias) always; with the options `allowedRegistries` / `deniedRegistries` (lists of registries such as `ghcr.io`, `*.azurecr.io`, or repository prefixes such as `ghcr.io/acme`) it also flags images outside the allow-list or inside the deny-list. Images without a registry count as `docker.io`.
Why it matters: k8s.gcr.io has received no images since April 2023, so security fixes never arrive; unvetted registries bypass the scanning, signing and availability guarantees of the ones the organisation trusts.
Example: `image: k8s.gcr.io/ingress-nginx/controller:v1.2.0`; or `quay.io/acme/app:1.0` when only `ghcr.io/acme` is allowed.
Fix: point `image.registry`/`image.repository` in values.yaml at an allowed registry (for k8s.gcr.io, the same path on registry.k8s.io); configure the lists under `checks.options.image-registry-policy` in .chartwarden.yaml.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._docker import frozen_registry, parse_image, registry_matches
from checks._k8s import WORKLOAD_KINDS, K8sObject
from checks._registry import CheckContext, Hit, register

RULE_ID = "image-registry-policy"


def _patterns(value) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)):
        return []
    return [str(v).strip() for v in value if isinstance(v, (str, int, float)) and str(v).strip()]


@register(
    id=RULE_ID,
    category="supply-chain",
    severity=Severity.MEDIUM,
    kinds=WORKLOAD_KINDS,
    anchors=("Trivy KSV125", "Kubescape C-0001", "Kubescape C-0078", "Kubescape C-0253", "hadolint DL3026"),
    fix="image.repository",
)
def check(obj: K8sObject, ctx: CheckContext):
    allowed = _patterns(ctx.option(RULE_ID, "allowedRegistries", []))
    denied = _patterns(ctx.option(RULE_ID, "deniedRegistries", []))
    for container in obj.containers(ephemeral=True):
        image = container.get("image")
        if not isinstance(image, str) or not image.strip():
            continue
        ref = parse_image(image)
        path = container.at("image")
        shown = image.strip()
        if frozen_registry(ref):
            frozen = ref.registry if ref.registry == "k8s.gcr.io" else f"gcr.io/{ref.path.split('/', 1)[0]}"
            message = f'container "{container.name}" pulls "{shown}" from the frozen registry {frozen}; use registry.k8s.io'
            yield Hit(message, path, value_hint=ref.registry)
            continue
        hit = next((p for p in denied if registry_matches(ref, p)), None)
        if hit is not None:
            message = f'container "{container.name}" image "{shown}" comes from the denied registry "{hit}"'
            yield Hit(message, path, value_hint=ref.registry)
        elif allowed and not any(registry_matches(ref, p) for p in allowed):
            yield Hit(
                f'container "{container.name}" image "{shown}" comes from registry "{ref.registry}", which is not in allowedRegistries',
                path,
                value_hint=ref.registry,
            )
