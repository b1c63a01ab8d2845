"""Assessment (DESIGN §5.1): each unit's rating (考核得分), its 名次, 未报送, and the roll-up per parent body.

Pure functions over findings and unit summaries, so that the engine, a split report and the 通报 all
rate the same way. `score` (met ÷ judged findings) stays as it is; it is not a fair basis for ranking,
because every record lacking evidence would weigh as much as a missed duty.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from checklist.result import Duty, Finding, GroupDuty, GroupSummary, UnitSummary, group_by_parent

WEIGHTS = {"high": 3, "medium": 2, "low": 1}
RECORD_KINDS = frozenset({"evidence", "response", "precedence"})
JUDGED = frozenset({"met", "gap", "late", "exceeded"})


def duties(
    findings: Iterable[Finding],
    applicable: Mapping[str, Sequence[str]],
    checked: Mapping[tuple[str, str], int],
) -> dict[str, list[Duty]]:
    """Per unit, one Duty per rule that applies to it (in `applicable`'s order).

    `checked` holds, per (unit, evidence rule), the records the rule looked at: evidence rules only
    report records that lack something, so the records on file are those checked less the gaps.
    """
    judged: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0, 0, 0.0, 0])  # judged, met, shortfall, waived
    for f in findings:
        tally = judged[(f.unit, f.rule)]
        if f.status == "waived":
            tally[3] += 1
        if f.status not in JUDGED:
            continue
        tally[0] += 1
        if f.status == "met":
            tally[1] += 1
        elif f.status == "gap" and f.kind not in RECORD_KINDS:
            tally[2] += f.missing
        else:
            tally[2] += 1
    out: dict[str, list[Duty]] = {}
    for unit, rules in applicable.items():
        out[unit] = []
        for rule in rules:
            n, met, shortfall, waived = judged.get((unit, rule), (0, 0, 0.0, 0))
            if (unit, rule) in checked:  # evidence: records on file of records checked
                n = max(checked[(unit, rule)] - int(waived), int(n))
                met = n - int(shortfall)
            out[unit].append(Duty(rule=rule, judged=int(n), met=int(met), shortfall=shortfall))
    return out


def keep_points(duty: Duty, rule: Mapping[str, Any]) -> float:
    """扣分制: the rule keeps max(0, points − deduct × shortfall) (扣完为止)."""
    points = float(rule["points"])
    deduct = float(rule.get("deduct") or points)
    return max(0.0, points - deduct * duty.shortfall)


def rate(unit_duties: list[Duty], rules: Mapping[str, Mapping[str, Any]]) -> tuple[float | None, list[Duty]]:
    """The rating (0–100, one decimal; None when nothing was judged), and the duties with points kept."""
    if not any(d.judged for d in unit_duties):
        return None, unit_duties
    if any(rules[d.rule].get("points") is not None for d in unit_duties):
        kept = [d.model_copy(update={"kept": keep_points(d, rules[d.rule])}) for d in unit_duties]
        total = sum(float(rules[d.rule]["points"]) for d in kept)
        return round(100.0 * sum(d.kept or 0.0 for d in kept) / total, 1), kept
    weighted = [
        (WEIGHTS.get(rules[d.rule].get("severity", "medium"), 2), d.met / d.judged) for d in unit_duties if d.judged
    ]
    total_weight = sum(w for w, _ in weighted)
    return round(100.0 * sum(w * c for w, c in weighted) / total_weight, 1), unit_duties


def ranks(units: Sequence[UnitSummary]) -> dict[str, int]:
    """1 = best rating; equal ratings share a rank (1, 1, 3); units without a rating or 未报送 have none."""
    ratings = sorted((u.rating for u in units if _ranked(u) and u.rating is not None), reverse=True)
    first: dict[float, int] = {}
    for place, value in enumerate(ratings, start=1):
        first.setdefault(value, place)
    return {u.unit: first[u.rating] for u in units if _ranked(u) and u.rating is not None}


def _ranked(unit: UnitSummary) -> bool:
    return unit.rating is not None and unit.submitted is not False


def assess_units(
    summaries: Sequence[UnitSummary],
    findings: Iterable[Finding],
    rules: Sequence[Mapping[str, Any]],
    applicable: Mapping[str, Sequence[str]],
    checked: Mapping[tuple[str, str], int],
    submitted: Mapping[str, bool] | None = None,
) -> list[UnitSummary]:
    """The summaries with rating, duties, submitted (when a units list was given) and rank filled in."""
    by_id = {r["id"]: r for r in rules}
    per_unit = duties(findings, applicable, checked)
    rated = []
    for s in summaries:
        rating, unit_duties = rate(per_unit.get(s.unit, []), by_id)
        update: dict[str, Any] = {"rating": rating, "duties": unit_duties}
        if submitted is not None:
            update["submitted"] = submitted.get(s.unit, True)
        rated.append(s.model_copy(update=update))
    places = ranks(rated)
    return [s.model_copy(update={"rank": places.get(s.unit)}) for s in rated]


def standing(units: Iterable[UnitSummary]) -> list[UnitSummary]:
    """Units in the order of the ranking: ranked by 名次, then those without a rating, then 未报送."""

    def key(u: UnitSummary) -> tuple[int, float]:
        group = 2 if u.submitted is False else (0 if u.rank is not None else 1)
        return (group, u.rank or 0)

    return sorted(units, key=key)  # stable: equal ranks keep the result's order (by name)


def duty_met(duty: Duty) -> bool:
    """A unit met a duty when it was judged on it and every judged finding (or record) was met."""
    return duty.judged > 0 and duty.met == duty.judged


def duty_shares(units: Iterable[UnitSummary], rule_order: Sequence[str]) -> list[GroupDuty]:
    """Per rule, how many of the units judged on it met it in full."""
    met: dict[str, int] = defaultdict(int)
    judged: dict[str, int] = defaultdict(int)
    for u in units:
        for d in u.duties:
            if d.judged:
                judged[d.rule] += 1
                met[d.rule] += duty_met(d)
    return [GroupDuty(rule=r, met_units=met[r], units=judged[r]) for r in rule_order if judged[r]]


def mean_rating(units: Iterable[UnitSummary]) -> float | None:
    values = [u.rating for u in units if u.rating is not None]
    return round(sum(values) / len(values), 1) if values else None


def roll_up(units: Sequence[UnitSummary], rule_order: Sequence[str]) -> list[GroupSummary]:
    """Per parent body: the mean rating of its units, its 名次 among parents, the share of its units that
    met each duty, and its units that did not submit (未报送); in group_by_parent's order."""
    members: dict[str, list[UnitSummary]] = defaultdict(list)
    for u in units:
        members[u.parent or "-"].append(u)
    groups = []
    for g in group_by_parent(list(units)):
        group = members[g.group]
        groups.append(
            g.model_copy(
                update={
                    "rating": mean_rating(group),
                    "duties": duty_shares(group, rule_order),
                    "unsubmitted": sorted(u.unit for u in group if u.submitted is False),
                    "lowest_rated": _lowest(group),
                }
            )
        )
    ratings = sorted((g.rating for g in groups if g.rating is not None), reverse=True)
    first: dict[float, int] = {}
    for place, value in enumerate(ratings, start=1):
        first.setdefault(value, place)
    return [g.model_copy(update={"rank": first.get(g.rating) if g.rating is not None else None}) for g in groups]


def _lowest(units: Iterable[UnitSummary]) -> str | None:
    rated = [u for u in units if _ranked(u)]
    return min(rated, key=lambda u: (u.rating, u.unit)).unit if rated else None


def group_standing(groups: Iterable[GroupSummary]) -> list[GroupSummary]:
    """Parent bodies in the order of their 名次 (the JSON keeps the worst-score-first order)."""
    return sorted(groups, key=lambda g: (g.rank is None, g.rank or 0, g.group))


__all__ = [
    "RECORD_KINDS",
    "WEIGHTS",
    "assess_units",
    "duties",
    "duty_met",
    "duty_shares",
    "group_standing",
    "keep_points",
    "mean_rating",
    "ranks",
    "rate",
    "roll_up",
    "standing",
]
