"""What the record-level rule kinds share: records in the window, events paired with their answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import numpy as np

from checklist.engine.context import Context, day_number, from_day_number
from checklist.pack.model import RuleBase
from checklist.result import Status

MINUTES_PER_DAY = 24 * 60


def in_window(ctx: Context, rows: np.ndarray) -> np.ndarray:
    """Record-level findings come only from records inside the window and on or before as_of."""
    days = ctx.dates[rows]
    return rows[(days >= day_number(ctx.start)) & (days <= day_number(min(ctx.end, ctx.as_of)))]


def stamp(ctx: Context, row: int, end_of_day: bool) -> int:
    """Minutes since the epoch; a record without a time is taken at the start (or end) of its day."""
    minute = int(ctx.minutes[row])
    if minute < 0:
        minute = MINUTES_PER_DAY - 1 if end_of_day else 0
    return int(ctx.dates[row]) * MINUTES_PER_DAY + minute


def paired_events(
    ctx: Context, rule: RuleBase, event_category: str, other_category: str
) -> Iterator[tuple[str, int, dt.date, np.ndarray]]:
    """(unit, event row, its day, the unit's rows of the other category) for each event in the window."""
    events = ctx.unit_rows(ctx.category_rows((event_category,)))
    others = ctx.unit_rows(ctx.category_rows((other_category,)))
    empty = np.array([], dtype=np.int64)
    for unit in ctx.eval_units:
        if not ctx.applies(rule, unit):
            continue
        code = ctx.code[unit]
        for row in in_window(ctx, events.get(code, empty)).tolist():
            day = from_day_number(ctx.dates[row])
            if ctx.active(unit, day, day):
                yield unit, row, day, others.get(code, empty)


def answered(status: Status) -> int:
    """A record-level finding counts 1 when its record was answered (on time or late)."""
    return 1 if status in ("met", "late") else 0
