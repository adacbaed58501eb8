"""Plain text for terminals: one line per finding, grouped by target, then a summary table."""

from __future__ import annotations

from bot.audit import AuditResult
from bot.findings import Severity


def finding_line(finding) -> str:
    where = str(finding.location) if finding.location else f"{finding.target} (unplaced)"
    obj = f" [{finding.object_ref}]" if finding.object_ref else ""
    mark = " (suppressed: " + finding.suppression_reason + ")" if finding.suppressed else ""
    return f"{where}: {finding.severity}: {finding.rule_id}: {finding.message}{obj}{mark}"


def render(result: AuditResult, *, show_suppressed: bool = False) -> str:
    out: list[str] = []
    for note in result.skipped:
        out.append(f"note: {note}")
    for problem in result.problems:
        out.append(f"error: {problem}")
    for target in result.results:
        live = [f for f in target.findings if show_suppressed or not f.suppressed]
        if target.error:
            out.append(f"error: {target.error}")
        for finding in live:
            out.append(finding_line(finding))
            if finding.fix_hint:
                out.append(f"    fix: {finding.fix_hint}")
    out.append("")
    out.append(summary_table(result))
    return "\n".join(out) + "\n"


def summary_table(result: AuditResult) -> str:
    header = ("target", "score", "critical", "high", "medium", "low", "info", "suppressed")
    rows = [header]
    for target in result.results:
        counts = {s: 0 for s in Severity}
        suppressed = 0
        for finding in target.findings:
            if finding.suppressed:
                suppressed += 1
            else:
                counts[finding.severity] += 1
        shown_score = "error" if target.error and not target.objects and target.target.kind == "chart" else f"{target.score.total:.1f}"
        rows.append(
            (
                target.target.display,
                shown_score,
                *(str(counts[s]) for s in (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO)),
                str(suppressed),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)) for row in rows]
    total = sum(1 for f in result.findings if not f.suppressed)
    skipped = sum(len(r.skipped) for r in result.results)
    if skipped:
        lines.append(f"{skipped} check(s) skipped (objects a rule cannot judge, e.g. custom resources without a schema; see --format json)")
    lines.append(f"{len(result.results)} target(s), {total} finding(s), {len(result.errors)} error(s)")
    if result.baseline:
        b = result.baseline
        lines.append(f"since {b['revision']}: {b['new']} new, {b['fixed']} fixed, {b['existing']} existing (not shown)")
    return "\n".join(lines)
