"""Machine-readable JSON: every finding (suppressed ones marked), scores and errors."""

from __future__ import annotations

import json

from bot import __version__
from bot.audit import AuditResult
from bot.findings import Finding


def finding_dict(finding: Finding) -> dict:
    return {
        "rule": finding.rule_id,
        "severity": str(finding.severity),
        "category": finding.category,
        "message": finding.message,
        "target": finding.target,
        "object": finding.object_ref or None,
        "field": finding.field_path or None,
        "file": finding.location.file if finding.location else None,
        "line": finding.location.line if finding.location else None,
        "suppressed": finding.suppressed,
        "suppression_reason": finding.suppression_reason or None,
        "fix": finding.fix_hint or None,
        "fingerprint": finding.fingerprint,
    }


def render(result: AuditResult) -> str:
    payload = {
        "tool": {"name": "chartwarden", "version": __version__},
        "kubernetesVersion": result.config.kubernetes_version,
        "targets": [
            {
                "path": r.target.display,
                "kind": r.target.kind,
                "objects": r.objects,
                "score": r.score.total if r.score else None,
                "categories": r.score.categories if r.score else {},
                "error": str(r.error) if r.error else None,
                "skipped": r.skipped,
                "findings": [finding_dict(f) for f in r.findings],
            }
            for r in result.results
        ],
        "errors": [str(p) for p in result.errors],
        "baseline": result.baseline,
    }
    return json.dumps(payload, indent=2) + "\n"
