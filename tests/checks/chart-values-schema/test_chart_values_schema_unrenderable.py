"""chart-values-schema cases helm refuses to render (a broken schema, values.yaml breaking it),
so no harness fixture can hold them; the rule is called directly."""

from __future__ import annotations

from bot.chart import ChartSource
from checks._registry import CheckContext, all_rules

CHART = "apiVersion: v2\nname: demo\nversion: 1.0.0\n"


def findings(tmp_path, files: dict) -> list[str]:
    (tmp_path / "Chart.yaml").write_text(CHART)
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    hits = all_rules()["chart-values-schema"].func(ChartSource(tmp_path, "chart"), CheckContext())
    return sorted(f"{h.file}:{h.line}: {h.message}" if h.line else f"{h.file}: {h.message}" for h in hits)


def test_schema_not_json(tmp_path):
    got = findings(tmp_path, {"values.yaml": "a: 1\n", "values.schema.json": '{\n  "type": "object",\n}\n'})
    assert got == ["values.schema.json:3: values.schema.json is not valid JSON: Expecting property name enclosed in double quotes"]


def test_schema_not_a_schema(tmp_path):
    schema = '{\n  "type": "object",\n  "properties": {\n    "replicaCount": {"type": "int"}\n  }\n}\n'
    got = findings(tmp_path, {"values.yaml": "replicaCount: 1\n", "values.schema.json": schema})
    assert len(got) == 1 and got[0].startswith("values.schema.json:4: values.schema.json is not a valid JSON Schema at properties/replicaCount/type: ")


def test_values_yaml_breaks_schema(tmp_path):
    schema = '{"type": "object", "required": ["image"], "properties": {"replicaCount": {"type": "integer"}, "image": {"type": "object"}}}'
    got = findings(tmp_path, {"values.yaml": "# defaults\nreplicaCount: two\n", "values.schema.json": schema})
    assert got == [
        "values.yaml: value at \"(top level)\" does not match values.schema.json: 'image' is a required property",
        "values.yaml:2: value at \"replicaCount\" does not match values.schema.json: 'two' is not of type 'integer'",
    ]


def test_nested_missing_key_points_at_its_parent(tmp_path):
    schema = '{"type": "object", "properties": {"image": {"type": "object", "required": ["repository"]}}}'
    got = findings(tmp_path, {"values.yaml": "image:\n  tag: v1\n", "values.schema.json": schema})
    assert got == ["values.yaml:1: value at \"image\" does not match values.schema.json: 'repository' is a required property"]


def test_empty_schema_file_is_skipped_like_helm(tmp_path):
    assert findings(tmp_path, {"values.yaml": "a: 1\n", "values.schema.json": "\n"}) == []


def test_library_chart_needs_no_schema(tmp_path):
    (tmp_path / "Chart.yaml").write_text(CHART + "type: library\n")
    hits = all_rules()["chart-values-schema"].func(ChartSource(tmp_path, "chart"), CheckContext())
    assert list(hits) == []


def test_odd_schema_values_do_not_raise(tmp_path):
    for schema in ("5", "[]", "true", '{"$schema": 3}', '{"$ref": "https://example.com/x.json"}', '{"pattern": "("}'):
        findings(tmp_path, {"values.yaml": "a: 1\n", "values.schema.json": schema})


def test_missing_schema_without_values_file_points_at_chart_yaml(tmp_path):
    assert findings(tmp_path, {}) == ["Chart.yaml: chart has no values.schema.json"]
