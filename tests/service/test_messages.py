"""The comment and check-run templates: they compile, name only what they are given, and say exactly this."""

from __future__ import annotations

import jinja2
import pytest
from jinja2 import meta

from bot import messages
from bot.audit import AuditResult
from bot.config import RepoConfig
from bot.discover import InputProblem
from bot.findings import Severity
from handlers import _review
from tests.service.test_review import finding, result

TEMPLATES = sorted(p.relative_to(messages.TEMPLATES).as_posix() for p in messages.TEMPLATES.rglob("*.j2"))


def test_every_template_compiles_and_every_partial_it_names_exists_and_is_used():
    env = messages.environment()
    named = set()
    for name in TEMPLATES:
        source = env.loader.get_source(env, name)[0]
        named |= set(meta.find_referenced_templates(env.parse(source)))
        env.get_template(name)
    assert named <= set(TEMPLATES)
    assert {name for name in TEMPLATES if name.rsplit("/", 1)[-1].startswith("_")} == named


@pytest.mark.parametrize("name, values, missing", [
    ("comments/refusal.md.j2", {"login": "octocat"}, "command"),
    ("comments/review.md.j2", {"count": 1}, "head_sha"),
    ("check_run/annotation.md.j2", {"message": "m"}, "fix"),
])
def test_a_value_the_template_names_but_is_not_given_is_an_error_not_an_empty_string(name, values, missing):
    with pytest.raises(jinja2.UndefinedError) as caught:
        messages.render(name, **values)
    assert str(caught.value) == f"'{missing}' is undefined"


def test_a_long_summary_lists_errors_escapes_cells_says_what_is_not_placed_and_counts_the_rest():
    rows = [finding(rule=f"r{n:03d}", severity=Severity.LOW, message=f"m{n}", line=n + 1) for n in range(101)]
    head = result(finding(rule="pipe", message="a | b\nc", file=None), *rows,
                  errors=[InputProblem("charts/web/templates/x.yaml", 3, "render | failed")])
    text = _review.summary(_review.diff_findings(None, head), None, head, head_sha="a" * 40, base_sha="", fail_on=None)
    assert text.startswith(
        "Audited 1 target at `aaaaaaa`.\n"
        "\n"
        "| Target | Score | Base score | New | Fixed | Existing |\n"
        "|---|---:|---:|---:|---:|---:|\n"
        "| `charts/web` | - | - | 102 | 0 | 0 |\n"
        "\n"
        "**102 new**, 0 fixed, 0 unchanged.\n"
        "\n"
        "Threshold: findings never fail this check (failOn: none); so do errors the base did not have.\n"
        "\n"
        "### New errors\n"
        "\n"
        "- `charts/web/templates/x.yaml:3: render \\| failed`\n"
        "\n"
        "### New findings\n"
        "\n"
        "| Severity | Rule | Where | Message |\n"
        "|---|---|---|---|\n"
        "| critical | `pipe` | (not placed) | a \\| b c |\n"
        "| low | `r000` | `charts/web/values.yaml:1` | m0 |\n"
    )
    assert text.endswith("| low | `r098` | `charts/web/values.yaml:99` | m98 |\n\n…and 2 more.\n")
    assert text.count("\n| low | ") == 99
    assert _review.title(_review.diff_findings(None, head)) == "1 new error, 102 new findings (1 critical, 101 low)"


def test_the_summary_comment_of_an_audit_with_nothing_to_score():
    empty = AuditResult([], [], {}, RepoConfig())
    assert _review.summary_comment(_review.FindingDiff(), empty, head_sha="b" * 40, check_name="Chartwarden",
                                   conclusion_="neutral") == (
        "<!-- chartwarden:audit -->\n### Chartwarden audit\n\n"
        "At `bbbbbbb` the **Chartwarden** check neutral: no new findings.\n\n"
        "0 new, 0 fixed, 0 unchanged. Details are in the check run.\n"
    )


@pytest.mark.parametrize("situation, values, expected", [
    ("refused", {"error": "a.yaml: symlink to /etc leaves the tree"},
     ("Repository contents refused", "The tarball could not be audited safely: a.yaml: symlink to /etc leaves the tree.")),
    ("invalid_config", {"config_name": ".chartwarden.yaml", "error": ".chartwarden.yaml:1: failOn: bad", "base": "main"},
     ("Invalid .chartwarden.yaml on the base branch",
      "`.chartwarden.yaml:1: failOn: bad`\n\nThe configuration is read from the base branch (`main`).")),
    ("error", {"error": "files of pull request #2: HTTP 502: Bad Gateway"},
     ("Chartwarden could not finish the audit", "files of pull request #2: HTTP 502: Bad Gateway")),
    ("no_pull_request", {"head_sha": "d6fde92930d4715a2b49857d24b940956b26d2d3"},
     ("No open pull request for this commit",
      "`d6fde92` is not the head of an open pull request, so there is no base to compare with.")),
])
def test_check_runs_that_end_without_a_report(situation, values, expected):
    assert _review.check_text(situation, **values) == expected
