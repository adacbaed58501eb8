"""What a pull request's audit says on GitHub, built from two audits (pure: no I/O).

- diff: findings of the head matched to the base's by fingerprint -> new / fixed / existing.
- the check run: conclusion from `failOn` (new findings at or above it, or new errors, fail),
  a summary with each target's score and the counts, and annotations for the new findings.
- the review: comments only on lines the pull request added or changed, at most `maxComments`,
  never for a finding already commented on (each comment carries the finding's fingerprint in a
  hidden marker), with a suggestion block when the finding carries a replacement for that very line.
- the summary comment: one per pull request, found again by `MARKER` and edited in place.

The words and the Markdown are in templates/check_run and templates/comments (bot/messages.py);
the functions here choose, order and count what those templates show.

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
from bot.forge.base import Annotation, ReviewComment
from bot.forge.diff import FileLines
from bot.messages import render

MARKER = "<!-- chartwarden:audit -->"
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


def _counts(findings: list[Finding]) -> list[tuple[int, str]]:
    """(count, severity) for each severity present, most severe first."""
    counts = {s: 0 for s in ORDER}
    for f in findings:
        counts[f.severity] += 1
    return [(counts[s], str(s)) for s in ORDER if counts[s]]


def title(diff: FindingDiff) -> str:
    return render("check_run/title.md.j2", new_errors=diff.new_errors, new_count=len(diff.new),
                  new_counts=_counts(diff.new), fixed_count=len(diff.fixed))


def _finding_view(f: Finding) -> dict:
    return {"severity": str(f.severity), "rule": f.rule_id, "where": str(f.location) if f.location else "",
            "message": f.message, "fix": f.fix_hint, "fingerprint": f.fingerprint}


def _score(result: AuditResult | None, display: str) -> float | None:
    if result is None:
        return None
    for target in result.results:
        if target.target.display == display and target.score is not None:
            return target.score.total
    return None


def summary(diff: FindingDiff, base: AuditResult | None, head: AuditResult, *, head_sha: str, base_sha: str,
            fail_on: Severity | None) -> str:
    """The check run summary: a score per target, the counts, then the new, fixed and error lists."""
    by_target: dict[str, list[int]] = {}
    for index, group in enumerate((diff.new, diff.fixed, diff.existing)):
        for f in group:
            by_target.setdefault(f.target, [0, 0, 0])[index] += 1
    displays = [t.target.display for t in head.results]
    displays += sorted({t for t in by_target if t not in displays})
    targets = [{"display": d, "score": _score(head, d), "base_score": _score(base, d),
                **dict(zip(("new", "fixed", "existing"), by_target.get(d, [0, 0, 0])))} for d in displays]
    return render(  # GitHub's length limit is the adapter's (bot.forge.base.fit)
        "check_run/summary.md.j2", targets_audited=len(head.results), head_sha=head_sha, base_sha=base_sha,
        targets=targets, new=[_finding_view(f) for f in sorted(diff.new, key=_order)],
        fixed=[_finding_view(f) for f in sorted(diff.fixed, key=_order)], existing=len(diff.existing),
        fail_on=str(fail_on) if fail_on is not None else None, new_errors=diff.new_errors, max_listed=MAX_LISTED,
    )


def annotations(findings: list[Finding]) -> list[Annotation]:
    """One annotation per placed finding (file-only places point at line 1)."""
    out = []
    for f in sorted(findings, key=_order):
        if f.location is None:
            continue
        line = f.location.line or 1
        message = render("check_run/annotation.md.j2", message=f.message, fix=f.fix_hint)
        out.append(Annotation(path=f.location.file, start_line=line, end_line=line, level=LEVEL[f.severity],
                              message=message, title=f"{f.rule_id} ({f.severity})"[:255]))
    return out


def posted_fingerprints(bodies: list[str]) -> set[str]:
    return {m for body in bodies for m in _FINDING_MARKER_RE.findall(body)}


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
    return render("comments/finding.md.j2", **_finding_view(finding), suggestion=suggestion)


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
    return render("comments/review.md.j2", count=count, head_sha=head_sha)


def summary_comment(diff: FindingDiff, head: AuditResult, *, head_sha: str, check_name: str, conclusion_: str) -> str:
    """The one conversation comment, edited in place on every run."""
    targets = [{"display": t.target.display, "score": t.score.total if t.score else None} for t in head.results]
    return render("comments/summary.md.j2", marker=MARKER, head_sha=head_sha, check_name=check_name,
                  conclusion=conclusion_, title=title(diff), targets=targets, new=len(diff.new),
                  fixed=len(diff.fixed), existing=len(diff.existing))


def help_text(commands: dict[str, str]) -> str:
    """The answer to `/chartwarden help`: every command, one line each."""
    return render("comments/help.md.j2", commands=commands)


def refusal(login: str, command: str) -> str:
    """The answer to a command from someone without write access."""
    return render("comments/refusal.md.j2", login=login, command=command)


def check_text(situation: str, **values) -> tuple[str, str]:
    """(title, summary) of a check run that ends without a report: "refused", "invalid_config", "error",
    "no_pull_request" (templates/check_run/<situation>.md.j2)."""
    from bot.messages import render_block

    name = f"check_run/{situation}.md.j2"
    return render_block(name, "title", **values), render_block(name, "summary", **values)
