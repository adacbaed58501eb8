"""dockerfile-non-root-user: the image's final stage runs as a non-root USER.

What it does: flags a Dockerfile whose last stage has no USER, or whose last USER is root (or 0).
Why it matters: processes in the image run as root by default; a container escape or a writable host mount then starts from root.
Example: a final stage that ends in `USER root` or never sets USER.
Fix: create an unprivileged user and add `USER 10001` (numeric, so Kubernetes runAsNonRoot can verify it) after the last step that needs root.
"""

from __future__ import annotations

from bot.dockerfile import Dockerfile
from bot.findings import Severity
from checks._registry import CheckContext, Hit, register


@register(
    id="dockerfile-non-root-user",
    category="dockerfile",
    severity=Severity.HIGH,
    scope="dockerfile",
    anchors=("hadolint DL3002", "Trivy DS002", "Checkov CKV_DOCKER_3", "CKV_DOCKER_8"),
)
def check(dockerfile: Dockerfile, ctx: CheckContext):
    stage = dockerfile.final_stage
    if not stage:
        return
    users = [i for i in stage if i.keyword == "USER"]
    if not users:
        yield Hit("final stage sets no USER, so the container runs as root", line=stage[0].line)
        return
    last = users[-1]
    name = last.args.split(":", 1)[0].strip()
    if name in ("root", "0"):
        yield Hit(f"final stage runs as {name}", line=last.line)
