"""What every report shows first (DESIGN §5.1): the ranking by rating with 名次, 未报送 apart, the roll-up
per parent body with each duty's share of units, and evidence as a rate (30/40 留档), not as periods."""

from __future__ import annotations

from checklist.assess import duty_met, group_standing, standing
from checklist.render.common import percent, rule_title
from checklist.result import Duty, GroupSummary, Result, UnitSummary
from checklist.text import joined, say


def rating_text(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else "—"


def rank_text(unit: UnitSummary | GroupSummary, lang: str) -> str:
    if isinstance(unit, UnitSummary) and unit.submitted is False:
        return say("assess.unsubmitted", lang)
    return str(unit.rank) if unit.rank is not None else "—"


def unit_head(unit: UnitSummary, lang: str) -> str:
    """`名次 3 · 考核得分 92.4` — what a unit's section starts with."""
    return say("assess.unit_head", lang, rank=rank_text(unit, lang), rating=rating_text(unit.rating))


def rule_kind(result: Result, rule_id: str) -> str:
    return next((str(r.get("kind", "")) for r in result.rules if r["id"] == rule_id), "")


def duty_of(unit: UnitSummary, rule_id: str) -> Duty | None:
    return next((d for d in unit.duties if d.rule == rule_id), None)


def evidence_cell(duty: Duty, lang: str) -> str:
    """An evidence rule as the rate it is: `30/40 留档`."""
    return say("assess.on_file", lang, met=duty.met, judged=duty.judged)


def ranking_headers(lang: str) -> list[str]:
    codes = ["rank", "unit", "rating", "parent", "score", "met", "violations", "due"]
    return [say(f"assess.{c}", lang) for c in codes]


def ranking_row(u: UnitSummary, lang: str) -> list[str]:
    return [
        rank_text(u, lang),
        u.unit,
        rating_text(u.rating),
        u.parent or "",
        percent(u.score),
        str(u.met),
        str(u.violations),
        str(u.due),
    ]


def ranking(result: Result, lang: str) -> tuple[list[str], list[list[str]], list[str]]:
    """Headers, the ranked units (名次 order, unrated after), and the units 未报送 (listed apart)."""
    ordered = standing(result.units)
    rows = [ranking_row(u, lang) for u in ordered if u.submitted is not False]
    return ranking_headers(lang), rows, [u.unit for u in ordered if u.submitted is False]


def unsubmitted_line(units: list[str], lang: str) -> str:
    return say("assess.unsubmitted_list", lang, count=len(units), units=joined(units, lang, limit=len(units)))


def rollup(result: Result, lang: str) -> tuple[list[str], list[list[str]]]:
    """Per parent body, in the order of its 名次: rating, units, how many did not submit, the lowest unit."""
    codes = ("rank", "parent", "rating", "units", "unsubmitted_count", "lowest")
    rows = [
        [
            rank_text(g, lang),
            g.group,
            rating_text(g.rating),
            str(g.units),
            str(len(g.unsubmitted)),
            g.lowest_rated or "",
        ]
        for g in group_standing(result.groups)
    ]
    return [say(f"assess.{c}", lang) for c in codes], rows


def duty_matrix(result: Result, lang: str) -> tuple[list[str], list[list[str]]]:
    """Each duty × each parent body (and the whole run): units that met it in full / units judged on it."""
    groups = group_standing(result.groups)
    headers = [say("assess.duties_matrix", lang), *(g.group for g in groups), say("assess.all_units", lang)]
    rows = []
    for rule in result.rules:
        shares = [next((d for d in g.duties if d.rule == rule["id"]), None) for g in groups]
        met, judged = met_units(result, rule["id"])
        if not judged:
            continue
        cells = [f"{d.met_units}/{d.units}" if d is not None else "—" for d in shares]
        rows.append([rule_title(result, rule["id"], lang), *cells, f"{met}/{judged}"])
    return headers, rows


def met_units(result: Result, rule_id: str) -> tuple[int, int]:
    """Of the units judged on a rule, how many met it in full."""
    judged = [d for u in result.units if (d := duty_of(u, rule_id)) is not None and d.judged]
    return sum(duty_met(d) for d in judged), len(judged)


__all__ = [
    "duty_matrix",
    "duty_of",
    "evidence_cell",
    "met_units",
    "rank_text",
    "ranking",
    "rating_text",
    "rollup",
    "rule_kind",
    "unit_head",
    "unsubmitted_line",
]
