"""`chartwarden` command line: audit, rules, docs. Errors are one line; exit 0/1/2."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from bot import __version__
from bot.config import ConfigError, RepoConfig, find_config, load_config
from bot.findings import Severity
from bot.helm import HelmMissing


class UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chartwarden", description="Production-readiness audits for Helm charts and Kubernetes manifests.")
    parser.add_argument("--version", action="version", version=f"chartwarden {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    audit = sub.add_parser("audit", help="audit charts, folders of charts, manifests and Dockerfiles")
    audit.add_argument("paths", nargs="+", metavar="PATH")
    audit.add_argument("-f", "--values", action="append", default=[], metavar="FILE", help="extra values file (repeatable)")
    audit.add_argument("--set", action="append", default=[], dest="set_values", metavar="KEY=VALUE")
    audit.add_argument("--kube-version", help="target Kubernetes version, e.g. 1.31")
    audit.add_argument("--release-name")
    audit.add_argument("--namespace")
    audit.add_argument("--config", help="path to .chartwarden.yaml (default: nearest one)")
    audit.add_argument("--format", default="text", choices=("text", "json", "sarif", "markdown", "github"))
    audit.add_argument("-o", "--output", help="write the report here instead of stdout")
    audit.add_argument("--fail-on", help="critical|high|medium|low|info|none (default: config failOn, else high)")
    audit.add_argument("--baseline", metavar="REV", help="report only findings new since this git revision")
    audit.add_argument("--no-cache", action="store_true")
    audit.add_argument("--show-suppressed", action="store_true")
    audit.add_argument("-j", "--jobs", type=int, default=0)

    rules = sub.add_parser("rules", help="list the rules, or print one rule's documentation")
    rules.add_argument("rule_id", nargs="?")

    sub.add_parser("action", help="run as a GitHub Action step (reads the runner's environment)")

    serve = sub.add_parser("serve", help="run the GitHub App webhook service (settings from CHARTWARDEN_* variables)")
    serve.add_argument("--host", help="listen address (default: CHARTWARDEN_HOST, else 127.0.0.1)")
    serve.add_argument("--port", type=int, help="listen port (default: CHARTWARDEN_PORT, else 8000)")
    serve.add_argument("--no-worker", action="store_true", help="web only: run `chartwarden worker` processes beside it")

    worker = sub.add_parser("worker", help="run one webhook-service queue worker (scale-out on PostgreSQL)")
    worker.add_argument("--until-idle", action="store_true", help="exit once no job is runnable")

    docs = sub.add_parser("docs", help="write docs/rules/ from the rule code")
    docs.add_argument("--out", default="docs/rules")
    docs.add_argument("--check", action="store_true", help="exit 1 when the docs are stale")
    return parser


def _load_config(args) -> RepoConfig:
    from checks._registry import all_rules

    known = set(all_rules())
    if args.config:
        return load_config(Path(args.config), args.config, known)
    try:
        start = Path(args.paths[0]).resolve()
    except (OSError, RuntimeError):  # a symlink loop: discovery reports it; look for config beside it
        start = Path(os.path.abspath(args.paths[0])).parent
    found = find_config(start)
    if found:
        from bot.discover import display_path

        return load_config(found, display_path(found), known)
    return RepoConfig()


def _fail_on(args, config: RepoConfig) -> Severity | None:
    if args.fail_on is None:
        return config.fail_on
    if args.fail_on == "none":
        return None
    try:
        return Severity.parse(args.fail_on)
    except ValueError as exc:
        raise UsageError(f"--fail-on: {exc}") from None


def _progress_printer():
    """`[3/15] charts/web: 4 findings` on stderr as each target finishes, when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None
    import threading

    lock = threading.Lock()
    done = [0]

    def report(result, total: int) -> None:
        if total < 2:
            return
        with lock:
            done[0] += 1
            live = sum(1 for f in result.findings if not f.suppressed)
            state = "error" if result.error else f"{live} finding(s)"
            print(f"[{done[0]}/{total}] {result.target.display}: {state}", file=sys.stderr, flush=True)

    return report


def cmd_audit(args) -> int:
    from bot.audit import AuditOptions, audit, exit_code
    from bot.report import reporter

    config = _load_config(args)
    fail_on = _fail_on(args, config)
    if args.kube_version:
        parts = args.kube_version.lstrip("v").split(".")
        if len(parts) < 2 or not all(p.isdigit() for p in parts[:2]):
            raise UsageError(f"--kube-version: {args.kube_version!r} is not a version like 1.31")
    for values_file in args.values:
        if Path(values_file).is_dir():
            raise UsageError(f"{values_file}: values file is a folder, not a file")
        if not Path(values_file).is_file():
            raise UsageError(f"{values_file}: values file not found")
    options = AuditOptions(
        values_files=tuple(args.values),
        set_values=tuple(args.set_values),
        kube_version=args.kube_version,
        release_name=args.release_name,
        namespace=args.namespace,
        use_cache=not args.no_cache,
        jobs=args.jobs,
    )
    result = audit(args.paths, config, options, _progress_printer() if args.format == "text" and not args.output else None)
    if args.baseline:
        from bot.baseline import BaselineError, apply_baseline

        try:
            apply_baseline(result, args.baseline, args.paths, config, options)
        except BaselineError as exc:
            raise UsageError(str(exc)) from None
    if args.format == "text":
        from bot.report import text

        report = text.render(result, show_suppressed=args.show_suppressed)
    else:
        report = reporter(args.format)(result)
    if args.output:
        try:
            Path(args.output).write_text(report, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"{args.output}: cannot write the report: {exc.strerror}") from None
    else:
        sys.stdout.write(report)
    return exit_code(result, fail_on)


def cmd_rules(args) -> int:
    from checks._registry import all_rules

    rules = all_rules()
    if args.rule_id is not None:
        rule = rules.get(args.rule_id)
        if rule is None:
            raise UsageError(f"unknown rule {args.rule_id!r} (see `chartwarden rules`)")
        from bot.ruledocs import DocError, rule_markdown

        try:
            sys.stdout.write(rule_markdown(rule))
        except DocError as exc:
            raise UsageError(str(exc)) from None
        return 0
    width = max(len(r) for r in rules)
    for rule in rules.values():
        state = "" if rule.enabled else " (opt-in)"
        print(f"{rule.id.ljust(width)}  {rule.category:<13} {str(rule.severity):<8} {rule.title}{state}")
    return 0


def cmd_action(args) -> int:
    from bot.action import main as action_main

    return action_main()


def cmd_docs(args) -> int:
    from bot.ruledocs import DocError, write_docs

    try:
        stale = write_docs(Path(args.out), check=args.check)
    except DocError as exc:
        raise UsageError(str(exc)) from None
    if args.check and stale:
        print(f"{args.out}: stale rule docs: {', '.join(stale)}; run `chartwarden docs`", file=sys.stderr)
        return 1
    return 0


def cmd_serve(args) -> int:
    from bot.service_cli import serve

    return serve(args)


def cmd_worker(args) -> int:
    from bot.service_cli import worker

    return worker(args)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    handlers = {"audit": cmd_audit, "rules": cmd_rules, "docs": cmd_docs, "action": cmd_action, "serve": cmd_serve, "worker": cmd_worker}
    try:
        return handlers[args.command](args)
    except (UsageError, ConfigError, HelmMissing) as exc:
        print(f"chartwarden: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("chartwarden: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `chartwarden audit . | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
