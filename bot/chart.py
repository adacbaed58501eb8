"""A Helm chart as files on disk: Chart.yaml, values, templates, with line lookups for findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Callable

from bot import yamlindex

MAX_FILE_BYTES = 2 * 1024 * 1024


@dataclass
class ChartSource:
    """One chart folder. `display` is how findings name it (relative to where the audit ran)."""

    root: Path
    display: str
    _texts: dict = field(default_factory=dict, repr=False)
    rendered_ok: bool = False  # helm rendered it, so helm already validated values against the schema
    render_wait: Callable[[], bool] | None = field(default=None, repr=False)  # set while a render runs

    def render_succeeded(self) -> bool:
        """Whether helm rendered the chart, waiting for a render running beside the chart rules.
        A chart nobody renders (a library chart, a rule tested alone) counts as not rendered."""
        if self.render_wait is not None:
            self.rendered_ok = self.render_wait()
        return self.rendered_ok

    def read(self, rel: str) -> str | None:
        """Text of a chart file, or None when it is missing, binary or too large."""
        if rel not in self._texts:
            path = self.root / rel
            text = None
            try:
                if path.is_file() and path.stat().st_size <= MAX_FILE_BYTES:
                    raw = path.read_bytes()
                    if b"\0" not in raw[:8192]:
                        text = raw.decode("utf-8", errors="replace")
            except OSError:
                text = None
            self._texts[rel] = text
        return self._texts[rel]

    def exists(self, rel: str) -> bool:
        return (self.root / rel).exists()

    @cached_property
    def chart_yaml(self) -> dict:
        return self._load_map("Chart.yaml")

    @cached_property
    def values(self) -> dict:
        return self._load_map("values.yaml")

    @property
    def name(self) -> str:
        return str(self.chart_yaml.get("name") or self.root.name)

    def _load_map(self, rel: str) -> dict:
        node = self._first_node(rel)
        if node is None:
            return {}
        try:
            data = yamlindex.construct(node)
        except Exception:  # a constructor error (odd tag) is the render's to report, not a crash
            return {}
        return data if isinstance(data, dict) else {}

    def _first_node(self, rel: str):
        """The first document of a YAML file, composed once: data and key lines both come from it."""
        cache_key = ("node", rel)
        if cache_key not in self._texts:
            text = self.read(rel) or ""
            try:
                nodes = yamlindex.compose_all(text)
            except yamlindex.YamlError:
                nodes = []
            self._texts[cache_key] = nodes[0] if nodes else None
        return self._texts[cache_key]

    @cached_property
    def files(self) -> list[str]:
        """Every file of the chart (not of vendored subcharts), chart-relative, sorted."""
        out = []
        for path in self.root.rglob("*"):
            rel = path.relative_to(self.root).as_posix()
            if rel.startswith("charts/") or not path.is_file() or path.is_symlink():
                continue
            out.append(rel)
        return sorted(out)

    @property
    def templates(self) -> list[str]:
        return [f for f in self.files if f.startswith("templates/")]

    def key_entries(self, rel: str) -> dict[tuple, tuple[int, Any]]:
        """Key path -> (line, scalar text or None) in a YAML file of the chart; empty when it does
        not parse. Parsed once per chart: rules and the locator both ask for values.yaml."""
        cache_key = ("entries", rel)
        if cache_key not in self._texts:
            node = self._first_node(rel)
            entries = yamlindex.entries(node) if node is not None else ()
            self._texts[cache_key] = {entry.path: (entry.line, entry.value) for entry in entries}
        return self._texts[cache_key]

    def key_lines(self, rel: str) -> dict[tuple, int]:
        """Key path -> line in a YAML file of the chart (empty when it does not parse)."""
        cache_key = ("lines", rel)
        if cache_key not in self._texts:
            self._texts[cache_key] = {path: line for path, (line, _) in self.key_entries(rel).items()}
        return self._texts[cache_key]

    def key_line(self, rel: str, *path: Any) -> int | None:
        return self.key_lines(rel).get(tuple(path))


def is_chart_dir(path: Path) -> bool:
    return (path / "Chart.yaml").is_file()
