"""The router handlers register on, and the context they receive.

    router = Router()

    @router.register("pull_request", action="opened", supersedes=True)
    async def audit(event: Event, ctx: Context) -> None: ...

`when=` takes a pure predicate on the event (a slash command in a comment, not a bot's own
comment...): the web app asks the router before enqueueing, so events nobody handles never become
jobs. `supersedes=True` marks handlers whose job for a new head SHA makes queued jobs of older SHAs
for the same pull request pointless. Routers compose: `Router(a.router, b.router)`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Awaitable, Callable

from bot.events import Event

Handler = Callable[[Event, "Context"], Awaitable[None]]


@dataclass(frozen=True)
class Route:
    event: str
    action: str | None
    func: Handler
    when: Callable[[Event], bool] | None = None
    supersedes: bool = False

    def matches(self, event: Event) -> bool:
        if event.name != self.event or (self.action is not None and event.action != self.action):
            return False
        return self.when is None or bool(self.when(event))


@dataclass(frozen=True)
class HandlerOptions:
    """What handlers need from the service settings (handlers never read the environment)."""

    check_name: str = "Chartwarden"
    bot_login: str = "chartwarden[bot]"
    max_tarball_bytes: int = 100 * 1024 * 1024
    max_unpacked_bytes: int = 500 * 1024 * 1024
    max_files: int = 20_000
    audit_timeout: float = 120.0
    audit_processes: int = 0  # >0: audits run in that many child processes, off the web process's GIL


@dataclass
class Context:
    forge: Any  # a bot.forge.base.Forge for the event's installation, or None when it has none
    options: HandlerOptions = field(default_factory=HandlerOptions)
    engine: Any = None  # the service database, for bookkeeping handlers
    log: logging.LoggerAdapter | logging.Logger = field(default_factory=lambda: logging.getLogger("chartwarden.handlers"))
    clock: Callable[[], datetime] | None = None


class Router:
    def __init__(self, *routers: "Router"):
        self.routes: list[Route] = [route for router in routers for route in router.routes]

    def register(self, event: str, action: str | None = None, *, when: Callable[[Event], bool] | None = None,
                 supersedes: bool = False) -> Callable[[Handler], Handler]:
        def decorate(func: Handler) -> Handler:
            self.routes.append(Route(event, action, func, when, supersedes))
            return func

        return decorate

    def routes_for(self, event: Event) -> list[Route]:
        return [route for route in self.routes if route.matches(event)]

    def wants(self, event: Event) -> bool:
        return bool(self.routes_for(event))

    async def dispatch(self, event: Event, ctx: Context) -> int:
        """Call every matching handler in registration order; returns how many ran."""
        routes = self.routes_for(event)
        for route in routes:
            await route.func(event, ctx)
        return len(routes)
