"""Dockerfile parsing: continuations, comments and blank lines inside them, heredocs, stages."""

from __future__ import annotations

from bot.dockerfile import parse

TEXT = """# syntax=docker/dockerfile:1
FROM python:3.12-slim AS build
RUN apt-get update && \\

    # comment inside the continuation
    apt-get install -y curl
RUN <<EOF
pip install flask
from x import y
EOF
FROM alpine:3.20
COPY --from=build /app /app
"""


def test_instructions_lines_and_stages():
    parsed = parse(TEXT, "Dockerfile")
    got = [(i.line, i.keyword, i.args, i.stage) for i in parsed.instructions]
    assert got == [
        (2, "FROM", "python:3.12-slim AS build", 0),
        (3, "RUN", "apt-get update && apt-get install -y curl", 0),
        (7, "RUN", "<<EOF\npip install flask\nfrom x import y", 0),
        (11, "FROM", "alpine:3.20", 1),
        (12, "COPY", "--from=build /app /app", 1),
    ]
    assert [i.keyword for i in parsed.final_stage] == ["FROM", "COPY"]
