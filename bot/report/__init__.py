"""Reporters: pure functions from an AuditResult to text in one format."""

from __future__ import annotations

from typing import Callable

from bot.audit import AuditResult


def reporter(name: str) -> Callable[[AuditResult], str]:
    from bot.report import github, json_report, markdown, sarif, text

    table = {
        "text": text.render,
        "json": json_report.render,
        "sarif": sarif.render,
        "markdown": markdown.render,
        "github": github.render,
    }
    return table[name]


FORMATS = ("text", "json", "sarif", "markdown", "github")
