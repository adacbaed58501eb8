"""Chartwarden's own chart is the showcase: helm lint --strict clean, renders, 10/10 with no findings."""

from __future__ import annotations

import json
import shutil
import subprocess

from bot.cli import main

CHART = "deploy/chart/chartwarden"


def test_helm_lint_strict_and_template(root):
    helm = shutil.which("helm")
    lint = subprocess.run([helm, "lint", "--strict", CHART], cwd=root, capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert "1 chart(s) linted, 0 chart(s) failed" in lint.stdout
    for extra in ([], ["--set", "ingress.enabled=true", "--set", "serviceMonitor.enabled=true"]):
        rendered = subprocess.run([helm, "template", "cw", CHART, *extra], cwd=root, capture_output=True, text=True)
        assert rendered.returncode == 0, rendered.stderr


def test_self_audit_scores_ten_with_no_findings(root, capsys, monkeypatch):
    monkeypatch.chdir(root)
    code = main(["audit", CHART, "--fail-on", "info", "--format", "json"])
    payload = json.loads(capsys.readouterr().out)
    target = payload["targets"][0]
    assert [f"{f['file']}:{f['line']}: {f['rule']}: {f['message']}" for f in target["findings"]] == []
    assert (code, target["score"], payload["errors"]) == (0, 10.0, [])


def test_self_audit_with_every_option_on(root, capsys, monkeypatch):
    monkeypatch.chdir(root)
    code = main(["audit", CHART, "--fail-on", "info", "--format", "json",
                 "--set", "ingress.enabled=true", "--set", "serviceMonitor.enabled=true"])
    target = json.loads(capsys.readouterr().out)["targets"][0]
    assert [f"{f['file']}:{f['line']}: {f['rule']}: {f['message']}" for f in target["findings"]] == []
    assert code == 0
