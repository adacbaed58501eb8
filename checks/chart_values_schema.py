"""chart-values-schema: values are described by a valid values.schema.json and match it.

What it does: flags an application chart without `values.schema.json`, a schema file that is not valid JSON or not a valid JSON Schema, values.yaml values that break the schema, and `ci/*-values.yaml` files (chart-testing's test values, merged over values.yaml) that break it. Violations point at the values key.
Why it matters: helm validates every install and upgrade against the schema, so a typo such as `replicas: "two"` fails at `helm install` instead of producing a broken release; a broken schema or values that do not match it make every install fail.
Example: a schema saying `replicaCount` is an integer while ci/prod-values.yaml sets `replicaCount: "3"`.
Fix: add `values.schema.json` describing values.yaml (helm-values-schema-json can generate a starter), keep it valid JSON Schema, and make values.yaml and ci/*-values.yaml match it.
"""

from __future__ import annotations

import json


from bot import yamlindex
from bot.chart import ChartSource
from bot.findings import Severity
from checks._chartmeta import chart_yaml, coalesce, json_ready
from checks._registry import CheckContext, Hit, register

SCHEMA = "values.schema.json"
MAX_ERRORS = 20


@register(
    id="chart-values-schema",
    category="chart-quality",
    severity=Severity.MEDIUM,
    scope="chart",
    anchors=("helm lint validateValuesFile", "helm lint validateValuesFileExistence"),
)
def check(chart: ChartSource, ctx: CheckContext):
    meta = chart_yaml(chart)
    text = chart.read(SCHEMA)
    if text is None:
        if not chart.exists(SCHEMA) and not meta.is_library:
            yield Hit("chart has no values.schema.json", file="values.yaml" if chart.exists("values.yaml") else "Chart.yaml", line=None)
        return
    if not text.strip():
        return  # helm skips an empty schema file
    ci_files = _ci_values(chart)
    if not ci_files and chart.render_succeeded():
        return  # helm parsed and compiled the schema and checked values.yaml against it while rendering
    try:
        schema = json.loads(text)
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        yield Hit(f"values.schema.json is not valid JSON: {getattr(exc, 'msg', exc)}", file=SCHEMA, line=line, severity=Severity.HIGH)
        return
    import jsonschema  # imported only for charts that need it: it is slow to import

    try:
        validator_cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
        validator = validator_cls(schema)
    except Exception:  # noqa: BLE001 - not an object or bool: the schema check below says so
        validator_cls, validator = jsonschema.Draft202012Validator, None
    values = _load("values.yaml", chart)
    base = _errors(validator, values) if validator is not None and values is not None else []
    # the ci/ scenarios are checked while helm renders; what follows needs to know how that went
    scenario_hits = list(_scenario_hits(chart, validator, values, ci_files, {_signature(e) for e in base}))
    if not chart.render_succeeded():
        try:
            validator_cls.check_schema(schema)
        except jsonschema.SchemaError as exc:
            path = tuple(exc.path)
            where = "/".join(str(p) for p in path) or "(top level)"
            line = _nearest(_json_lines(text), path)
            yield Hit(f"values.schema.json is not a valid JSON Schema at {where}: {_short(exc.message)}", file=SCHEMA, line=line, severity=Severity.HIGH)
            return
        except Exception:  # noqa: BLE001 - an odd $schema or metaschema problem: nothing to judge
            return
    for error in base:
        yield _hit(error, "values.yaml", chart, severity=Severity.HIGH)
    yield from scenario_hits


def _scenario_hits(chart: ChartSource, validator, values, ci_files: list[str], base_errors: set):
    """Errors of each ci/*-values.yaml merged over values.yaml that values.yaml alone does not have."""
    if validator is None or values is None:
        return
    for rel in ci_files:
        override = _load(rel, chart)
        if override is None:
            continue
        merged = coalesce(values, override) if isinstance(override, dict) else values
        for error in _errors(validator, merged):
            if _signature(error) in base_errors:
                continue
            path = tuple(error.absolute_path)
            if _nearest(chart.key_lines(rel), path) is not None or not _nearest(chart.key_lines("values.yaml"), path):
                yield _hit(error, rel, chart)
            else:
                yield _hit(error, "values.yaml", chart)


def _ci_values(chart: ChartSource) -> list[str]:
    """chart-testing's per-scenario values files, each merged over values.yaml."""
    return sorted(f for f in chart.files if f.startswith("ci/") and f.endswith(("-values.yaml", "-values.yml")))


def _load(rel: str, chart: ChartSource):
    text = chart.read(rel)
    if text is None:
        return {} if rel == "values.yaml" else None
    try:
        docs = yamlindex.load_all(text)
    except yamlindex.YamlError:
        return None  # a values file that does not parse is a render error, reported by the engine
    data = docs[0] if docs else None
    if data is None:
        return {}
    return json_ready(data) if isinstance(data, dict) else None


def _errors(validator, instance) -> list:
    try:
        errors = list(validator.iter_errors(instance))
    except Exception:  # noqa: BLE001 - unresolvable $ref, bad regex: the schema is helm's problem to report
        return []
    errors.sort(key=lambda e: (list(map(str, e.absolute_path)), e.message))
    return errors[:MAX_ERRORS]


def _signature(error) -> tuple:
    return (tuple(map(str, error.absolute_path)), error.message)


def _hit(error, rel: str, chart: ChartSource, severity=None) -> Hit:
    path = tuple(error.absolute_path)
    where = ".".join(str(p) for p in path) or "(top level)"
    return Hit(f'value at "{where}" does not match values.schema.json: {_short(error.message)}', file=rel, line=_nearest(chart.key_lines(rel), path), severity=severity)


def _nearest(lines: dict, path: tuple) -> int | None:
    """Line of the key, or of the closest enclosing key that exists (where a missing key goes)."""
    for size in range(len(path), 0, -1):
        line = lines.get(tuple(path[:size]))
        if line:
            return line
    return None


def _json_lines(text: str) -> dict:
    try:
        nodes = yamlindex.compose_all(text)  # JSON is (nearly always) YAML; good enough for line numbers
        return yamlindex.line_index(nodes[0]) if nodes else {}
    except Exception:  # noqa: BLE001
        return {}


def _short(message: str, limit: int = 160) -> str:
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 3] + "..."
