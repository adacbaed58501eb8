"""Report formats: SARIF valid against the official 2.1.0 schema, JSON and Markdown content."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from bot.audit import audit
from bot.report import json_report, markdown, sarif
from tests.checks.harness import chdir

SCHEMA = Path(__file__).parent / "fixtures" / "schemas" / "sarif-2.1.0-rtm.5.json"


def _example(root):
    with chdir(root / "examples"):
        return audit(["webapp"])


def test_sarif_is_valid_and_fingerprinted(root):
    result = _example(root)
    log = json.loads(sarif.render(result))
    jsonschema.Draft4Validator(json.loads(SCHEMA.read_text())).validate(log)
    run = log["runs"][0]
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert rule_ids == sorted({f.rule_id for f in result.findings})
    privileged = next(r for r in run["results"] if r["ruleId"] == "container-privileged")
    assert privileged["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "webapp/values.yaml"},
        "region": {"startLine": 16},
    }
    assert privileged["level"] == "error"
    assert len(privileged["partialFingerprints"]["chartwarden/v1"]) == 32


def test_sarif_fingerprint_survives_line_moves(root, tmp_path):
    import shutil

    shutil.copytree(root / "examples" / "webapp", tmp_path / "webapp")
    with chdir(tmp_path):
        before = {f.rule_id: f.fingerprint for f in audit(["webapp"]).findings}
        values = tmp_path / "webapp" / "values.yaml"
        values.write_text("# a new comment line\n# and another\n" + values.read_text())
        after_result = audit(["webapp"])
    after = {f.rule_id: f.fingerprint for f in after_result.findings}
    assert before == after
    moved = next(f for f in after_result.findings if f.rule_id == "container-privileged")
    assert str(moved.location) == "webapp/values.yaml:18"


def test_json_and_markdown(root):
    result = _example(root)
    payload = json.loads(json_report.render(result))
    chart = payload["targets"][0]
    assert chart["path"] == "webapp" and chart["kind"] == "chart"
    assert chart["score"] == result.results[0].score.total
    privileged = next(f for f in chart["findings"] if f["rule"] == "container-privileged")
    assert (privileged["file"], privileged["line"], privileged["object"]) == ("webapp/values.yaml", 16, "Deployment/release-webapp")
    text = markdown.render(result)
    assert "| critical | `container-privileged` | `webapp/values.yaml:16` | container \"web\" runs privileged |" in text
