"""The Action's pull-request comments: the App's review and summary comment, posted with the job's token.

On a `pull_request` / `pull_request_target` event with a token, after the audit and its baseline:
the PR's changed files (with patches) are listed through the forge, review comments are built for
the new findings on lines the PR changed (handlers/_review.py, the functions the App uses, with the
`comments:` settings of .chartwarden.yaml), comments already posted are skipped (their hidden
fingerprint markers, on review comments by the token's bot user), one review is created and the
summary comment is found by its marker and edited, or created.

Nothing here fails the step: annotations, the job summary and the outputs are written before, and
the exit code stays the fail-on verdict. A `pull_request` from a fork (its token is read-only) makes
no request at all; a 403 from GitHub (a read-only token: "Resource not accessible by integration")
stops the posting; both print a `::notice::` saying why. Other failures print a `::warning::`.

The commented line must read the same in the checkout as in the PR's head: a `pull_request` run
checks out the merge commit, where a base change above the line would shift it, so a finding whose
line differs from the patch's added text gets no comment (its annotation still points at it).
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from bot import __version__
from bot.audit import AuditOptions, AuditResult
from bot.baseline import audit_at_revision
from bot.config import RepoConfig
from bot.findings import Finding
from bot.forge.base import ChangedFile, ForgeError
from bot.forge.diff import _HUNK, changed_lines
from bot.report.github import _escape_data
from bot.worker import RetryLater
from bot.workspace import line_reader
from handlers import _review

PR_EVENTS = ("pull_request", "pull_request_target")
DEFAULT_API_URL = "https://api.github.com"
DEFAULT_BOT_LOGIN = "github-actions[bot]"  # the author of GITHUB_TOKEN's comments
CHECK_NAME = "Chartwarden"


def baseline_diff(result: AuditResult, rev: str, paths: list[str], config: RepoConfig,
                  options: AuditOptions) -> _review.FindingDiff:
    """bot.baseline.apply_baseline (same filtering, same counts on `result.baseline`), keeping the lists.

    The base is audited once; the returned diff holds the new, fixed and existing findings for the
    summary comment. Raises BaselineError like apply_baseline.
    """
    base = audit_at_revision(rev, paths, config, options)
    before = {f.fingerprint for f in base.findings} if base else set()
    now = {f.fingerprint for f in result.findings}
    existing: list[Finding] = []
    for target in result.results:
        kept = [f for f in target.findings if f.fingerprint not in before]
        existing += [f for f in target.findings if f.fingerprint in before]
        target.findings = kept
    result.baseline = {
        "revision": rev,
        "new": sum(len(t.findings) for t in result.results),
        "fixed": len(before - now),
        "existing": len(existing),
    }
    fixed: dict[str, Finding] = {}
    for f in base.findings if base else []:
        if f.fingerprint not in now and not f.suppressed:
            fixed.setdefault(f.fingerprint, f)
    base_errors = {str(e) for e in base.errors} if base else set()
    return _review.FindingDiff(
        new=[f for f in result.findings if not f.suppressed],
        fixed=list(fixed.values()),
        existing=[f for f in existing if not f.suppressed],
        new_errors=[str(e) for e in result.errors if str(e) not in base_errors],
    )


def plain_diff(result: AuditResult) -> _review.FindingDiff:
    """Without a baseline every live finding is new."""
    return _review.FindingDiff(new=[f for f in result.findings if not f.suppressed],
                               new_errors=[str(e) for e in result.errors])


def token_forge(token: str, *, bot_login: str | None = None, api_url: str | None = None):
    """A GitHubForge over a token-authenticated githubkit client (GITHUB_API_URL, so GHES works)."""
    from githubkit import GitHub, TokenAuthStrategy

    from bot.forge.github import GitHubForge

    gh = GitHub(
        TokenAuthStrategy(token),
        base_url=api_url or os.environ.get("GITHUB_API_URL") or DEFAULT_API_URL,
        user_agent=f"chartwarden/{__version__} (action)",
        timeout=30.0,
        auto_retry=False,  # retries and rate-limit waits are GitHubForge's own, as in the App
        http_cache=False,
    )
    return GitHubForge(gh, bot_login=bot_login or os.environ.get("CHARTWARDEN_BOT_LOGIN") or DEFAULT_BOT_LOGIN, max_wait=60.0)


def _notice(text: str) -> None:
    print(f"::notice title=Chartwarden::{_escape_data(text)}", flush=True)


def _warning(text: str) -> None:
    print(f"::warning title=Chartwarden::{_escape_data(text)}", flush=True)


def _added_text(files: list[ChangedFile]) -> dict[str, dict[int, str]]:
    """path -> {new-file line: its text} for the lines each patch adds (the PR head's text)."""
    out: dict[str, dict[int, str]] = {}
    for f in files:
        if f.status == "removed" or not f.patch:
            continue
        lines: dict[int, str] = {}
        new_line, in_hunk = 0, False
        for text in f.patch.splitlines():
            hunk = _HUNK.match(text)
            if hunk is not None:
                new_line, in_hunk = int(hunk.group(3)), True
                continue
            if not in_hunk or text.startswith("\\") or text.startswith("-"):
                continue
            if text.startswith("+"):
                lines[new_line] = text[1:]
            new_line += 1
        out[f.path] = lines
    return out


def skip_reason(event_name: str, event: dict, token: str | None, config: RepoConfig) -> str | None:
    """Why no comments are posted for this run (None: post them)."""
    if event_name not in PR_EVENTS or not event.get("pull_request"):
        return "not a pull request event"  # not worth a notice: pushes have nothing to comment on
    if not config.comments.get("review", True):
        return "comments.review is off in .chartwarden.yaml"
    if not token:
        return "no github_token"
    pr = event["pull_request"]
    head_repo = ((pr.get("head") or {}).get("repo") or {}).get("full_name")
    base_repo = ((pr.get("base") or {}).get("repo") or {}).get("full_name")
    if event_name == "pull_request" and head_repo != base_repo:
        return (f"pull request from the fork {head_repo or '(deleted)'}: its token is read-only "
                "(use pull_request_target or a workflow_run job to comment)")
    return None


async def _post(forge, repo: str, pr: dict, result: AuditResult, diff: _review.FindingDiff, config: RepoConfig,
                workspace: Path, conclusion: str, check_name: str, run_url: str) -> tuple[int, int]:
    number, head_sha = int(pr["number"]), str(pr["head"]["sha"])
    files = await forge.list_changed_files(repo, number)
    posted = await forge.list_review_comments(repo, number)
    already = _review.posted_fingerprints([c.body for c in posted if c.user_login == forge.bot_login])
    added = _added_text(files)
    on_disk = line_reader(workspace)
    # a finding whose checked-out line is not the head's line (merge commit shifted it) gets no comment
    placed = [f for f in diff.new if f.location is None or not f.location.line
              or f.location.line not in added.get(f.location.file, {})
              or on_disk(f.location.file, f.location.line) == added[f.location.file][f.location.line]]
    comments = _review.review_comments(
        placed, changed_lines(files), already=already, limit=int(config.comments.get("maxComments", 25)),
        suggestions=bool(config.comments.get("suggestions", True)),
        read_line=lambda path, line: added.get(path, {}).get(line),
        fix_keys={rule_id: rule.fix for rule_id, rule in result.rules.items()},
    )
    if comments:
        await forge.create_review(repo, number, commit_id=head_sha,
                                  body=_review.review_body(len(comments), head_sha), comments=comments)
    body = _review.summary_comment(diff, result, head_sha=head_sha, check_name=check_name, conclusion_=conclusion)
    if run_url:
        body += f"\n[Workflow run]({run_url}): annotations and the job summary.\n"
    comment_id = await forge.upsert_marker_comment(repo, number, _review.MARKER, body)
    return len(comments), comment_id


def post_comments(event_name: str, event: dict, token: str | None, result: AuditResult, diff: _review.FindingDiff,
                  config: RepoConfig, workspace: Path, conclusion: str) -> bool:
    """Post the review and the summary comment; True when posted. Never raises for GitHub's answers."""
    reason = skip_reason(event_name, event, token, config)
    if reason is not None:
        if reason != "not a pull request event":
            _notice(f"Pull request comments skipped: {reason}. Findings are in the annotations and the job summary.")
        return False
    pr = event["pull_request"]
    repo = os.environ.get("GITHUB_REPOSITORY") or ((pr.get("base") or {}).get("repo") or {}).get("full_name") \
        or (event.get("repository") or {}).get("full_name") or ""
    server, run_id = os.environ.get("GITHUB_SERVER_URL", "https://github.com"), os.environ.get("GITHUB_RUN_ID")
    run_url = f"{server}/{repo}/actions/runs/{run_id}" if run_id and repo else ""
    check_name = os.environ.get("GITHUB_JOB") or CHECK_NAME
    forge = token_forge(token)

    async def go():
        async with forge.gh:
            return await _post(forge, repo, pr, result, diff, config, workspace, conclusion, check_name, run_url)

    try:
        count, _ = asyncio.run(go())
    except ForgeError as exc:
        if exc.status == 403:
            _notice(f"Pull request comments skipped: the token cannot write to {repo} ({exc}); grant "
                    "`pull-requests: write` (fork pull requests get a read-only token). "
                    "Findings are in the annotations and the job summary.")
        else:
            _warning(f"Pull request comments not posted: {exc}. Findings are in the annotations and the job summary.")
        return False
    except RetryLater as exc:
        _warning(f"Pull request comments not posted: {exc}. Findings are in the annotations and the job summary.")
        return False
    except Exception as exc:  # a network error, an unexpected payload: the audit's verdict stands
        _warning(f"Pull request comments not posted: {type(exc).__name__}: {exc}. "
                 "Findings are in the annotations and the job summary.")
        return False
    print(f"Chartwarden: {count} review comment(s) and the summary comment on #{pr['number']}.", flush=True)
    return True
