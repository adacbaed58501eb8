"""PR event to completed check run: one signed pull_request.opened delivery at a time, timed end to end.

Run by hand, not in CI (needs prism: scripts/install-test-assets.sh, and helm):

    .venv/bin/python bench/pr_latency_bench.py --runs 10
    .venv/bin/python bench/pr_latency_bench.py --runs 10 --chart ../shared/corpus/charts/prometheus-node-exporter

`chartwarden serve` (in-process worker, SQLite, default settings unless --poll is given) talks to a
GitHub mock: prism serving tests/fixtures/openapi/github-trimmed.json behind a recording proxy
(bench/_service.py). The proxy answers the tarball endpoint as GitHub does, with a redirect, and the
redirect with a real .tar.gz of --chart (placed at charts/<name>/ in a repository) and the installation-token endpoint with a token valid for an hour,
and reports the bench's head SHA for GET /pulls/{n} so the audit goes on to the review and summary
comment as it would on GitHub; every other call is prism's answer.

Each run gets new head and base SHAs whose tarballs differ from every earlier run (a unique comment in
values.yaml), so nothing comes from the audit cache: both trees are rendered and checked. With
--warm-base the base tree stays the same across runs (a busy repository: many PRs against one base
commit), so from the second run on only the head is audited cold.

Timed from just before the delivery is written to the socket (this process's monotonic clock; the
proxy records arrivals on the same clock):
  ack        the 202 from the service
  first call the first request the worker sends (the job was claimed: queue wait + token)
  check      POST /check-runs (in_progress)
  tarballs   both tarballs served
  completed  PATCH /check-runs/{id} with status "completed"  <- the target: <= 3 s
  summary    the summary comment posted (the job's last call)
A first delivery after start-up warms the process (imports, schema loading) and is reported apart.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _service import (  # noqa: E402
    GitHubMock,
    Prism,
    Recorded,
    Service,
    chart_tarball,
    fresh_database,
    machine,
    pull_request_payload,
    sign,
)

REPO = "bench-org/charts"
PR_NUMBER = 7
PHASES = ("ack", "first_call", "check_created", "tarballs", "completed", "summary")


def sha(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def is_completed(r: Recorded) -> bool:
    return r.method == "PATCH" and "/check-runs/" in r.path and isinstance(r.body, dict) and r.body.get("status") == "completed"


def is_summary(r: Recorded) -> bool:
    return r.method in ("POST", "PATCH") and "/issues/" in r.path and r.path.endswith("/comments") or (
        r.method == "PATCH" and "/issues/comments/" in r.path)


def one_event(service: Service, mock: GitHubMock, tarballs: dict, chart: Path, tag: str, base_sha: str | None) -> dict:
    head = sha(f"head-{tag}")
    base = base_sha or sha(f"base-{tag}")
    top = REPO.replace("/", "-")
    tarballs.setdefault(base, chart_tarball(chart, f"{top}-{base[:7]}", note=f"base {base}"))
    tarballs[head] = chart_tarball(chart, f"{top}-{head[:7]}", note=f"head {tag}")
    mock.pull_heads[PR_NUMBER] = (head, base)
    body = json.dumps(pull_request_payload(repo=REPO, number=PR_NUMBER, head_sha=head, base_sha=base)).encode()
    delivery = f"pr-{tag}"
    headers = {"Content-Type": "application/json", "X-GitHub-Event": "pull_request", "X-GitHub-Delivery": delivery,
               "X-Hub-Signature-256": sign(body), "User-Agent": "GitHub-Hookshot/bench"}
    since = len(mock.records)
    conn = http.client.HTTPConnection("127.0.0.1", service.port, timeout=30)
    t0 = time.monotonic()
    conn.request("POST", "/webhooks/github", body=body, headers=headers)
    resp = conn.getresponse()
    resp.read()
    t_ack = time.monotonic()
    conn.close()
    if resp.status != 202:
        raise RuntimeError(f"delivery answered {resp.status}")
    completed = mock.wait_for(is_completed, since=since, timeout=180)
    summary = mock.wait_for(is_summary, since=since, timeout=60)
    if completed is None:
        raise RuntimeError(f"no completed check run within 180 s; see {service.log_path}")
    seen = [r for r in mock.records[since:] if not r.path.startswith("/app/hook/")]  # the job's calls only
    first = seen[0]
    check = next(r for r in seen if r.method == "POST" and r.path.endswith("/check-runs"))
    tars = [r for r in seen if "/_codeload/" in r.path]  # the tarball downloads, after GitHub-style redirects
    return {
        "ack": t_ack - t0,
        "first_call": first.at - t0,
        "check_created": check.done_at - t0,
        "tarballs": max(r.done_at for r in tars[:2]) - t0,
        "completed": completed.at - t0,
        "summary": (summary.done_at - t0) if summary else float("nan"),
        "conclusion": completed.body.get("conclusion"),
        "title": (completed.body.get("output") or {}).get("title", ""),
        "calls": len([r for r in seen if r.at <= (summary.done_at if summary else completed.at)]),
        "failed_calls": sorted({f"{r.method} {r.path} {r.status}" for r in seen if not 200 <= r.status < 400}),
        "delivery": delivery,
        "tarball_bytes": len(tarballs[head]),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--chart", type=Path, default=ROOT / "examples" / "webapp")
    parser.add_argument("--warm-base", action="store_true", help="same base tree every run (cached after the first)")
    parser.add_argument("--poll", type=float, help="CHARTWARDEN_WORKER_POLL_SECONDS (default: the service's, 1.0)")
    parser.add_argument("--pause", type=float, nargs=2, default=(0.2, 1.5), metavar=("MIN", "MAX"),
                        help="random pause between runs, so deliveries land at any point of the worker's poll cycle")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    chart = args.chart.resolve()
    if not (chart / "Chart.yaml").is_file():
        parser.error(f"{chart} holds no Chart.yaml")

    print(f"machine: {machine()}")
    extra = {"CHARTWARDEN_WORKER_POLL_SECONDS": str(args.poll)} if args.poll is not None else {}
    tarballs: dict[str, bytes] = {}
    runs = []
    with tempfile.TemporaryDirectory(prefix="cw-pr-bench-") as tmp, fresh_database("sqlite") as db:
        workdir = Path(tmp)
        with Prism(workdir) as prism, GitHubMock(prism.port, lambda repo, ref: tarballs[ref]) as mock, \
                Service(db, api_url=mock.url, workdir=workdir, worker=True, extra_env=extra) as service:
            stamp = uuid.uuid4().hex[:8]
            base_sha = sha(f"base-fixed-{stamp}") if args.warm_base else None
            first = one_event(service, mock, tarballs, chart, f"{stamp}-warmup", base_sha)
            print(f"first event after start-up: completed check run at {first['completed']:.2f} s "
                  f"({first['conclusion']}: {first['title']}), summary at {first['summary']:.2f} s")
            for i in range(args.runs):
                time.sleep(random.uniform(*args.pause))
                r = one_event(service, mock, tarballs, chart, f"{stamp}-{i}", base_sha)
                runs.append(r)
                print(f"run {i + 1:2d}: " + ", ".join(f"{k} {r[k]:.3f}" for k in PHASES)
                      + f" s; {r['calls']} API calls, {r['conclusion']}: {r['title']}"
                      + (f"; failed calls: {r['failed_calls']}" if r["failed_calls"] else ""))
            records = service.log_records()
    durations = [rec.get("duration_s") for rec in records if rec.get("message") == "job finished"]
    median = {k: statistics.median(r[k] for r in runs) for k in PHASES}
    print(f"\nchart {chart} ({sum(1 for p in chart.rglob('*') if p.is_file())} files), "
          f"tarball {runs[-1]['tarball_bytes'] / 1024:.0f} kB, "
          f"{'warm base' if args.warm_base else 'cold base and head'}, worker poll "
          f"{args.poll if args.poll is not None else 'default (1.0 s)'}")
    print(f"median of {len(runs)} runs: " + ", ".join(f"{k} {median[k]:.3f} s" for k in PHASES))
    completed = sorted(r["completed"] for r in runs)
    print(f"PR event -> completed check run: median {median['completed']:.2f} s, min {completed[0]:.2f} s, "
          f"max {completed[-1]:.2f} s (target <= 3 s: {'met' if median['completed'] <= 3 else 'MISSED'})")
    print(f"worker job durations (service log, s): {durations}")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "chart": str(chart), "warm_base": args.warm_base,
                                         "poll": args.poll, "first": first, "runs": runs, "median": median}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
