"""Side-by-side benchmark: Chartwarden's audit vs `helm template` alone vs Checkov, per chart.

Run by hand, not in CI:
    bash bench/setup-checkov.sh
    .venv/bin/python bench/audit_bench.py ../shared/corpus/charts --repeat 5

For each chart, in the same run and on the same machine:
- helm:        `helm template` of the chart (the floor: rendering is part of every audit)
- audit:       Chartwarden's full audit in-process with the cache off (render + parse + every rule + locate)
- cli:         `chartwarden audit CHART --no-cache` as a new process (adds interpreter start and imports)
- cached:      the in-process audit again with the cache warm (unchanged chart)
- checkov:     `checkov -d CHART --framework helm` (one run; it is slow)
Medians over --repeat runs; ratios are audit/helm and checkov/audit.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.audit import AuditOptions, audit  # noqa: E402
from bot.config import RepoConfig  # noqa: E402
from bot.helm import helm_binary  # noqa: E402


def timed(func, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="folder holding one chart per subfolder")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--checkov", default=str(ROOT / "bench" / ".venv-checkov" / "bin" / "checkov"))
    parser.add_argument("--no-checkov", action="store_true")
    args = parser.parse_args()
    charts = sorted(p for p in args.corpus.iterdir() if (p / "Chart.yaml").is_file())
    if not charts:
        print(f"{args.corpus}: no charts", file=sys.stderr)
        return 2
    helm = helm_binary()
    use_checkov = not args.no_checkov and os.access(args.checkov, os.X_OK)
    cli = [str(ROOT / ".venv" / "bin" / "chartwarden")]
    os.environ["CHARTWARDEN_CACHE_DIR"] = tempfile.mkdtemp(prefix="chartwarden-bench-")
    config = RepoConfig()
    print(f"helm: {subprocess.run([helm, 'version', '--short'], capture_output=True, text=True).stdout.strip()}; "
          f"checkov: {'yes' if use_checkov else 'not run'}; repeat {args.repeat}; cpus {os.cpu_count()}")
    header = f"{'chart':30} {'objs':>5} {'helm ms':>8} {'audit ms':>9} {'ratio':>6} {'cli ms':>8} {'cached ms':>9} {'checkov ms':>11} {'checkov/audit':>13}"
    print(header)
    rows = []
    for chart in charts:
        helm_s = timed(lambda: subprocess.run([helm, "template", "release", str(chart)], capture_output=True, check=False), args.repeat)
        result = audit([str(chart)], config, AuditOptions(use_cache=False))
        objects = result.results[0].objects
        audit_s = timed(lambda: audit([str(chart)], config, AuditOptions(use_cache=False)), args.repeat)
        cli_s = timed(lambda: subprocess.run([*cli, "audit", str(chart), "--no-cache", "--format", "json"], capture_output=True), args.repeat)
        audit([str(chart)], config, AuditOptions(use_cache=True))  # warm the cache
        cached_s = timed(lambda: audit([str(chart)], config, AuditOptions(use_cache=True)), args.repeat)
        checkov_s = None
        if use_checkov:
            out = tempfile.mkdtemp()
            start = time.perf_counter()
            env = dict(os.environ, PATH=f"{os.path.dirname(helm)}{os.pathsep}{os.environ.get('PATH', '')}")
            subprocess.run([args.checkov, "-d", str(chart), "--framework", "helm", "--quiet", "--compact", "-o", "json",
                            "--output-file-path", out], capture_output=True, env=env)  # checkov runs helm itself
            checkov_s = time.perf_counter() - start
            shutil.rmtree(out, ignore_errors=True)
        rows.append((chart.name, objects, helm_s, audit_s, cli_s, cached_s, checkov_s))
        ck = f"{checkov_s * 1000:11.0f} {checkov_s / audit_s:12.1f}x" if checkov_s else f"{'-':>11} {'-':>13}"
        print(f"{chart.name:30} {objects:5d} {helm_s * 1000:8.1f} {audit_s * 1000:9.1f} {audit_s / helm_s:5.2f}x {cli_s * 1000:8.1f} {cached_s * 1000:9.1f} {ck}", flush=True)
    ratios = [r[3] / r[2] for r in rows]
    print()
    print(f"median audit/helm ratio: {statistics.median(ratios):.2f}x (target <= 1.3x)")
    print(f"median cached re-audit: {statistics.median(r[5] for r in rows) * 1000:.1f} ms, max {max(r[5] for r in rows) * 1000:.1f} ms (target < 20 ms)")
    if use_checkov:
        speedups = [r[6] / r[3] for r in rows if r[6]]
        print(f"median checkov/audit: {statistics.median(speedups):.1f}x, min {min(speedups):.1f}x (target >= 30x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
