"""dockerfile-base-image-pinned: base images are pinned to a fixed tag, ideally a digest.

What it does: flags `FROM` images without a tag or with `:latest` (medium), and, at low severity, tagged images without an `@sha256:` digest. `FROM scratch`, earlier build stages and `${ARG}` images whose value is only known at build time are skipped; ARG defaults declared before the first FROM are resolved. Option `requireDigest: false` turns the digest finding off.
Why it matters: `latest` and untagged bases change under the same Dockerfile, so two builds of one commit differ and a rebuild can pull in breaking or vulnerable changes no one reviewed; only a digest makes the build reproducible.
Example: `FROM node` or `FROM python:latest`.
Fix: pin a version tag and its digest, e.g. `FROM python:3.12-slim@sha256:<digest>`, and let Renovate or Dependabot bump both.
"""

from __future__ import annotations

from bot.dockerfile import Dockerfile
from bot.findings import Severity
from checks._docker import global_args, has_digest, parse_image, stages, substitute
from checks._registry import CheckContext, Hit, register

RULE_ID = "dockerfile-base-image-pinned"


@register(
    id=RULE_ID,
    category="dockerfile",
    severity=Severity.MEDIUM,
    scope="dockerfile",
    anchors=("hadolint DL3006", "hadolint DL3007", "Trivy DS001", "Checkov CKV_DOCKER_7"),
)
def check(dockerfile: Dockerfile, ctx: CheckContext):
    require_digest = ctx.option(RULE_ID, "requireDigest", True) is not False
    args = global_args(dockerfile)
    names: set[str] = set()
    for stage in stages(dockerfile):
        image = stage.image
        resolved = substitute(image, args) if "$" in image else image
        names_before = set(names)
        if stage.name:
            names.add(stage.name.lower())
        if not image or resolved is None or not resolved.strip():
            continue
        if resolved.lower() == "scratch" or resolved.lower() in names_before or stage.base_stage is not None:
            continue
        shown = f'"{image}"' if resolved == image else f'"{image}" (resolves to "{resolved}")'
        ref = parse_image(resolved)
        if has_digest(ref):
            continue
        line = stage.start.line if stage.start else None
        if not ref.tag:
            yield Hit(f'FROM {shown} has no tag, so it pulls whatever "latest" points to', line=line)
        elif ref.tag == "latest":
            yield Hit(f'FROM {shown} uses the mutable tag "latest"', line=line)
        elif require_digest:
            yield Hit(f"FROM {shown} is not pinned by digest", line=line, severity=Severity.LOW)
