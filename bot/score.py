"""The production-readiness score: 0-10 per chart, with a per-category breakdown.

Formula (documented in docs/scoring.md): every unsuppressed finding costs points by severity
(critical 4, high 2, medium 1, low 0.25, info 0). A category scores 10 x 0.5^(cost/4): each 4 points
of cost halve it. The chart scores 10 x 0.5^(total cost/8), capped at 5.0 when any critical finding
remains. Scores are rounded to one decimal; a chart with no findings scores 10.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.findings import Finding, Severity

COST = {Severity.CRITICAL: 4.0, Severity.HIGH: 2.0, Severity.MEDIUM: 1.0, Severity.LOW: 0.25, Severity.INFO: 0.0}
CATEGORY_HALVING = 4.0
TOTAL_HALVING = 8.0
CRITICAL_CAP = 5.0


@dataclass(frozen=True)
class Score:
    total: float
    categories: dict = field(default_factory=dict)  # category -> score, for categories with findings


def score(findings: list[Finding]) -> Score:
    live = [f for f in findings if not f.suppressed]
    per_category: dict[str, float] = {}
    for finding in live:
        per_category[finding.category] = per_category.get(finding.category, 0.0) + COST[finding.severity]
    total_cost = sum(per_category.values())
    total = 10 * 0.5 ** (total_cost / TOTAL_HALVING)
    if any(f.severity == Severity.CRITICAL for f in live):
        total = min(total, CRITICAL_CAP)
    categories = {cat: round(10 * 0.5 ** (cost / CATEGORY_HALVING), 1) for cat, cost in sorted(per_category.items())}
    return Score(round(total, 1), categories)
