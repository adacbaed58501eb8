"""What a pull request's audit says on GitHub, built from two audits (pure: no I/O).

- diff: findings of the head matched to the base's by fingerprint -> new / fixed / existing.
- the check run: conclusion from `failOn` (new findings at or above it, or new errors, fail),
  a summary with each target's score and the counts, and annotations for the new findings.
- the review: comments only on lines the pull request added or changed, at most `maxComments`,
  never for a finding already commented on (each comment carries the finding's fingerprint in a
  hidden marker), with a suggestion block when the finding carries a replacement for that very line.
- the summary comment: one per pull request, found again by `MARKER` and edited in place.

Suggestions: a finding may carry `finding.extra["suggestion"] = {"line": N, "text": "..."}`, the new
text of line N of its file (the line it points at). Otherwise, when its rule declares the values key
its fix sets (`fix="securityContext.privileged"`) and the rule's Fix text names the value in the
house form `` `securityContext.privileged: false` ``, and the commented line is that key with another
one-line value, the suggestion is that line with the value replaced (indentation and comment kept).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from bot.audit import AuditResult
from bot.findings import Finding, Severity
from bot.forge.base import MAX_TEXT, Annotation, ReviewComment
from bot.forge.diff import FileLines

MARKER = "<!-- chartwarden:audit -->"
_FINDING_MARKER = "<!-- chartwarden:finding {} -->"
_FINDING_MARKER_RE = re.compile(r"<!-- chartwarden:finding ([0-9a-f]{8,64}) -->")
MAX_LISTED = 100  # findings listed by name in a summary; the rest are counted
LEVEL = {
    Severity.CRITICAL: "failure",
    Severity.HIGH: "failure",
    Severity.MEDIUM: "warning",
    Severity.LOW: "notice",
    Severity.INFO: "notice",
}
def _order(f: Finding) -> tuple:
    """Most severe first, then by file and line (numerically), then rule."""
    loc = f.location
    return (-f.severity, loc.file if loc else "\uffff", (loc.line or 0) if loc else 0, f.rule_id, f.message)


ORDER = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO)


@dataclass
class FindingDiff:
    new: list[Finding] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)
    existing: list[Finding] = field(default_factory=list)
    new_errors: list[str] = field(default_factory=list)


def _live(result: AuditResult | None) -> list[Finding]:
    return [f for f in result.findings if not f.suppressed] if result is not None else []


def diff_findings(base: AuditResult | None, head: AuditResult) -> FindingDiff:
    """Match by fingerprint (rule, target, object, field, message: survives line moves)."""
    base_live, head_live = _live(base), _live(head)
    before = {f.fingerprint for f in base_live}
    after = {f.fingerprint for f in head_live}
    base_errors = {str(e) for e in base.errors} if base is not None else set()
    return FindingDiff(
        new=[f for f in head_live if f.fingerprint not in before],
        fixed=[f for f in base_live if f.fingerprint not in after],
        existing=[f for f in head_live if f.fingerprint in before],
        new_errors=[str(e) for e in head.errors if str(e) not in base_errors],
    )


def conclusion(diff: FindingDiff, fail_on: Severity | None) -> str:
    if diff.new_errors:
        return "failure"
    if fail_on is not None and any(f.severity >= fail_on for f in diff.new):
        return "failure"
    return "success"


def _count(findings: list[Finding]) -> str:
    counts = {s: 0 for s in ORDER}
    for f in findings:
        counts[f.severity] += 1
    return ", ".join(f"{counts[s]} {s}" for s in ORDER if counts[s])


def title(diff: FindingDiff) -> str:
    parts = []
    if diff.new_errors:
        parts.append(f"{len(diff.new_errors)} new error{'s' if len(diff.new_errors) != 1 else ''}")
    if diff.new:
        parts.append(f"{len(diff.new)} new finding{'s' if len(diff.new) != 1 else ''} ({_count(diff.new)})")
    else:
        parts.append("no new findings")
    if diff.fixed:
        parts.append(f"{len(diff.fixed)} fixed")
    text = ", ".join(parts)
    return text[0].upper() + text[1:]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _where(finding: Finding) -> str:
    return f"`{_cell(str(finding.location))}`" if finding.location else "(not placed)"


def _finding_rows(findings: list[Finding]) -> list[str]:
    ordered = sorted(findings, key=_order)
    rows = ["| Severity | Rule | Where | Message |", "|---|---|---|---|"]
    rows += [f"| {f.severity} | `{f.rule_id}` | {_where(f)} | {_cell(f.message)} |" for f in ordered[:MAX_LISTED]]
    if len(ordered) > MAX_LISTED:
        rows.append(f"\n…and {len(ordered) - MAX_LISTED} more.")
    return rows


def _score(result: AuditResult | None, display: str) -> str:
    if result is None:
        return "-"
    for target in result.results:
        if target.target.display == display and target.score is not None:
            return f"{target.score.total:.1f}/10"
    return "-"


def summary(diff: FindingDiff, base: AuditResult | None, head: AuditResult, *, head_sha: str, base_sha: str,
            fail_on: Severity | None) -> str:
    """The check run summary: a score per target, the counts, then the new, fixed and error lists."""
    by_target: dict[str, list[int]] = {}
    for index, group in enumerate((diff.new, diff.fixed, diff.existing)):
        for f in group:
            by_target.setdefault(f.target, [0, 0, 0])[index] += 1
    targets = [t.target.display for t in head.results]
    targets += sorted({t for t in by_target if t not in targets})
    against = f" against base `{base_sha[:7]}`" if base_sha else ""
    out = [f"Audited {len(head.results)} target{'s' if len(head.results) != 1 else ''} at `{head_sha[:7]}`{against}.", ""]
    if targets:
        out += ["| Target | Score | Base score | New | Fixed | Existing |", "|---|---:|---:|---:|---:|---:|"]
        for display in targets:
            new, fixed, existing = by_target.get(display, [0, 0, 0])
            out.append(f"| `{_cell(display)}` | {_score(head, display)} | {_score(base, display)} | {new} | {fixed} | {existing} |")
        out.append("")
    out.append(f"**{len(diff.new)} new**, {len(diff.fixed)} fixed, {len(diff.existing)} unchanged.")
    rule = f"new findings of severity {fail_on} or above fail this check" if fail_on is not None else "findings never fail this check (failOn: none)"
    out += ["", f"Threshold: {rule}; so do errors the base did not have."]
    if diff.new_errors:
        out += ["", "### New errors", ""] + [f"- `{_cell(e)}`" for e in diff.new_errors[:MAX_LISTED]]
    if diff.new:
        out += ["", "### New findings", ""] + _finding_rows(diff.new)
    if diff.fixed:
        out += ["", "### Fixed", ""] + _finding_rows(diff.fixed)
    text = "\n".join(out) + "\n"
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 40] + "\n\n…(summary cut at GitHub's limit)\n"


def annotations(findings: list[Finding]) -> list[Annotation]:
    """One annotation per placed finding (file-only places point at line 1)."""
    out = []
    for f in sorted(findings, key=_order):
        if f.location is None:
            continue
        line = f.location.line or 1
        message = f.message + (f"\n\nFix: {f.fix_hint}" if f.fix_hint else "")
        out.append(Annotation(path=f.location.file, start_line=line, end_line=line, level=LEVEL[f.severity],
                              message=message, title=f"{f.rule_id} ({f.severity})"[:255]))
    return out


def posted_fingerprints(bodies: list[str]) -> set[str]:
    return {m for body in bodies for m in _FINDING_MARKER_RE.findall(body)}


def _fence(text: str) -> str:
    ticks = "```"
    while ticks in text:
        ticks += "`"
    return ticks


def suggestion_text(finding: Finding, current_line: str | None) -> str | None:
    """The replacement for the commented line, when the finding's fix changes exactly that line."""
    offer = finding.extra.get("suggestion") if isinstance(finding.extra, dict) else None
    if not isinstance(offer, dict) or finding.location is None or current_line is None:
        return None
    if offer.get("line") != finding.location.line or not isinstance(offer.get("text"), str):
        return None
    text = offer["text"].rstrip("\n")
    if "\n" in text or text == current_line:
        return None
    indent = current_line[: len(current_line) - len(current_line.lstrip())]
    return text if text[:1].isspace() or not indent else indent + text


_LINE = r"^(?P<lead>\s*(?:-\s+)?){key}:(?P<gap>\s*)(?P<value>.*?)(?P<comment>\s+#.*)?$"


def suggestion_from_fix(finding: Finding, fix_key: str, current_line: str | None) -> str | None:
    """The commented line with the value the rule's Fix text names for its fix key, if it is that key's line."""
    if not fix_key or current_line is None or finding.location is None:
        return None
    named = re.search(r"`" + re.escape(fix_key) + r":\s*([^`<>{}|]+?)\s*`", finding.fix_hint)
    if named is None:
        return None
    key = fix_key.rsplit(".", 1)[-1]
    line = re.match(_LINE.format(key=re.escape(key)), current_line)
    if line is None:
        return None
    old, new = line.group("value").strip(), named.group(1)
    if not old or old in ("|", ">", "|-", ">-") or "{{" in old or old.strip("\"'") == new:
        return None  # a block value, a template expression, or already the fixed value
    return f"{line.group('lead')}{key}: {new}{line.group('comment') or ''}"


def comment_body(finding: Finding, suggestion: str | None) -> str:
    lines = [f"**{finding.rule_id}** ({finding.severity}): {finding.message}"]
    if finding.fix_hint:
        lines += ["", f"Fix: {finding.fix_hint}"]
    if suggestion is not None:
        fence = _fence(suggestion)
        lines += ["", f"{fence}suggestion", suggestion, fence]
    lines += ["", _FINDING_MARKER.format(finding.fingerprint)]
    return "\n".join(lines)


def review_comments(new: list[Finding], changed: dict[str, FileLines], *, already: set[str], limit: int,
                    suggestions: bool, read_line: Callable[[str, int], str | None],
                    fix_keys: dict[str, str] | None = None) -> list[ReviewComment]:
    """Comments for new findings on lines the PR changed, most severe first, at most `limit`."""
    out: list[ReviewComment] = []
    seen: set[str] = set()
    for f in sorted(new, key=_order):
        if len(out) >= limit:
            break
        if f.location is None or not f.location.line or f.fingerprint in already or f.fingerprint in seen:
            continue
        lines = changed.get(f.location.file)
        if lines is None or f.location.line not in lines.added:
            continue
        seen.add(f.fingerprint)
        offer = None
        if suggestions:
            current = read_line(f.location.file, f.location.line)
            offer = suggestion_text(f, current) or suggestion_from_fix(f, (fix_keys or {}).get(f.rule_id, ""), current)
        out.append(ReviewComment(path=f.location.file, line=f.location.line, body=comment_body(f, offer)))
    return out


def review_body(count: int, head_sha: str) -> str:
    return (f"Chartwarden: {count} new finding{'s' if count != 1 else ''} on lines this pull request changed "
            f"(at `{head_sha[:7]}`). The check run has the full report.\n\n<!-- chartwarden:review {head_sha} -->")


def summary_comment(diff: FindingDiff, head: AuditResult, *, head_sha: str, check_name: str, conclusion_: str) -> str:
    """The one conversation comment, edited in place on every run."""
    state = {"success": "passes", "failure": "fails"}.get(conclusion_, conclusion_)
    out = [MARKER, "### Chartwarden audit", "",
           f"At `{head_sha[:7]}` the **{check_name}** check {state}: {title(diff)[0].lower() + title(diff)[1:]}.", ""]
    if head.results:
        out += ["| Target | Score |", "|---|---:|"]
        out += [f"| `{_cell(t.target.display)}` | {f'{t.score.total:.1f}/10' if t.score else '-'} |" for t in head.results]
        out.append("")
    out.append(f"{len(diff.new)} new, {len(diff.fixed)} fixed, {len(diff.existing)} unchanged. Details are in the check run.")
    return "\n".join(out) + "\n"


def help_text(commands: dict[str, str]) -> str:
    """The answer to `/chartwarden help`: every command, one line each."""
    lines = ["Chartwarden commands, each on a line of its own in a comment on a pull request "
             "(they need write access to the repository):", ""]
    lines += [f"- `/chartwarden {name}`: {what}." for name, what in commands.items()]
    return "\n".join(lines) + "\n"


def refusal(login: str, command: str) -> str:
    """The answer to a command from someone without write access."""
    return f"@{login} `/chartwarden {command}` needs write access to this repository.\n"
