"""`kind: evidence` — every record keeps its papers (一事一档): every matching record has the
`require`d fields filled. `categories: ["*"]` means every record."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

import numpy as np
from pydantic import Field

from checklist.engine.conditions import condition_mask
from checklist.engine.context import Context
from checklist.engine.findings import finding
from checklist.engine.kinds import Kind
from checklist.engine.records import in_window
from checklist.ledger import arrays
from checklist.pack.model import Condition, HasCategories, Pack
from checklist.pack.names import field_name, labels
from checklist.result import Finding
from checklist.text import say
from checklist.text.periods import date_name


class EvidenceRule(HasCategories):
    """Every matching record has these fields filled (一事一档). `categories: ["*"]` = all."""

    kind: Literal["evidence"]
    require: list[str] = Field(min_length=1, description="fields that must be non-empty, e.g. evidence")


def evaluate(ctx: Context, rule: EvidenceRule) -> Iterator[Finding]:
    """One `gap` per matching record (in the window, up to as_of) that lacks a required field.

    Often the largest share of a big ledger's findings, so the rows are chosen, ordered and
    described as whole arrays; only the Finding objects are made one by one.
    """
    filled = condition_mask(ctx.table, Condition(filled=rule.require))
    lacking = ctx.category_rows(rule.category_ids) & ~filled
    units = [u for u in ctx.eval_units if ctx.applies(rule, u)]
    wanted = np.zeros(len(ctx.unit_names), dtype=bool)
    wanted[[ctx.code[u] for u in units]] = True
    rows = in_window(ctx, np.flatnonzero(lacking & wanted[ctx.units]))
    if not len(rows):
        return
    rows = rows[np.lexsort((ctx.dates[rows], ctx.units[rows]))]  # unit code order is not name order: sorted later
    lang = ctx.pack.language
    fields = [field_name(f, lang) for f in rule.require]
    # the sentence is made once with markers and filled per record (a ledger may lack thousands of files)
    said = say("finding.evidence", lang, day="\x00", activity="\x01", fields=fields)
    template = said.replace("%", "%%").replace("\x00", "%s").replace("\x01", "%s")
    activities = arrays.pylist(ctx.table["activity"], rows)
    days = ctx.day_objects(ctx.dates[rows])
    unit_names = [ctx.unit_names[c] for c in ctx.units[rows].tolist()]
    named: dict[object, str] = {}  # a day's name, worked out once per day
    for day, unit, record, activity in zip(days, unit_names, ctx.record_ids(rows), activities, strict=True):
        name = named.get(day) or named.setdefault(day, date_name(day, lang))
        yield finding(rule, unit, day.isoformat(), day, day, "gap", 0, [record], template % (name, activity))


def explain(pack: Pack, rule: EvidenceRule, lang: str, year: int) -> str:
    fields = [field_name(f, lang) for f in rule.require]
    return say("explain.evidence", lang, what=labels(pack, rule.category_ids, lang), fields=fields)


WORDS = {
    "finding.evidence": ("{day} {activity} 未留存{fields:all}", "{day} {activity}: no {fields:all} on file"),
    "explain.evidence": ("{what}的每条记录须填写{fields:all}", "Every record of {what} has {fields:all} filled in."),
}

KIND = Kind(EvidenceRule, evaluate, explain, patchable=("require",), words=WORDS, order=5, silent_when_met=True)
