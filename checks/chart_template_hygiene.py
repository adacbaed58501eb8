"""chart-template-hygiene: template and CRD files are laid out the way helm expects.

What it does: flags files in templates/ whose extension helm lint rejects (only .yaml, .yml, .tpl and .txt are allowed), templates whose first line of output starts indented, `helm.sh/resource-policy` annotations inside a `kind: List` (helm ignores them there), and files in crds/ that do not parse as plain YAML or hold something other than a CustomResourceDefinition. Files matched by .helmignore are skipped, as helm skips them.
Why it matters: `helm lint` (and so chart-testing) fails on all of these; an indented first line renders YAML that parses differently than it reads, a resource-policy inside a List does not keep the object on uninstall, and crds/ is installed once, untemplated, before everything else.
Example: templates/config.json, or a ConfigMap placed in crds/.
Fix: rename templates to .yaml (or .tpl for partials), start each template's output at column 0 (use `{{-` to trim), put resource-policy on standalone objects, and keep only plain CustomResourceDefinition YAML in crds/.
"""

from __future__ import annotations

import re

import yaml

from bot import yamlindex
from bot.chart import ChartSource
from bot.findings import Severity
from checks._chartmeta import is_partial, is_yaml_template, loaded_files
from checks._registry import CheckContext, Hit, register

ALLOWED = (".yaml", ".yml", ".tpl", ".txt")
_ACTION_ONLY = re.compile(r"^\s*(?:\{\{.*?\}\}\s*)+$")
_LIST_KIND = re.compile(r"^kind:\s*['\"]?List['\"]?\s*(?:#.*)?$", re.M)
_RESOURCE_POLICY = re.compile(r"""["']?helm\.sh/resource-policy["']?\s*:""")


@register(
    id="chart-template-hygiene",
    category="chart-quality",
    severity=Severity.LOW,
    scope="chart",
    anchors=(
        "helm lint validateAllowedExtension",
        "helm lint validateTopIndentLevel",
        "helm lint validateListAnnotations",
        "helm lint validateCrdAPIVersion",
        "helm lint validateCrdKind",
    ),
)
def check(chart: ChartSource, ctx: CheckContext):
    files = loaded_files(chart)
    for rel in files:
        if rel.startswith("templates/"):
            name = rel.rsplit("/", 1)[-1]
            ext = "." + name.rsplit(".", 1)[-1] if "." in name else ""
            if ext not in ALLOWED:
                shown = f'extension "{ext}"' if ext else "no extension"
                yield Hit(f"template file has {shown}; helm lint only allows .yaml, .yml, .tpl or .txt", file=rel, line=None)
            elif is_yaml_template(rel) and not is_partial(rel):
                text = chart.read(rel) or ""
                yield from _top_indent(rel, text)
                yield from _list_policy(rel, text)
        elif rel.startswith("crds/") and rel.endswith((".yaml", ".yml", ".json")):
            yield from _crd_file(rel, chart.read(rel))


def _top_indent(rel: str, text: str):
    trims = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if _ACTION_ONLY.match(line):
            trims = line.rstrip().endswith("-}}")
            continue
        if line[:1] in (" ", "\t") and not trims:
            yield Hit("template output starts with an indented line; start it at column 0", file=rel, line=number)
        return


def _list_policy(rel: str, text: str):
    for doc_start, doc in _documents(text):
        if not _LIST_KIND.search(doc):
            continue
        match = _RESOURCE_POLICY.search(doc)
        if match:
            line = doc_start + doc.count("\n", 0, match.start())
            yield Hit('"helm.sh/resource-policy" inside a List is ignored by helm; annotate standalone objects', file=rel, line=line)


def _documents(text: str):
    start, current = 1, []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("---"):
            yield start, "\n".join(current)
            start, current = number + 1, []
        else:
            current.append(line)
    yield start, "\n".join(current)


def _crd_file(rel: str, text: str | None):
    if text is None:
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if "{{" in line and not line.lstrip().startswith("#"):
            yield Hit("crds file uses template syntax, but helm installs crds/ files as they are", file=rel, line=number)
            return
    try:
        nodes = yamlindex.compose_all(text)
    except yamlindex.YamlError as exc:
        yield Hit(f"crds file does not parse as YAML: {exc}", file=rel, line=exc.line)
        return
    for node in nodes:
        if not isinstance(node, yaml.MappingNode):
            continue
        fields = {k.value: (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}
        kind = fields.get("kind", (None, None))[1]
        api = fields.get("apiVersion", (None, None))[1]
        kind_text = kind.value if isinstance(kind, yaml.ScalarNode) else ""
        api_text = api.value if isinstance(api, yaml.ScalarNode) else ""
        if kind_text == "CustomResourceDefinition" and str(api_text).startswith("apiextensions.k8s.io"):
            continue
        name = _name(node)
        named = f' "{name}"' if name else ""
        line = (fields["kind"][0].start_mark.line + 1) if "kind" in fields else node.start_mark.line + 1
        if kind_text == "CustomResourceDefinition":
            yield Hit(f'custom resource definition{named} has apiVersion "{api_text}", not apiextensions.k8s.io', file=rel, line=line)
        else:
            yield Hit(f"crds/ holds {kind_text or 'an object'}{named}, not a CustomResourceDefinition; move it to templates/", file=rel, line=line)


def _name(node: yaml.MappingNode) -> str:
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "metadata" and isinstance(value, yaml.MappingNode):
            for k, v in value.value:
                if isinstance(k, yaml.ScalarNode) and k.value == "name" and isinstance(v, yaml.ScalarNode):
                    return v.value
    return ""
