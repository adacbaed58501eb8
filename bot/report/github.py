"""GitHub workflow commands: one `::error`/`::warning`/`::notice` annotation per finding."""

from __future__ import annotations

from bot.audit import AuditResult
from bot.findings import Severity

LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "notice",
    Severity.INFO: "notice",
}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding) -> str:
    props = []
    if finding.location:
        props.append(f"file={_escape_property(finding.location.file)}")
        if finding.location.line:
            props.append(f"line={finding.location.line}")
    props.append(f"title={_escape_property(f'{finding.rule_id} ({finding.severity})')}")
    body = finding.message + (f" Fix: {finding.fix_hint}" if finding.fix_hint else "")
    return f"::{LEVEL[finding.severity]} {','.join(props)}::{_escape_data(body)}"


def render(result: AuditResult) -> str:
    lines = [f"::error::{_escape_data(str(problem))}" for problem in result.errors]
    lines += [annotation(f) for f in result.findings if not f.suppressed]
    return "\n".join(lines) + ("\n" if lines else "")
