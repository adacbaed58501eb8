"""The text Chartwarden writes on GitHub, rendered from the Jinja2 templates under templates/.

templates/check_run/*.md.j2 hold the check run's titles, summaries and annotation messages,
templates/comments/*.md.j2 the review comments and conversation comments; files whose name starts
with `_` are the named partials they include or import (templates/_macros.md.j2: plurals, scores).
Everything renders with StrictUndefined: a value a template names but is not given is an error, never
an empty string. Callers pass plain values (numbers, strings, lists of dicts); the wording and the
Markdown live in the templates. A template for a situation with a title and a summary defines them as
the blocks `title` and `summary` (`render_block`).

The templates ship in the wheel (the `templates` package data) and are read from the checkout when
running from one.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

import jinja2


def _templates_dir() -> Path:
    """templates/ beside bot/ in a checkout, else the installed `templates` package data."""
    beside = Path(__file__).resolve().parent.parent / "templates"
    if (beside / "comments").is_dir():
        return beside
    spec = importlib.util.find_spec("templates")
    for location in (spec.submodule_search_locations or []) if spec is not None else []:
        if (Path(location) / "comments").is_dir():
            return Path(location)
    raise RuntimeError("the message templates are not installed (templates/comments, templates/check_run)")


TEMPLATES = _templates_dir()


def cell(text) -> str:
    """Safe inside a Markdown table cell: no pipe ends the cell, no newline ends the row."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def fence(text) -> str:
    """A code fence longer than any run of backticks in `text`."""
    ticks = "```"
    while ticks in str(text):
        ticks += "`"
    return ticks


def short(sha) -> str:
    return str(sha)[:7]


def upper_first(text) -> str:
    text = str(text)
    return text[:1].upper() + text[1:]


def lower_first(text) -> str:
    text = str(text)
    return text[:1].lower() + text[1:]


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # Markdown for GitHub, which escapes what it renders itself
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(cell=cell, fence=fence, short=short, upper_first=upper_first, lower_first=lower_first)
    return env


def render(name: str, **values) -> str:
    """The whole template `name` (e.g. "comments/review.md.j2") with `values`."""
    return environment().get_template(name).render(**values)


def render_block(name: str, block: str, **values) -> str:
    """One block of template `name` (e.g. the "title" of "check_run/refused.md.j2")."""
    template = environment().get_template(name)
    return "".join(template.blocks[block](template.new_context(values)))
