"""The pure parts of a pull request's report: patch lines, finding diff, conclusion, comments, suggestions."""

from __future__ import annotations

from bot.audit import AuditResult
from bot.config import RepoConfig
from bot.findings import Finding, Location, Severity
from bot.forge.base import ChangedFile
from bot.forge.diff import FileLines, changed_lines, parse_patch
from handlers import _review

PATCH = """@@ -1,4 +1,5 @@
 image:
-  tag: latest
+  tag: "1.27.3"
+  pullPolicy: Always
 securityContext:
   privileged: false
@@ -20,3 +21,3 @@ resources:
 limits:
-  cpu: 1
+  cpu: 2
\\ No newline at end of file"""


def finding(rule="container-privileged", severity=Severity.CRITICAL, file="charts/web/values.yaml", line=5,
            message='container "web" runs privileged', extra=None, obj="Deployment/r-web") -> Finding:
    return Finding(rule_id=rule, severity=severity, category="security", message=message, target="charts/web",
                   object_ref=obj, field_path="spec.x", location=Location(file, line) if file else None,
                   fix_hint="set it to false.", extra=extra or {})


def result(*findings: Finding, errors=()) -> AuditResult:
    from bot.audit import TargetResult
    from bot.discover import Target

    target = TargetResult(Target("chart", None, "charts/web"), findings=list(findings))
    return AuditResult([target], list(errors), {}, RepoConfig())


def test_patch_hunks_give_added_lines_and_the_hunk_of_each_new_side_line():
    lines = parse_patch(PATCH)
    assert lines.added == frozenset({2, 3, 22})
    assert lines.hunk_of == {1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 21: 1, 22: 1}


def test_removed_files_and_files_without_a_patch_have_no_commentable_lines():
    files = [ChangedFile("a.yaml", "modified", "@@ -1 +1 @@\n-a\n+b"), ChangedFile("gone.yaml", "removed", "@@ -1 +0,0 @@\n-x"),
             ChangedFile("logo.png", "added", None)]
    assert changed_lines(files) == {"a.yaml": FileLines(frozenset({1}), {1: 0})}


def test_findings_are_matched_by_fingerprint_not_by_line():
    moved = finding(line=9)
    gone = finding(rule="chart-readme", severity=Severity.LOW, message="chart has no README.md", line=None)
    new = finding(rule="container-cpu-request", severity=Severity.MEDIUM, message="no CPU request")
    suppressed = finding(rule="x-rule", message="muted").suppress("accepted risk")
    diff = _review.diff_findings(result(finding(line=5), gone), result(moved, new, suppressed))
    assert [(f.rule_id, f.location.line) for f in diff.new] == [("container-cpu-request", 5)]
    assert [f.rule_id for f in diff.fixed] == ["chart-readme"]
    assert [(f.rule_id, f.location.line) for f in diff.existing] == [("container-privileged", 9)]
    assert diff.new_errors == []


def test_conclusion_follows_fail_on_and_new_errors():
    from bot.discover import InputProblem

    medium = _review.FindingDiff(new=[finding(severity=Severity.MEDIUM)])
    assert _review.conclusion(medium, Severity.HIGH) == "success"
    assert _review.conclusion(medium, Severity.MEDIUM) == "failure"
    assert _review.conclusion(medium, None) == "success"
    err = InputProblem("charts/web/templates/x.yaml", 3, "render failed")
    diff = _review.diff_findings(result(), result(errors=[err]))
    assert diff.new_errors == ["charts/web/templates/x.yaml:3: render failed"]
    assert _review.conclusion(diff, None) == "failure"
    assert _review.diff_findings(result(errors=[err]), result(errors=[err])).new_errors == []


def test_review_comments_only_on_added_lines_without_repeats_and_up_to_the_limit():
    changed = {"charts/web/values.yaml": FileLines(frozenset({5, 7}), {4: 0, 5: 0, 6: 0, 7: 0})}
    on_added = finding(line=5)
    on_context = finding(rule="r2", message="m2", line=6)
    elsewhere = finding(rule="r3", message="m3", file="charts/web/templates/d.yaml", line=5)
    unplaced = finding(rule="r4", message="m4", file=None)
    posted = finding(rule="r5", message="m5", line=7)
    comments = _review.review_comments([on_context, elsewhere, unplaced, posted, on_added], changed,
                                       already={posted.fingerprint}, limit=25, suggestions=True, read_line=lambda p, n: None)
    assert [(c.path, c.line) for c in comments] == [("charts/web/values.yaml", 5)]
    assert _review.review_comments([on_added, finding(rule="r6", message="m6", line=7)], changed, already=set(), limit=1,
                                   suggestions=True, read_line=lambda p, n: None) == comments[:1]


def test_posted_fingerprints_are_read_back_from_comment_markers():
    body = _review.comment_body(finding(), None)
    assert _review.posted_fingerprints([body, "no marker", "<!-- chartwarden:finding zz -->"]) == {finding().fingerprint}


def test_a_suggestion_replaces_exactly_the_commented_line_keeping_its_indentation():
    offer = finding(extra={"suggestion": {"line": 5, "text": "privileged: false"}})
    assert _review.suggestion_text(offer, "  privileged: true") == "  privileged: false"
    body = _review.comment_body(offer, "  privileged: false")
    assert body == ('**container-privileged** (critical): container "web" runs privileged\n\nFix: set it to false.\n\n'
                    "```suggestion\n  privileged: false\n```\n\n"
                    f"<!-- chartwarden:finding {offer.fingerprint} -->")


def test_no_suggestion_when_the_fix_is_not_a_change_of_that_very_line():
    assert _review.suggestion_text(finding(extra={"suggestion": {"line": 6, "text": "x: 1"}}), "  privileged: true") is None
    assert _review.suggestion_text(finding(extra={"suggestion": {"line": 5, "text": "a\nb"}}), "  privileged: true") is None
    assert _review.suggestion_text(finding(extra={"suggestion": {"line": 5, "text": "  privileged: true"}}), "  privileged: true") is None
    assert _review.suggestion_text(finding(), "  privileged: true") is None


def test_suggestions_are_fenced_longer_than_any_backticks_they_hold_and_can_be_switched_off():
    assert _review.comment_body(finding(), "run: ```x```").count("````suggestion\nrun: ```x```\n````") == 1
    changed = {"charts/web/values.yaml": FileLines(frozenset({5}), {5: 0})}
    offer = finding(extra={"suggestion": {"line": 5, "text": "privileged: false"}})
    [off] = _review.review_comments([offer], changed, already=set(), limit=5, suggestions=False, read_line=lambda p, n: "  privileged: true")
    assert "suggestion" not in off.body


def test_annotations_point_file_only_findings_at_line_one_and_skip_unplaced_ones():
    notes = _review.annotations([finding(rule="chart-readme", severity=Severity.LOW, message="no README", file="charts/web/Chart.yaml", line=None),
                                 finding(file=None)])
    assert [n.as_dict() for n in notes] == [{
        "path": "charts/web/Chart.yaml", "start_line": 1, "end_line": 1, "annotation_level": "notice",
        "message": "no README\n\nFix: set it to false.", "title": "chart-readme (low)"}]


def test_titles_count_by_severity():
    diff = _review.FindingDiff(new=[finding(), finding(severity=Severity.MEDIUM), finding(severity=Severity.MEDIUM)],
                               fixed=[finding()], new_errors=["x"])
    assert _review.title(diff) == "1 new error, 3 new findings (1 critical, 2 medium), 1 fixed"
    assert _review.title(_review.FindingDiff()) == "No new findings"


PRIV_HINT = "set `securityContext.privileged: false` (or remove the key) and add only the specific capability the process needs."


def hinted(hint: str = PRIV_HINT) -> Finding:
    from dataclasses import replace

    return replace(finding(), fix_hint=hint)


def test_the_rules_fix_key_and_value_become_a_suggestion_for_that_keys_line():
    key = "securityContext.privileged"
    assert _review.suggestion_from_fix(hinted(), key, "  privileged: true") == "  privileged: false"
    assert _review.suggestion_from_fix(hinted(), key, "    - privileged: yes  # legacy") == "    - privileged: false  # legacy"
    drop = hinted("set `securityContext.capabilities.drop: [ALL]` and add back only what the process needs.")
    assert _review.suggestion_from_fix(drop, "securityContext.capabilities.drop", '    drop: ["NET_RAW"]') == "    drop: [ALL]"


def test_no_suggestion_from_the_fix_text_unless_it_is_a_one_line_change_of_that_key():
    key = "securityContext.privileged"
    assert _review.suggestion_from_fix(hinted(), key, "  allowPrivilegeEscalation: true") is None  # another key
    assert _review.suggestion_from_fix(hinted(), key, "  privileged: false") is None  # already fixed
    assert _review.suggestion_from_fix(hinted(), key, "  privileged: {{ .Values.x }}") is None  # a template line
    assert _review.suggestion_from_fix(hinted(), key, "  privileged:") is None  # a block follows
    assert _review.suggestion_from_fix(hinted(), "", "  privileged: true") is None  # the rule declares no fix key
    vague = hinted("set `resources.requests.cpu` in values.yaml (for example `100m`) from measured usage.")
    assert _review.suggestion_from_fix(vague, "resources.requests.cpu", "    cpu: 0") is None  # no value named
    placeholder = hinted("set `image.tag: <version>` in values.yaml")
    assert _review.suggestion_from_fix(placeholder, "image.tag", '  tag: "latest"') is None
