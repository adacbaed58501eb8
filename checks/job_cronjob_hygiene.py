"""job-cronjob-hygiene: Jobs and CronJobs are bounded and clean up after themselves.

What it does: for Jobs and CronJobs flags a pod `restartPolicy` other than Never/OnFailure (high: the API server rejects it, and an unset one defaults to Always), a job without `activeDeadlineSeconds`, and a `backoffLimit` above the rule option `maxBackoffLimit` (default 10). For standalone Jobs it flags a missing `ttlSecondsAfterFinished`, except Helm hooks (Helm deletes them itself, by default before the hook runs again, and a TTL can remove a hook before Helm sees it finish). For CronJobs it flags a missing `startingDeadlineSeconds` and a missing `concurrencyPolicy`.
Why it matters: finished Jobs without a TTL pile up with their pods; a job without a deadline can hang forever (and, under `concurrencyPolicy: Forbid`, block every later run); a CronJob without `startingDeadlineSeconds` starts a run missed during a controller outage arbitrarily late (and older controllers stopped scheduling it after 100 missed runs), and the default `concurrencyPolicy: Allow` lets slow runs overlap.
Example: a CronJob with only `schedule` and `jobTemplate`, whose pod template has no `restartPolicy`.
Fix: set `restartPolicy: Never` (or OnFailure) in the pod template, `activeDeadlineSeconds` and a small `backoffLimit` on the job, `ttlSecondsAfterFinished` on standalone Jobs, and `startingDeadlineSeconds` plus an explicit `concurrencyPolicy` (usually Forbid) on CronJobs.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._integrity import is_hook, text, workload_label
from checks._k8s import K8sObject, join_path
from checks._registry import CheckContext, Hit, register

RULE = "job-cronjob-hygiene"
_RESTART = ("Never", "OnFailure")


def _number(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@register(
    id=RULE,
    category="reliability",
    severity=Severity.LOW,
    kinds=("Job", "CronJob"),
    anchors=(
        "kube-linter job-ttl-seconds-after-finished",
        "kube-linter restart-policy",
        "kube-score cronjob-has-deadline",
        "kube-score cronjob-restartpolicy",
    ),
)
def check(obj: K8sObject, ctx: CheckContext):
    who = workload_label(obj)
    job_spec_keys = ("spec", "jobTemplate", "spec") if obj.kind == "CronJob" else ("spec",)
    job_spec = obj.get(*job_spec_keys)
    if not isinstance(job_spec, dict):
        return
    spec = obj.pod_spec
    if spec is not None:
        policy = spec.get("restartPolicy")
        if policy in (None, ""):
            yield Hit(
                f'{who} sets no restartPolicy; the default "Always" is rejected for Jobs (use "Never" or "OnFailure")',
                obj.pod_at("restartPolicy"),
                severity=Severity.HIGH,
            )
        elif policy not in _RESTART:
            yield Hit(
                f'{who} uses restartPolicy "{text(policy) or policy}"; Jobs accept only "Never" or "OnFailure"',
                obj.pod_at("restartPolicy"),
                severity=Severity.HIGH,
            )
    if job_spec.get("activeDeadlineSeconds") is None:
        yield Hit(f"{who} sets no activeDeadlineSeconds; a hung run is never stopped", join_path(*job_spec_keys, "activeDeadlineSeconds"))
    limit = _number(job_spec.get("backoffLimit"))
    maximum = ctx.option(RULE, "maxBackoffLimit", 10)
    if limit is not None and _number(maximum) is not None and limit > maximum:
        yield Hit(f"{who} retries a failing pod up to {limit} times (backoffLimit above {maximum})", join_path(*job_spec_keys, "backoffLimit"))
    if obj.kind == "Job":
        if job_spec.get("ttlSecondsAfterFinished") is None and not is_hook(obj):
            yield Hit(f"{who} sets no ttlSecondsAfterFinished; the finished Job and its pods are never cleaned up", "spec.ttlSecondsAfterFinished")
    else:
        if obj.get("spec", "startingDeadlineSeconds") is None:
            yield Hit(f"{who} sets no startingDeadlineSeconds; a missed run may start arbitrarily late", "spec.startingDeadlineSeconds")
        if obj.get("spec", "concurrencyPolicy") in (None, ""):
            yield Hit(f'{who} sets no concurrencyPolicy; the default "Allow" lets runs overlap', "spec.concurrencyPolicy")
