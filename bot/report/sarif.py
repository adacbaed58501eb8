"""SARIF 2.1.0 for code scanning: rule metadata, locations, stable partialFingerprints."""

from __future__ import annotations

import json

from bot import __version__
from bot.audit import AuditResult
from bot.findings import Severity

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
SECURITY_CATEGORIES = {"security", "rbac", "secrets", "supply-chain"}
SECURITY_SEVERITY = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5", Severity.LOW: "3.0", Severity.INFO: "0.0"}


def _rule_entry(rule) -> dict:
    entry = {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.section("What it does") or rule.title},
        "help": {"text": rule.doc, "markdown": rule.doc},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {"tags": [rule.category, *rule.anchors], "precision": "high"},
    }
    if rule.category in SECURITY_CATEGORIES:  # code scanning reads security-severity on security rules only
        entry["properties"]["security-severity"] = SECURITY_SEVERITY[rule.severity]
    return entry


def render(result: AuditResult) -> str:
    used = sorted({f.rule_id for f in result.findings})
    rules = [_rule_entry(result.rules[rule_id]) for rule_id in used if rule_id in result.rules]
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    results = []
    for finding in result.findings:
        entry = {
            "ruleId": finding.rule_id,
            "ruleIndex": index[finding.rule_id],
            "level": LEVEL[finding.severity],
            "message": {"text": finding.message + (f" Fix: {finding.fix_hint}" if finding.fix_hint else "")},
            "partialFingerprints": {"chartwarden/v1": finding.fingerprint},
            "properties": {"severity": str(finding.severity), "category": finding.category},
        }
        if finding.location:
            physical = {"artifactLocation": {"uri": finding.location.file}}
            if finding.location.line:
                physical["region"] = {"startLine": finding.location.line}
            entry["locations"] = [{"physicalLocation": physical}]
        if finding.object_ref:
            entry["properties"]["object"] = finding.object_ref
        if finding.suppressed:
            entry["suppressions"] = [{"kind": "inSource", "justification": finding.suppression_reason}]
        results.append(entry)
    notifications = [
        {"level": "error", "message": {"text": str(problem)}} for problem in result.errors
    ]
    run = {
        "tool": {
            "driver": {
                "name": "chartwarden",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": rules,
            }
        },
        "automationDetails": {"id": "chartwarden/"},
        "results": results,
        "invocations": [{"executionSuccessful": not result.errors, "toolExecutionNotifications": notifications}],
    }
    return json.dumps({"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}, indent=2) + "\n"
