"""Handlers dispatched with real payloads through the real router, against the recording fake forge."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
import sqlalchemy as sa
import yaml

from bot.events import event_from_request
from bot.routing import Context, HandlerOptions
from checks._registry import all_rules
from handlers import router
from handlers._review import MARKER
from tests.service import webhooks
from tests.service.fakes import FakeForge

BASE = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e"  # the fixtures' base and head SHAs
HEAD = "ec26c3e57ca3a959ca5aad62de7213c562f8c821"
REPO = "Codertocat/Hello-World"
KEEP = {"container-privileged", "container-cpu-request", "chart-readme"}
PRIVILEGED_FP = "40b28bd3265f0bd4cd8c32998575e234"

CHART = """apiVersion: v2
name: web
version: 1.0.0
appVersion: "1.0"
"""
DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          securityContext:
            privileged: {{ .Values.securityContext.privileged }}
"""
VALUES = """image:
  repository: nginx
  tag: "1.27.3"
securityContext:
  privileged: {}
"""


# What the opened pull request of `trees()` gets, whichever way the forge is reached.
SUMMARY = (
    "Audited 1 target at `ec26c3e` against base `f95f852`.\n"
    "\n"
    "| Target | Score | Base score | New | Fixed | Existing |\n"
    "|---|---:|---:|---:|---:|---:|\n"
    "| `charts/web` | 5.0/10 | 9.0/10 | 1 | 1 | 1 |\n"
    "\n"
    "**1 new**, 1 fixed, 1 unchanged.\n"
    "\n"
    "Threshold: new findings of severity high or above fail this check; so do errors the base did not have.\n"
    "\n"
    "### New findings\n"
    "\n"
    "| Severity | Rule | Where | Message |\n"
    "|---|---|---|---|\n"
    '| critical | `container-privileged` | `charts/web/values.yaml:5` | container "web" runs privileged |\n'
    "\n"
    "### Fixed\n"
    "\n"
    "| Severity | Rule | Where | Message |\n"
    "|---|---|---|---|\n"
    "| low | `chart-readme` | `charts/web/Chart.yaml` | chart has no README.md |\n"
)

ANNOTATION = {
    "path": "charts/web/values.yaml", "start_line": 5, "end_line": 5, "annotation_level": "failure",
    "message": 'container "web" runs privileged\n\nFix: set `securityContext.privileged: false` (or remove the key) '
               "and add only the specific capability the process needs.",
    "title": "container-privileged (critical)",
}

REVIEW_BODY = ("Chartwarden: 1 new finding on lines this pull request changed (at `ec26c3e`). "
               f"The check run has the full report.\n\n<!-- chartwarden:review {HEAD} -->")
REVIEW_COMMENT = {
    "path": "charts/web/values.yaml", "line": 5, "side": "RIGHT",
    "body": '**container-privileged** (critical): container "web" runs privileged\n\n'
            "Fix: set `securityContext.privileged: false` (or remove the key) and add only the specific capability "
            "the process needs.\n\n```suggestion\n  privileged: false\n```\n\n"
            f"<!-- chartwarden:finding {PRIVILEGED_FP} -->",
}

SUMMARY_COMMENT = (
    f"{MARKER}\n### Chartwarden audit\n\n"
    "At `ec26c3e` the **Chartwarden** check fails: 1 new finding (1 critical), 1 fixed.\n\n"
    "| Target | Score |\n|---|---:|\n| `charts/web` | 5.0/10 |\n\n"
    "1 new, 1 fixed, 1 unchanged. Details are in the check run.\n"
)


def config(**comments) -> str:
    """Only the three rules this scenario is about, so rules added later do not change it."""
    data = {"failOn": "high", "checks": {"disable": sorted(set(all_rules()) - KEEP)}}
    if comments:
        data["comments"] = comments
    return yaml.safe_dump(data)


def trees(forge: FakeForge, *, cfg: str | None = None, head_extra: dict | None = None) -> None:
    base = {".chartwarden.yaml": cfg or config(), "charts/web/Chart.yaml": CHART,
            "charts/web/templates/deployment.yaml": DEPLOYMENT, "charts/web/values.yaml": VALUES.format("false")}
    head = {**base, "charts/web/values.yaml": VALUES.format("true"), "charts/web/README.md": "# web\n", **(head_extra or {})}
    forge.add_tree(BASE, base)
    forge.add_tree(HEAD, head)
    forge.open_pull_request(2, BASE, HEAD, base_ref="master")


def event(name: str, delivery: str = "d-1", payload: dict | None = None):
    raw = json.dumps(payload).encode() if payload is not None else webhooks.body(name)
    return event_from_request(webhooks.headers(name.split(".")[0], delivery, raw), raw, webhooks.SECRET)


def dispatch(forge: FakeForge, ev, engine=None) -> int:
    ctx = Context(forge=forge, options=HandlerOptions(bot_login="chartwarden[bot]"), engine=engine,
                  log=logging.getLogger("test"))
    return asyncio.run(router.dispatch(ev, ctx))


def test_an_opened_pull_request_gets_a_check_run_one_review_and_a_summary_comment():
    forge = FakeForge()
    trees(forge)
    assert dispatch(forge, event("pull_request.opened")) == 1
    assert forge.names() == [
        "create_check_run", "download_tarball", "download_tarball", "update_check_run",
        "get_pull_request", "list_changed_files", "list_review_comments", "create_review", "upsert_marker_comment",
    ]
    assert [args["sha"] for name, args in forge.calls if name == "download_tarball"] == [BASE, HEAD]
    [(run_id, run)] = forge.check_runs.items()
    assert (run["name"], run["head_sha"], run["status"], run["conclusion"]) == ("Chartwarden", HEAD, "completed", "failure")
    assert forge.calls[0][1]["status"] == "in_progress" and forge.calls[0][1]["external_id"] == "2"
    assert run["title"] == "1 new finding (1 critical), 1 fixed"
    assert run["summary"] == SUMMARY
    [note] = run["annotations"]
    assert note.as_dict() == ANNOTATION
    [review] = forge.reviews
    assert (review["number"], review["commit_id"]) == (2, HEAD)
    assert review["body"] == REVIEW_BODY
    [comment] = review["comments"]
    assert comment.as_dict() == REVIEW_COMMENT
    [summary] = forge.issue_comments[2]
    assert summary.body == SUMMARY_COMMENT


def test_a_second_run_repeats_no_review_comment_and_edits_the_summary_in_place():
    forge = FakeForge()
    trees(forge)
    dispatch(forge, event("pull_request.opened"))
    [first] = forge.issue_comments[2]
    dispatch(forge, event("pull_request.synchronize", "d-2"))
    assert len(forge.reviews) == 1
    assert len(forge.check_runs) == 2
    assert [c.id for c in forge.issue_comments[2]] == [first.id]
    assert forge.names()[-5:] == ["update_check_run", "get_pull_request", "list_changed_files", "list_review_comments", "upsert_marker_comment"]


def test_a_comment_with_the_marker_by_someone_else_is_not_taken_over():
    forge = FakeForge()
    trees(forge)
    from bot.forge.base import PostedComment

    forge.issue_comments[2] = [PostedComment(id=1, body=f"quoting {MARKER}", user_login="mallory")]
    dispatch(forge, event("pull_request.opened"))
    assert [(c.id, c.user_login) for c in forge.issue_comments[2]][0] == (1, "mallory")
    assert forge.issue_comments[2][0].body == f"quoting {MARKER}"
    assert len(forge.issue_comments[2]) == 2


def test_many_new_findings_send_annotations_fifty_per_request_and_comments_up_to_max_comments():
    pods = "".join(
        f"---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p{n}\nspec:\n  containers:\n    - name: c\n"
        f"      image: nginx:1.27.3\n      resources:\n        requests:\n          cpu: 100m\n"
        f"      securityContext:\n        privileged: true\n"
        for n in range(60)
    )
    forge = FakeForge()
    trees(forge, cfg=config(maxComments=5), head_extra={"manifests/pods.yaml": pods})
    dispatch(forge, event("pull_request.opened"))
    [run] = forge.check_runs.values()
    updates = [args for name, args in forge.calls if name == "update_check_run"]
    assert [len(u["output"].annotations) for u in updates] == [50, 11]
    assert [(u["status"], u["conclusion"]) for u in updates] == [(None, None), ("completed", "failure")]
    assert len(run["annotations"]) == 61
    assert run["title"] == "61 new findings (61 critical), 1 fixed"
    [review] = forge.reviews
    assert [(c.path, c.line) for c in review["comments"]] == [
        ("charts/web/values.yaml", 5), ("manifests/pods.yaml", 14), ("manifests/pods.yaml", 28),
        ("manifests/pods.yaml", 42), ("manifests/pods.yaml", 56)]


def test_an_audit_of_a_head_the_pr_has_moved_past_leaves_review_and_summary_alone():
    from dataclasses import replace

    forge = FakeForge()
    trees(forge)
    forge.pulls[2] = replace(forge.pulls[2], head_sha="9" * 40)  # pushed again while we audited
    dispatch(forge, event("pull_request.opened"))
    assert forge.names() == ["create_check_run", "download_tarball", "download_tarball", "update_check_run", "get_pull_request"]
    [run] = forge.check_runs.values()
    assert (run["head_sha"], run["conclusion"]) == (HEAD, "failure")  # the old head still gets its verdict


def test_review_comments_can_be_switched_off_in_the_base_config():
    forge = FakeForge()
    trees(forge, cfg=config(review=False))
    dispatch(forge, event("pull_request.opened"))
    assert forge.names() == ["create_check_run", "download_tarball", "download_tarball", "update_check_run"]


def test_config_comes_from_the_base_so_a_pr_cannot_switch_checks_off():
    forge = FakeForge()
    trees(forge, head_extra={".chartwarden.yaml": yaml.safe_dump({"failOn": "none", "checks": {"disable": sorted(all_rules())}})})
    dispatch(forge, event("pull_request.opened"))
    [run] = forge.check_runs.values()
    assert (run["conclusion"], run["title"]) == ("failure", "1 new finding (1 critical), 1 fixed")


def test_an_invalid_base_config_fails_the_check_with_the_error_line():
    forge = FakeForge()
    trees(forge, cfg="failOn: sometimes\n")
    dispatch(forge, event("pull_request.opened"))
    [run] = forge.check_runs.values()
    assert (run["conclusion"], run["title"]) == ("failure", "Invalid .chartwarden.yaml on the base branch")
    assert run["summary"].startswith("`.chartwarden.yaml:1: failOn: ")
    assert run["summary"].endswith("`\n\nThe configuration is read from the base branch (`master`).")
    assert "create_review" not in forge.names()


def test_a_symlink_leaving_the_tree_is_refused_with_a_clear_error():
    forge = FakeForge()
    trees(forge)
    forge.add_tree(HEAD, forge.trees[HEAD], symlinks={"charts/web/secret.yaml": "../../../../etc/passwd"})
    dispatch(forge, event("pull_request.opened"))
    [run] = forge.check_runs.values()
    assert (run["conclusion"], run["title"], run["summary"]) == (
        "failure", "Repository contents refused",
        "The tarball could not be audited safely: charts/web/secret.yaml: symlink to ../../../../etc/passwd leaves the tree.")


def test_a_failing_forge_call_closes_the_check_run_and_fails_the_job():
    from bot.forge.base import ForgeError

    forge = FakeForge()
    trees(forge)
    forge.fail["list_changed_files"] = ForgeError("files of pull request #2: HTTP 502: Bad Gateway", 502)
    with pytest.raises(ForgeError):
        dispatch(forge, event("pull_request.opened"))
    [run] = forge.check_runs.values()
    assert (run["conclusion"], run["title"], run["summary"]) == (
        "failure", "Chartwarden could not finish the audit", "files of pull request #2: HTTP 502: Bad Gateway")


def test_slash_command_from_a_writer_audits_the_pull_request():
    forge = FakeForge()
    trees(forge)
    forge.permissions["Codertocat"] = "write"
    assert dispatch(forge, event("issue_comment.created.pr_command")) == 1
    assert forge.names()[:3] == ["get_collaborator_permission", "get_pull_request", "create_check_run"]
    assert forge.calls[0][1] == {"repo": REPO, "login": "Codertocat"}
    assert len(forge.reviews) == 1


def test_slash_command_from_a_reader_gets_a_short_refusal_and_nothing_else():
    forge = FakeForge()
    trees(forge)
    forge.permissions["Codertocat"] = "read"
    dispatch(forge, event("issue_comment.created.pr_command"))
    assert forge.names() == ["get_collaborator_permission", "create_comment"]
    assert forge.calls[1][1] == {"repo": REPO, "number": 2,
                                 "body": "@Codertocat `/chartwarden audit` needs write access to this repository.\n"}


def command(body: str):
    payload = webhooks.payload("issue_comment.created.pr_command")
    payload["comment"]["body"] = body
    return event("issue_comment.created.pr_command", payload=payload)


HELP = (
    "Chartwarden commands, each on a line of its own in a comment on a pull request "
    "(they need write access to the repository):\n"
    "\n"
    "- `/chartwarden audit`: audit this pull request again.\n"
    "- `/chartwarden help`: list these commands.\n"
)


@pytest.mark.parametrize("permission", ["write", "maintain", "admin"])
def test_help_from_a_writer_answers_with_the_list_of_commands(permission):
    forge = FakeForge()
    forge.permissions["Codertocat"] = permission
    assert dispatch(forge, command("What can you do?\n/chartwarden help")) == 1
    assert forge.names() == ["get_collaborator_permission", "create_comment"]
    [answer] = forge.issue_comments[2]
    assert (answer.body, answer.user_login) == (HELP, "chartwarden[bot]")


@pytest.mark.parametrize("permission", ["read", "triage", "none"])
def test_help_from_someone_without_write_access_gets_a_short_refusal(permission):
    forge = FakeForge()
    forge.permissions["Codertocat"] = permission
    dispatch(forge, command("/chartwarden"))
    [answer] = forge.issue_comments[2]
    assert answer.body == "@Codertocat `/chartwarden help` needs write access to this repository.\n"


@pytest.mark.parametrize(
    "body, wanted",
    [("/chartwarden audit", True), ("  /chartwarden   audit  ", True), ("please\n/chartwarden audit\nthanks", True),
     ("/chartwarden audits", False), ("run /chartwarden audit", False), ("`/chartwarden audit`", False),
     ("/chartwarden help", True), ("/chartwarden", True), ("/chartwarden helps", False), ("/chartwarden\taudit", True),
     ("/chartwardens", False)],
)
def test_the_slash_command_must_stand_on_its_own_line(body, wanted):
    payload = webhooks.payload("issue_comment.created.pr_command")
    payload["comment"]["body"] = body
    assert router.wants(event("issue_comment.created.pr_command", payload=payload)) is wanted


def test_comments_by_bots_and_comments_on_issues_are_not_commands():
    payload = webhooks.payload("issue_comment.created.pr_command")
    payload["sender"]["type"] = payload["comment"]["user"]["type"] = "Bot"
    assert router.wants(event("issue_comment.created.pr_command", payload=payload)) is False
    issue = webhooks.payload("issue_comment.created")
    issue["comment"]["body"] = "/chartwarden audit"
    assert router.wants(event("issue_comment.created", payload=issue)) is False


def test_check_suite_rerequested_audits_its_pull_request_again():
    forge = FakeForge()
    trees(forge)
    assert dispatch(forge, event("check_suite.rerequested")) == 1
    assert forge.names()[:2] == ["get_pull_request", "create_check_run"]
    [run] = forge.check_runs.values()
    assert (run["head_sha"], run["conclusion"]) == (HEAD, "failure")


def test_check_run_rerequested_without_a_pull_request_looks_one_up_and_says_when_there_is_none():
    forge = FakeForge()
    dispatch(forge, event("check_run.rerequested"))
    assert forge.names() == ["pull_requests_for_commit", "create_check_run", "update_check_run"]
    [run] = forge.check_runs.values()
    assert (run["head_sha"], run["conclusion"], run["title"]) == (
        "d6fde92930d4715a2b49857d24b940956b26d2d3", "neutral", "No open pull request for this commit")


def test_deliveries_without_an_installation_are_not_handled():
    """Repository webhooks (not the App's) carry no installation: there is no token to act with."""
    for name in ("pull_request.opened", "check_suite.rerequested", "issue_comment.created.pr_command"):
        payload = webhooks.payload(name)
        del payload["installation"]
        assert router.wants(event(name, payload=payload)) is False, name


def test_merged_and_closed_pull_requests_are_not_audited():
    assert router.wants(event("pull_request.closed.merged")) is False
    assert router.wants(event("pull_request.closed")) is False


def test_installation_created_then_deleted_is_kept_in_the_table(sqlite_engine):
    forge = FakeForge()
    dispatch(forge, event("installation.created"), engine=sqlite_engine)
    with sqlite_engine.connect() as conn:
        row = conn.execute(sa.text("SELECT id, account_login, account_type, target_type, repository_selection, deleted_at FROM installations")).one()
    assert tuple(row) == (957387, "Codertocat", "User", "User", "selected", None)
    deleted = webhooks.payload("installation.deleted")
    deleted["installation"]["id"] = 957387
    dispatch(forge, event("installation.deleted", "d-2", payload=deleted), engine=sqlite_engine)
    with sqlite_engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT id, deleted_at IS NOT NULL FROM installations")).all()
    assert [tuple(r) for r in rows] == [(957387, 1)]
    assert forge.calls == []


def test_audits_in_child_processes_give_the_same_check_run_review_and_summary():
    forge = FakeForge()
    trees(forge)
    ctx = Context(forge=forge, options=HandlerOptions(bot_login="chartwarden[bot]", audit_processes=2),
                  log=logging.getLogger("test"))
    assert asyncio.run(router.dispatch(event("pull_request.opened"), ctx)) == 1
    [run] = forge.check_runs.values()
    assert (run["conclusion"], run["title"], run["summary"]) == ("failure", "1 new finding (1 critical), 1 fixed", SUMMARY)
    [review] = forge.reviews
    assert [c.as_dict() for c in review["comments"]] == [REVIEW_COMMENT]
    assert forge.issue_comments[2][0].body == SUMMARY_COMMENT
