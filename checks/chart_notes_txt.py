"""chart-notes-txt: application charts print usage notes after install.

What it does: flags an application chart without `templates/NOTES.txt`, with an empty one, or with the notes file under another name or case (helm only prints `templates/NOTES.txt`).
Why it matters: NOTES.txt is what `helm install` and `helm upgrade` print: how to reach the service, where the generated password is, what to do next; without it users go looking in the templates.
Example: a chart whose templates/ has only deployment.yaml and service.yaml.
Fix: add `templates/NOTES.txt` explaining how to reach and use the release (it is a template, so it can print the service name and port).
"""

from __future__ import annotations

from bot.chart import ChartSource
from bot.findings import Severity
from checks._chartmeta import chart_yaml
from checks._registry import CheckContext, Hit, register

NOTES = "templates/NOTES.txt"


@register(id="chart-notes-txt", category="chart-quality", severity=Severity.INFO, scope="chart", anchors=("Helm best practices",))
def check(chart: ChartSource, ctx: CheckContext):
    meta = chart_yaml(chart)
    if meta.is_library:
        return
    if chart.exists(NOTES) and NOTES in chart.files:
        if not (chart.read(NOTES) or "").strip():
            yield Hit("templates/NOTES.txt is empty", file=NOTES, line=None)
        return
    misnamed = [f for f in chart.files if f.lower() in ("templates/notes.txt", "templates/notes.md", "templates/notes") or (f.startswith("templates/") and f.rsplit("/", 1)[-1] == "NOTES.txt")]
    if misnamed:
        yield Hit(f'notes file is "{misnamed[0]}" but helm only prints templates/NOTES.txt', file=misnamed[0], line=None)
    else:
        yield Hit("chart has no templates/NOTES.txt", file="Chart.yaml", line=None)
