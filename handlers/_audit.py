"""Audit one pull request: shared by the pull_request, check_run/check_suite and slash-command handlers.

1. a check run, in_progress, on the head SHA;
2. base and head tarballs unpacked into a temp folder (size, file-count and symlink limits);
3. `.chartwarden.yaml` read from the BASE tree, so a PR cannot loosen the checks that judge it;
4. bot.audit on both trees, findings diffed by fingerprint (handlers/_review.py);
5. annotations for new findings, 50 per request, and the check run completed with its conclusion;
6. one review with comments on changed lines only (never repeating one already made), and the
   summary comment found by its marker and edited in place (both when `comments.review` is on, and
   only while the audited SHA is still the PR's head: an audit that finishes after a newer one
   must not overwrite the newer summary).
"""

from __future__ import annotations

import asyncio
import glob
import multiprocessing
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path

from bot.audit import AuditOptions, AuditResult, audit
from bot.config import CONFIG_NAME, ConfigError, RepoConfig, parse_config
from bot.forge.base import ANNOTATIONS_PER_REQUEST, CheckOutput, ForgeError, PullRequest, TarballLimits
from bot.forge.diff import changed_lines
from bot.forge.tarball import TarballRefused, extract
from bot.routing import Context
from bot.worker import RetryLater
from bot.workspace import line_reader
from handlers import _review


def audit_paths(root: Path, config: RepoConfig) -> list[str]:
    """The config's `charts` globs expanded in the tree (repo-relative), else the whole tree."""
    if not config.charts:
        return ["."]
    found: set[str] = set()
    for pattern in config.charts:
        for match in glob.glob(pattern, root_dir=root, recursive=True):
            if (root / match).is_dir() or (root / match).is_file():
                found.add(os.path.normpath(match))
    return sorted(found)


_POOLS: dict[int, ProcessPoolExecutor] = {}


def _lower_priority() -> None:
    """Audits (and the helm they start) yield the CPU to webhook acks: a delivery answered late is
    retried by GitHub, an audit finished a little later is not noticed."""
    try:
        os.nice(10)
    except OSError:
        pass


def _pool(size: int) -> ProcessPoolExecutor:
    """Child processes for audits, started once (spawned: the parent runs threads and a loop)."""
    if size not in _POOLS:
        _POOLS[size] = ProcessPoolExecutor(
            max_workers=size, mp_context=multiprocessing.get_context("spawn"), initializer=_lower_priority
        )
    return _POOLS[size]


async def run_audit(processes: int, root: Path, config: RepoConfig, options: AuditOptions) -> AuditResult:
    """Audit a tree in a child process (so a busy audit does not slow the webhook acks sharing this
    process), or in a thread when `processes` is 0 or the pool broke."""
    if processes > 0:
        try:
            return await asyncio.get_running_loop().run_in_executor(_pool(processes), audit_tree, root, config, options)
        except BrokenProcessPool:
            _POOLS.pop(processes, None)  # a killed child: start afresh next time, audit here now
    return await asyncio.to_thread(audit_tree, root, config, options)


def audit_tree(root: Path, config: RepoConfig, options: AuditOptions) -> AuditResult:
    """Paths in findings are repo-relative: the tree's root stands for the repository root."""
    return audit(audit_paths(root, config), config, options, root=root)


def load_base_config(base_root: Path) -> RepoConfig:
    """`.chartwarden.yaml` from the base tree, or the defaults; ConfigError names file:line."""
    from checks._registry import all_rules

    path = base_root / CONFIG_NAME
    if not path.is_file() or path.is_symlink():
        return RepoConfig()
    return parse_config(path.read_text(encoding="utf-8", errors="replace"), CONFIG_NAME, set(all_rules()))


async def _fetch(ctx: Context, repo: str, sha: str, dest: Path, limits: TarballLimits) -> None:
    data = await ctx.forge.download_tarball(repo, sha, limits.max_bytes)
    await asyncio.to_thread(extract, data, dest, limits)


async def _finish(ctx: Context, repo: str, check_id: int, conclusion: str, situation: str, **values) -> None:
    """Complete the check run with the text of templates/check_run/<situation>.md.j2."""
    title, summary = _review.check_text(situation, **values)
    await ctx.forge.update_check_run(repo, check_id, status="completed", conclusion=conclusion,
                                     output=CheckOutput(title=title, summary=summary))


async def _still_head(ctx: Context, repo: str, pr: PullRequest) -> bool:
    """False when the PR moved on while we audited: a newer job owns the review and the summary."""
    current = await ctx.forge.get_pull_request(repo, pr.number)
    if current.head_sha != pr.head_sha:
        ctx.log.info("head moved on; leaving comments to the newer audit",
                     extra={"pr": pr.number, "head_sha": pr.head_sha, "current_head_sha": current.head_sha})
        return False
    return True


async def audit_pull_request(ctx: Context, repo: str, pr: PullRequest) -> str:
    """Run the whole flow for `pr`; returns the check run's conclusion."""
    forge, options = ctx.forge, ctx.options
    limits = TarballLimits(options.max_tarball_bytes, options.max_unpacked_bytes, options.max_files)
    check_id = await forge.create_check_run(repo, name=options.check_name, head_sha=pr.head_sha, status="in_progress",
                                            external_id=str(pr.number))
    try:
        with tempfile.TemporaryDirectory(prefix="chartwarden-pr-") as tmp:
            base_root, head_root = Path(tmp) / "base", Path(tmp) / "head"
            try:
                await _fetch(ctx, repo, pr.base_sha, base_root, limits)
                await _fetch(ctx, repo, pr.head_sha, head_root, limits)
            except TarballRefused as exc:
                await _finish(ctx, repo, check_id, "failure", "refused", error=str(exc))
                return "failure"
            try:
                config = await asyncio.to_thread(load_base_config, base_root)
            except ConfigError as exc:
                await _finish(ctx, repo, check_id, "failure", "invalid_config", config_name=CONFIG_NAME, error=str(exc),
                              base=pr.base_ref or pr.base_sha[:7])
                return "failure"
            audit_options = AuditOptions(timeout=options.audit_timeout)
            head, base = await asyncio.gather(
                run_audit(options.audit_processes, head_root, config, audit_options),
                run_audit(options.audit_processes, base_root, config, audit_options),
            )
            diff = _review.diff_findings(base, head)
            verdict = _review.conclusion(diff, config.fail_on)
            heading = _review.title(diff)
            summary = _review.summary(diff, base, head, head_sha=pr.head_sha, base_sha=pr.base_sha, fail_on=config.fail_on)
            notes = _review.annotations(diff.new)
            batches = [notes[i:i + ANNOTATIONS_PER_REQUEST] for i in range(0, len(notes), ANNOTATIONS_PER_REQUEST)] or [[]]
            for batch in batches[:-1]:
                await forge.update_check_run(repo, check_id, output=CheckOutput(heading, summary, annotations=tuple(batch)))
            await forge.update_check_run(repo, check_id, status="completed", conclusion=verdict,
                                         output=CheckOutput(heading, summary, annotations=tuple(batches[-1])))
            if config.comments.get("review", True) and await _still_head(ctx, repo, pr):
                files = await forge.list_changed_files(repo, pr.number)
                posted = await forge.list_review_comments(repo, pr.number)
                already = _review.posted_fingerprints([c.body for c in posted if c.user_login == options.bot_login])
                comments = _review.review_comments(
                    diff.new, changed_lines(files), already=already, limit=int(config.comments.get("maxComments", 25)),
                    suggestions=bool(config.comments.get("suggestions", True)), read_line=line_reader(head_root),
                    fix_keys={rule_id: rule.fix for rule_id, rule in head.rules.items()},
                )
                if comments:
                    await forge.create_review(repo, pr.number, commit_id=pr.head_sha,
                                              body=_review.review_body(len(comments), pr.head_sha), comments=comments)
                await forge.upsert_marker_comment(
                    repo, pr.number, _review.MARKER,
                    _review.summary_comment(diff, head, head_sha=pr.head_sha, check_name=options.check_name, conclusion_=verdict),
                )
            ctx.log.info("audited", extra={"pr": pr.number, "head_sha": pr.head_sha, "conclusion": verdict,
                                           "new": len(diff.new), "fixed": len(diff.fixed)})
            return verdict
    except RetryLater:
        raise  # the job comes back later and makes a fresh check run
    except Exception as exc:
        try:
            await _finish(ctx, repo, check_id, "failure", "error",
                          error=f"{type(exc).__name__}: {exc}" if not isinstance(exc, ForgeError) else str(exc))
        except Exception:  # the forge is down too: the job's retry will make a new check run
            ctx.log.warning("could not close the check run", extra={"check_run_id": check_id})
        raise


async def audit_commit(ctx: Context, repo: str, head_sha: str, pr_number: int | None) -> list[str]:
    """Re-audit for a re-requested check: the named PR, or the open PRs whose head is `head_sha`."""
    if pr_number is not None:  # the run asked for is re-run, even if the PR has moved on since
        prs = [replace(await ctx.forge.get_pull_request(repo, pr_number), head_sha=head_sha)]
    else:
        prs = await ctx.forge.pull_requests_for_commit(repo, head_sha)
    if not prs:
        check_id = await ctx.forge.create_check_run(repo, name=ctx.options.check_name, head_sha=head_sha, status="in_progress")
        await _finish(ctx, repo, check_id, "neutral", "no_pull_request", head_sha=head_sha)
        return ["neutral"]
    return [await audit_pull_request(ctx, repo, pr) for pr in prs]
