"""--baseline REV reports only new findings, matched by fingerprints that survive line moves."""

from __future__ import annotations

import json
import subprocess

from bot.cli import main
from checks._registry import all_rules
from tests.checks.harness import chdir
from tests.samples import POD



def git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_only_new_findings_and_fixed_count(tmp_path, capsys):
    git(tmp_path, "init", "-q")
    git(tmp_path, "config", "user.email", "t@example.invalid")
    git(tmp_path, "config", "user.name", "t")
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "pod.yaml").write_text(POD)
    others = sorted(set(all_rules()) - {"container-privileged", "container-cpu-request"})
    (tmp_path / ".chartwarden.yaml").write_text(json.dumps({"checks": {"disable": others}}))
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "base")
    # move the privileged line down (same finding), drop the CPU request (new), fix nothing else
    changed = POD.replace("  name: web\n", "  name: web\n  labels:\n    team: a\n").replace("      resources:\n        requests: {cpu: 100m}\n", "")
    (tmp_path / "k8s" / "pod.yaml").write_text(changed)
    with chdir(tmp_path / "k8s"):
        code = main(["audit", "pod.yaml", "--baseline", "HEAD", "--format", "json", "--fail-on", "none"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [(f["rule"], f["line"]) for f in out["targets"][0]["findings"]] == [("container-cpu-request", 9)]
    assert out["baseline"] == {"revision": "HEAD", "new": 1, "fixed": 0, "existing": 1}


def test_unknown_revision_is_a_usage_error(tmp_path, capsys):
    git(tmp_path, "init", "-q")
    (tmp_path / "pod.yaml").write_text(POD)
    with chdir(tmp_path):
        code = main(["audit", "pod.yaml", "--baseline", "nope"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("chartwarden: --baseline: git rev-parse --verify: fatal: ")
