"""`kind: deadline` — once, by a date: a matching record dated on or before `by`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Literal

import numpy as np

from checklist.engine.context import Context, day_number
from checklist.engine.findings import finding
from checklist.engine.kinds import Kind
from checklist.engine.messages import amount
from checklist.pack.model import HasCategories, Pack
from checklist.pack.names import label, labels
from checklist.result import Finding, Status
from checklist.text import say


class DeadlineRule(HasCategories):
    """A matching record dated on or before `by`."""

    kind: Literal["deadline"]
    by: dt.date


def evaluate(ctx: Context, rule: DeadlineRule) -> Iterator[Finding]:
    """Met if a matching record is dated on or before `by`; late if the first is after; else due/gap."""
    if not ctx.start <= rule.by <= ctx.end:
        return
    by_unit = ctx.unit_rows(ctx.category_rows(rule.category_ids))
    what = label(ctx.pack, rule.category_ids[0], ctx.pack.language)
    for unit in ctx.eval_units:
        if not ctx.applies(rule, unit) or not ctx.active(unit, ctx.start, rule.by):
            continue
        rows = by_unit.get(ctx.code[unit], np.array([], dtype=np.int64))
        on_time = rows[ctx.dates[rows] <= day_number(rule.by)]
        status: Status
        if len(on_time):
            status, chosen = "met", on_time[:1]
        elif len(rows):
            status, chosen = "late", rows[:1]
        else:
            status, chosen = ("due" if ctx.as_of < rule.by else "gap"), rows[:0]
        count = len(chosen)
        message = amount(
            status, what, f"≤{rule.by.isoformat()}", count, 1.0, 1 - count, rule.by, None, ctx.pack.language
        )
        yield finding(
            rule, unit, rule.by.isoformat(), ctx.start, rule.by, status, count, ctx.record_ids(chosen), message
        )


def explain(pack: Pack, rule: DeadlineRule, lang: str, year: int) -> str:
    what = labels(pack, rule.category_ids, lang)
    return say("explain.deadline", lang, what=what, date=rule.by, y=rule.by.year, m=rule.by.month, d=rule.by.day)


WORDS = {
    "explain.deadline": (
        "{y}年{m}月{d}日前完成{what}{date:hide}",
        "{y:hide}{m:hide}{d:hide}{what} on or before {date}.",
    ),
}

KIND = Kind(DeadlineRule, evaluate, explain, patchable=("by",), words=WORDS, order=2)
