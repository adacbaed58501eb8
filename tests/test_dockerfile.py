"""The project's own Dockerfile: hadolint clean, and Chartwarden's own Dockerfile rules pass on it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bot.cli import main


def test_hadolint_has_no_warnings(root):
    hadolint = Path(sys.executable).parent / "hadolint"
    proc = subprocess.run([str(hadolint), "--failure-threshold", "style", str(root / "Dockerfile")], capture_output=True, text=True)
    assert (proc.returncode, proc.stdout) == (0, "")


def test_own_dockerfile_rules_pass(root, capsys, monkeypatch):
    monkeypatch.chdir(root)
    code = main(["audit", "Dockerfile", "--fail-on", "low", "--format", "json"])
    out = capsys.readouterr().out
    assert code == 0, out
    findings = json.loads(out)["targets"][0]["findings"]
    assert [(f["rule"], f["line"], f["suppressed"]) for f in findings] == [
        ("dockerfile-base-image-pinned", 5, True),
        ("dockerfile-base-image-pinned", 11, True),
        ("dockerfile-base-image-pinned", 26, True),
    ]
