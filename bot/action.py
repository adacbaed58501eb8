"""GitHub Action front door: the same audit, with the runner's files as its outputs.

Reads the runner's environment (GITHUB_WORKSPACE, GITHUB_EVENT_NAME, GITHUB_EVENT_PATH) and the
action inputs (INPUT_<NAME>, hyphens kept as the runner writes them; underscores accepted too),
then writes workflow-command annotations for new findings to stdout, a Markdown job summary to
$GITHUB_STEP_SUMMARY, outputs to $GITHUB_OUTPUT and a SARIF file for upload-sarif. On a pull
request with a token it then posts the App's review comments and summary comment
(bot/action_comments.py); a fork's read-only token only costs those, with a `::notice::`.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path

from bot import action_comments
from bot.audit import AuditOptions, AuditResult, audit, exit_code
from bot.config import ConfigError, RepoConfig, find_config, load_config
from bot.findings import Severity
from bot.report import github, markdown, sarif


class ActionError(Exception):
    pass


def action_input(name: str, default: str = "") -> str:
    """An input as the runner passes it: INPUT_FAIL-ON (hyphen kept) or INPUT_FAIL_ON."""
    upper = name.upper()
    for key in (f"INPUT_{upper}", f"INPUT_{upper.replace('-', '_')}"):
        value = os.environ.get(key)
        if value is not None and value.strip() != "":
            return value.strip()
    return default


@dataclass(frozen=True)
class ActionInputs:
    paths: list[str]
    values: list[str]
    kubernetes_version: str | None
    fail_on: str | None
    config: str | None
    baseline: str | None
    sarif_file: str
    token: str | None

    @classmethod
    def from_env(cls, event: dict, event_name: str) -> "ActionInputs":
        baseline = action_input("baseline")
        if not baseline and event_name in ("pull_request", "pull_request_target"):
            baseline = str((event.get("pull_request") or {}).get("base", {}).get("sha") or "") or None
        return cls(
            paths=action_input("path", ".").split() or ["."],
            values=action_input("values").split(),
            kubernetes_version=action_input("kubernetes-version") or None,
            fail_on=action_input("fail-on") or None,
            config=action_input("config") or None,
            baseline=baseline or None,
            sarif_file=action_input("sarif-file", "chartwarden.sarif"),
            token=action_input("github_token") or os.environ.get("GITHUB_TOKEN") or None,
        )


def _event() -> tuple[str, dict]:
    name = os.environ.get("GITHUB_EVENT_NAME", "")
    path = os.environ.get("GITHUB_EVENT_PATH")
    if not path:
        return name, {}
    try:
        return name, json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ActionError(f"GITHUB_EVENT_PATH={path}: cannot read the event payload: {exc}") from None


def _write_output(name: str, value: str) -> None:
    target = os.environ.get("GITHUB_OUTPUT")
    if not target:
        return
    with open(target, "a", encoding="utf-8") as handle:
        if "\n" in value:
            delimiter = f"ghadelimiter_{secrets.token_hex(8)}"
            handle.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
        else:
            handle.write(f"{name}={value}\n")


def _append_summary(text: str) -> None:
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(text)


def _config(inputs: ActionInputs, workspace: Path) -> RepoConfig:
    from checks._registry import all_rules

    known = set(all_rules())
    if inputs.config:
        return load_config(workspace / inputs.config, inputs.config, known)
    found = find_config(workspace / inputs.paths[0])
    return load_config(found, os.path.relpath(found, workspace), known) if found else RepoConfig()


def summary_markdown(result: AuditResult, total: int) -> str:
    text = markdown.render(result)
    if result.baseline:
        b = result.baseline
        text += f"\n{b['new']} new, {b['fixed']} fixed, {b['existing']} existing finding(s) since `{b['revision'][:12]}`; {total} in all.\n"
    return text


def run_action() -> int:
    workspace = Path(os.environ.get("GITHUB_WORKSPACE") or os.getcwd())
    os.chdir(workspace)
    event_name, event = _event()
    inputs = ActionInputs.from_env(event, event_name)
    config = _config(inputs, workspace)
    fail_on = config.fail_on
    if inputs.fail_on:
        fail_on = None if inputs.fail_on == "none" else Severity.parse(inputs.fail_on)
    options = AuditOptions(values_files=tuple(inputs.values), kube_version=inputs.kubernetes_version)
    result = audit(inputs.paths, config, options)
    Path(inputs.sarif_file).write_text(sarif.render(result), encoding="utf-8")
    total = sum(1 for f in result.findings if not f.suppressed)
    diff = action_comments.plain_diff(result)
    if inputs.baseline:
        from bot.baseline import BaselineError

        try:
            diff = action_comments.baseline_diff(result, inputs.baseline, inputs.paths, config, options)
        except BaselineError as exc:
            print(f"::warning::{github._escape_data(f'{exc}; reporting every finding (checkout with fetch-depth: 0)')}")
    new = sum(1 for f in result.findings if not f.suppressed)
    sys.stdout.write(github.render(result))
    sys.stdout.flush()
    _append_summary(summary_markdown(result, total))
    scores = [r.score.total for r in result.results if r.score and r.target.kind == "chart"]
    _write_output("score", f"{min(scores):.1f}" if scores else "")
    _write_output("findings", str(total))
    _write_output("new-findings", str(new))
    _write_output("sarif-file", inputs.sarif_file)
    code = exit_code(result, fail_on)
    # after every file the runner reads is written: nothing GitHub answers can change them or the verdict
    action_comments.post_comments(event_name, event, inputs.token, result, diff, config, workspace,
                                  "success" if code == 0 else "failure")
    return code


def main() -> int:
    try:
        return run_action()
    except (ActionError, ConfigError, ValueError) as exc:
        print(f"::error::{github._escape_data(str(exc))}")
        return 2
