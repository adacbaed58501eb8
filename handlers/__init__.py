"""Event handlers. Each module owns a Router and registers with decorators; this composes them."""

from __future__ import annotations

from bot.routing import Router
from handlers import check_run, installation, issue_comment, pull_request

router = Router(pull_request.router, check_run.router, issue_comment.router, installation.router)
