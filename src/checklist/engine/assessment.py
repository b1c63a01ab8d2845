"""What the rating needs from the ledger (DESIGN §5.1): the records evidence rules looked at, the rules
each unit was judged on, whether a listed unit sent any rows, and each unit's own input accounting."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from checklist.assess import assess_units
from checklist.engine.context import Context, day_number
from checklist.notice import RejectedRow
from checklist.result import Finding, Tally, UnitSummary


def evaluated_rules(ctx: Context) -> list:
    """The active rules the engine evaluated (evidence needs an evidence column, per-person a roster)."""
    rules = []
    for rule in ctx.pack.active_rules:
        if rule.kind == "evidence" and not ctx.ledger.has_evidence:
            continue
        if getattr(rule, "per", "unit") == "person" and not ctx.roster:
            continue
        rules.append(rule)
    return rules


def evidence_checked(ctx: Context, rules: Sequence) -> dict[tuple[str, str], int]:
    """Per (unit, evidence rule): the matching records in the window up to as_of (those it checked)."""
    out: dict[tuple[str, str], int] = {}
    low, high = day_number(ctx.start), day_number(min(ctx.end, ctx.as_of))
    for rule in rules:
        if rule.kind != "evidence":
            continue
        rows = ctx.category_rows(rule.category_ids)
        rows &= (ctx.dates >= low) & (ctx.dates <= high)
        counts: np.ndarray | list[int] = (
            np.bincount(ctx.units[rows], minlength=len(ctx.unit_names)) if len(ctx.units) else []
        )
        for unit in ctx.eval_units:
            if ctx.applies(rule, unit):
                out[(unit, rule.id)] = int(counts[ctx.code[unit]]) if len(counts) else 0
    return out


def unit_tallies(ctx: Context, matched: np.ndarray, rejected: Sequence[RejectedRow]) -> dict[str, Tally]:
    """Each unit's own rows = matched + unmatched + rejected (rejected rows by their unit cell)."""
    size = len(ctx.unit_names)
    codes = ctx.units
    rows = np.bincount(codes, minlength=size) if len(codes) else np.zeros(size, dtype=int)
    hits = np.bincount(codes[matched], minlength=size) if len(codes) else np.zeros(size, dtype=int)
    thrown: dict[str, int] = {}
    for r in rejected:
        if r.unit is not None:
            thrown[r.unit] = thrown.get(r.unit, 0) + 1
    out = {}
    for unit in ctx.eval_units:
        i = ctx.code[unit]
        n, m, bad = int(rows[i]), int(hits[i]), thrown.get(unit, 0)
        out[unit] = Tally(rows=n + bad, matched=m, unmatched=n - m, rejected=bad)
    return out


def assess(
    ctx: Context,
    findings: list[Finding],
    summaries: list[UnitSummary],
    matched: np.ndarray,
    rejected: Sequence[RejectedRow],
    rule_meta: Sequence[dict],
) -> list[UnitSummary]:
    """The summaries with rating, rank, duties, own accounting and (with a units list) submitted."""
    rules = evaluated_rules(ctx)
    applicable = {u: [r.id for r in rules if ctx.applies(r, u)] for u in ctx.eval_units}
    tallies = unit_tallies(ctx, matched, rejected)
    submitted = {u: tallies[u].rows > 0 for u in ctx.eval_units} if ctx.unit_info else None
    rated = assess_units(summaries, findings, rule_meta, applicable, evidence_checked(ctx, rules), submitted)
    return [s.model_copy(update={"input": tallies.get(s.unit)}) for s in rated]
