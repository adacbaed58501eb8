"""chart-default-credentials: charts ship no default passwords, tokens or keys.

What it does: flags values.yaml keys that name a credential (password, token, secret, API key, ...) and ship a non-empty default, private keys anywhere in values.yaml, Secret templates with literal `data`/`stringData` values, and templates that fall back to a literal credential (`.Values.auth.password | default "admin"`).
Why it matters: every install that does not override the value runs with a password that is published in the chart, so one scan of the internet finds them all; a literal in a Secret template cannot be overridden at all.
Example: `auth: {password: changeme}` in values.yaml, or `stringData: {password: admin}` in templates/secret.yaml.
Fix: leave the default empty and either generate it (`randAlphaNum` kept across upgrades with `lookup`), fail with `required`, or read it from an `existingSecret` the user provides.
"""

from __future__ import annotations

import re

from bot.chart import ChartSource
from bot.findings import Severity
from checks._registry import CheckContext, Hit, register
from checks._secrets import PRIVATE_KEY, is_literal_value, is_placeholder, is_secret_name, mask, scalar_text

_MAX_DEPTH = 40
_KIND_SECRET = re.compile(r"""^kind:\s*["']?Secret["']?\s*(?:#.*)?$""")
_DATA_KEY = re.compile(r"^(?P<section>data|stringData):\s*(?:#.*)?$")
_CHILD = re.compile(r"""^(?P<indent>\s+)(?P<key>["']?[^\s:#][^:#]*?["']?):(?:\s+(?P<value>.*?))?\s*$""")
_DIRECTIVE_ONLY = re.compile(r"^\s*\{\{.*\}\}\s*$")
_DEFAULT_AFTER = re.compile(r"""\.Values\.(?P<key>[\w.\-]+)\s*\|\s*default\s+(?P<q>["`])(?P<value>[^"`]*)(?P=q)""")
_DEFAULT_BEFORE = re.compile(r"""\bdefault\s+(?P<q>["`])(?P<value>[^"`]*)(?P=q)\s+\(?\s*\.Values\.(?P<key>[\w.\-]+)""")


def _dotted(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _values_hits(chart: ChartSource, node, path: tuple = (), depth: int = 0):
    if depth > _MAX_DEPTH:
        return
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        here = path + (key,)
        if isinstance(value, (dict, list)):
            yield from _values_hits(chart, value, here, depth + 1)
            continue
        text = scalar_text(value)
        if text is None:
            continue
        if PRIVATE_KEY.search(text):
            yield Hit(f'values key "{_dotted(here)}" ships a private key', file="values.yaml", line=chart.key_line("values.yaml", *here))
        elif is_secret_name(key) and is_literal_value(text) and not is_placeholder(text):
            line = chart.key_line("values.yaml", *here)
            yield Hit(f'values key "{_dotted(here)}" ships a default credential ({mask(text)})', file="values.yaml", line=line)


def _structural(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#") and not _DIRECTIVE_ONLY.match(line)


def _secret_literals(lines: list[str]):
    """(line, section, key) of literal values under data/stringData of Secret documents in a template."""
    starts = [0] + [i + 1 for i, line in enumerate(lines) if line.startswith("---")] + [len(lines) + 1]
    for begin, end in zip(starts, starts[1:]):
        doc = range(begin, min(end - 1, len(lines)))
        if not any(_KIND_SECRET.match(lines[i]) for i in doc):
            continue
        index = doc.start
        while index < doc.stop:
            match = _DATA_KEY.match(lines[index])
            index += 1
            if not match:
                continue
            child_indent = None
            while index < doc.stop:
                line = lines[index]
                if not _structural(line):
                    index += 1
                    continue
                indent = len(line) - len(line.lstrip())
                if indent == 0:
                    break
                child = _CHILD.match(line)
                if child_indent is None:
                    child_indent = indent
                if indent != child_indent or not child:
                    index += 1
                    continue
                value = (child.group("value") or "").strip()
                start = index
                index += 1
                if value[:1] in ("|", ">"):
                    block = []
                    while index < doc.stop and (not lines[index].strip() or len(lines[index]) - len(lines[index].lstrip()) > indent):
                        block.append(lines[index])
                        index += 1
                    literal = any(b.strip() for b in block) and not any("{{" in b for b in block)
                else:
                    literal = bool(value) and "{{" not in value and value not in ('""', "''", "{}", "null", "~")
                if literal:
                    yield start + 1, match.group("section"), child.group("key").strip("\"'")


@register(
    id="chart-default-credentials",
    category="secrets",
    severity=Severity.HIGH,
    scope="chart",
    anchors=("Trivy secret scanner", "Kubescape C-0012"),
)
def check(chart: ChartSource, ctx: CheckContext):
    values = chart.values
    if isinstance(values, dict):
        yield from _values_hits(chart, values)
    for rel in chart.templates:
        if not rel.endswith((".yaml", ".yml", ".tpl")):
            continue
        text = chart.read(rel)
        if not text:
            continue
        lines = text.splitlines()
        if rel.endswith((".yaml", ".yml")):
            for line, section, key in _secret_literals(lines):
                yield Hit(f'Secret template ships a literal value for {section} key "{key}"', file=rel, line=line)
        for number, line in enumerate(lines, start=1):
            if "default" not in line or ".Values" not in line:
                continue  # the cheap test first: most lines have no `default` at all
            for pattern in (_DEFAULT_AFTER, _DEFAULT_BEFORE):
                match = pattern.search(line)
                if not match:
                    continue
                key, value = match.group("key"), match.group("value")
                if is_secret_name(key.rsplit(".", 1)[-1]) and is_literal_value(value) and not is_placeholder(value):
                    yield Hit(f'template defaults "{key}" to a literal credential ({mask(value)})', file=rel, line=number)
                break
