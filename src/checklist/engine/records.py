"""What the record-level rule kinds share: records in the window, events paired with their answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import numpy as np

from checklist.engine.context import Context, day_number, from_day_number
from checklist.engine.findings import finding
from checklist.engine.messages import event
from checklist.pack.model import RuleBase
from checklist.pack.names import label
from checklist.result import Finding, Status

# For one event (its row, its day, the unit's rows of the other category): its status, the day the
# other record was due by, and the other record that settled it, if any.
Judge = Callable[[int, dt.date, np.ndarray], tuple[Status, dt.date, int | None]]

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


def event_findings(
    ctx: Context, rule: RuleBase, event_category: str, other_category: str, judge: Judge
) -> Iterator[Finding]:
    """One finding per event in the window, its other record (the answer after it, the notice before
    it) judged by the kind: the finding runs from the event to whichever of the event and the due
    day is later."""
    subject = label(ctx.pack, event_category, ctx.pack.language)
    other_word = label(ctx.pack, other_category, ctx.pack.language)
    for unit, row, day, others in paired_events(ctx, rule, event_category, other_category):
        status, due, other = judge(row, day, others)
        records = ctx.record_ids([row] + ([other] if other is not None else []))
        message = event(status, subject, other_word, day, due, ctx.pack.language)
        end = max(day, due)
        yield finding(rule, unit, day.isoformat(), day, end, status, answered(status), records, message, due=due)


def answered(status: Status) -> int:
    """A record-level finding counts 1 when its record was answered (on time or late)."""
    return 1 if status in ("met", "late") else 0
