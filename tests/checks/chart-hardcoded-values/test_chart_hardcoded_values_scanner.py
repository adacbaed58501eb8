"""The template line scanner behind chart-hardcoded-values: nesting by indentation, skipped
block scalars and comments, and no exceptions on odd input."""

from __future__ import annotations

from checks._chartmeta import template_lines


def test_nesting_and_kinds():
    text = (
        "{{- if .Values.enabled }}\n"
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "spec:\n"
        "  template:\n"
        "    spec:\n"
        "      containers:\n"
        "      - name: web\n"
        "        {{- with .Values.x }}\n"
        "        image: nginx\n"
        "        {{- end }}\n"
        "        args:\n"
        "          - --port=80\n"
        "---\n"
        "kind: ConfigMap\n"
        "data:\n"
        "  conf: |\n"
        "    image: inside-block\n"
        "  other: x\n"
    )
    lines = {(tl.line, tl.key): tl for tl in template_lines(text)}
    image = lines[(10, "image")]
    assert image.parents == ("spec", "template", "spec", "containers") and image.kind == "Deployment" and image.literal == "nginx"
    assert lines[(13, None)].value == "--port=80" and lines[(13, None)].parents[-1] == "args"
    assert (18, "image") not in lines
    assert lines[(19, "other")].kind == "ConfigMap" and lines[(19, "other")].parents == ("data",)


def test_comment_blocks_and_literals():
    text = '{{- /*\nimage: not-real\n*/ -}}\nimage: "quoted:1" # note\ntag: {{ .Values.tag }}\nempty:\n'
    lines = {tl.key: tl for tl in template_lines(text)}
    assert "image" in lines and lines["image"].line == 4 and lines["image"].literal == "quoted:1"
    assert lines["tag"].literal is None and lines["empty"].literal is None


def test_odd_input_does_not_raise():
    for text in ("", "-", "- - -", ":", "{{", "a: |\n", "  - a: b\n- c\n", "key: 'unterminated\n", "\t\tx: 1\n"):
        list(template_lines(text))
