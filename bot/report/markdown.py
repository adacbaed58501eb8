"""Markdown: a score table and the findings, for job summaries and PR comments."""

from __future__ import annotations

from bot.audit import AuditResult
from bot.findings import Severity


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(result: AuditResult) -> str:
    out = ["## Chartwarden audit", "", "| Target | Score | Critical | High | Medium | Low | Info |", "|---|---:|---:|---:|---:|---:|---:|"]
    for target in result.results:
        counts = {s: 0 for s in Severity}
        for finding in target.findings:
            if not finding.suppressed:
                counts[finding.severity] += 1
        score = f"{target.score.total:.1f}/10" if target.score else "-"
        out.append(
            f"| `{_cell(target.target.display)}` | {score} | "
            + " | ".join(str(counts[s]) for s in (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO))
            + " |"
        )
    if result.errors:
        out += ["", "### Errors", ""]
        out += [f"- `{_cell(str(problem))}`" for problem in result.errors]
    live = [f for f in result.findings if not f.suppressed]
    if live:
        out += ["", "### Findings", "", "| Severity | Rule | Where | Message |", "|---|---|---|---|"]
        for finding in live:
            where = f"`{_cell(str(finding.location))}`" if finding.location else "(unplaced)"
            out.append(f"| {finding.severity} | `{finding.rule_id}` | {where} | {_cell(finding.message)} |")
    return "\n".join(out) + "\n"
