"""dockerfile-healthcheck: the final image declares one HEALTHCHECK.

What it does: flags a final image (the last stage and the stages it is built FROM) without a HEALTHCHECK, and a HEALTHCHECK that a later one in the same stage overrides. `HEALTHCHECK NONE` counts as a deliberate choice.
Why it matters: outside Kubernetes (docker run, Compose, Swarm) the health check is how a hung process is noticed and restarted. Kubernetes ignores it and relies on liveness and readiness probes, which is why this is informational only.
Example: a service image that ends with `CMD ["server"]` and no HEALTHCHECK.
Fix: add `HEALTHCHECK CMD ["/app/healthcheck"]` (or `HEALTHCHECK NONE` to say there is none on purpose), and define matching probes in the chart.
"""

from __future__ import annotations

from bot.dockerfile import Dockerfile
from bot.findings import Severity
from checks._docker import final_chain, stages
from checks._registry import CheckContext, Hit, register


@register(
    id="dockerfile-healthcheck",
    category="dockerfile",
    severity=Severity.INFO,
    scope="dockerfile",
    anchors=("hadolint DL3057", "hadolint DL3012", "Trivy DS026", "Trivy DS023", "Checkov CKV_DOCKER_2"),
)
def check(dockerfile: Dockerfile, ctx: CheckContext):
    all_stages = stages(dockerfile)
    if not all_stages:
        return
    chain = final_chain(all_stages)
    if not any(i.keyword == "HEALTHCHECK" for stage in chain for i in stage.instructions):
        final = all_stages[-1]
        yield Hit("final image defines no HEALTHCHECK", line=final.start.line if final.start else None)
    for stage in all_stages:
        checks = [i for i in stage.instructions if i.keyword == "HEALTHCHECK"]
        for earlier in checks[:-1]:
            yield Hit(f"HEALTHCHECK is overridden by the one on line {checks[-1].line}; only the last applies", line=earlier.line)
