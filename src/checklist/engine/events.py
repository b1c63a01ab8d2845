"""Record-level rules: deadline, response (follow-up in days or hours), precedence (notice ahead), evidence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import numpy as np

from checklist.engine.conditions import condition_mask
from checklist.engine.context import Context, day_number, from_day_number
from checklist.engine.findings import finding
from checklist.engine.kinds import evaluates
from checklist.engine.messages import amount, event
from checklist.ledger import arrays
from checklist.pack.model import (
    Condition,
    DeadlineRule,
    EvidenceRule,
    PrecedenceRule,
    ResponseRule,
    RuleBase,
)
from checklist.pack.names import FIELD_ZH, label
from checklist.result import Finding, Status

MINUTES_PER_DAY = 24 * 60


def _in_window(ctx: Context, rows: np.ndarray) -> np.ndarray:
    """Record-level findings come only from records inside the window and on or before as_of."""
    days = ctx.dates[rows]
    return rows[(days >= day_number(ctx.start)) & (days <= day_number(min(ctx.end, ctx.as_of)))]


@evaluates("deadline")
def evaluate_deadline(ctx: Context, rule: DeadlineRule) -> Iterator[Finding]:
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


def _stamp(ctx: Context, row: int, end_of_day: bool) -> int:
    """Minutes since the epoch; a record without a time is taken at the start (or end) of its day."""
    minute = int(ctx.minutes[row])
    if minute < 0:
        minute = MINUTES_PER_DAY - 1 if end_of_day else 0
    return int(ctx.dates[row]) * MINUTES_PER_DAY + minute


def _paired_events(
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
        for row in _in_window(ctx, events.get(code, empty)).tolist():
            day = from_day_number(ctx.dates[row])
            if ctx.active(unit, day, day):
                yield unit, row, day, others.get(code, empty)


@evaluates("response")
def evaluate_response(ctx: Context, rule: ResponseRule) -> Iterator[Finding]:
    """Each trigger needs a `then` record of its unit within the bound (days, or hours with times)."""
    subject = label(ctx.pack, rule.trigger, ctx.pack.language)
    answer_word = label(ctx.pack, rule.then, ctx.pack.language)
    for unit, row, day, replies in _paired_events(ctx, rule, rule.trigger, rule.then):
        status, deadline, reply = _answer(ctx, rule, row, replies)
        records = ctx.record_ids([row] + ([reply] if reply is not None else []))
        message = event(status, subject, answer_word, day, deadline, ctx.pack.language)
        yield finding(rule, unit, day.isoformat(), day, deadline, status, _answered(status), records, message)


def _answer(ctx: Context, rule: ResponseRule, trigger: int, replies: np.ndarray) -> tuple[Status, dt.date, int | None]:
    day = from_day_number(ctx.dates[trigger])
    if rule.within_days is not None:
        deadline = day + dt.timedelta(days=rule.within_days)
        lo, hi = day_number(day), day_number(deadline)
        days = ctx.dates[replies]
        on_time = replies[(days >= lo) & (days <= hi)]
        later = replies[days > hi]
    else:
        # Without a time, a record may have happened at any minute of its day: take the kinder reading.
        opened = _stamp(ctx, trigger, end_of_day=False)
        limit = _stamp(ctx, trigger, end_of_day=True) + (rule.within_hours or 0) * 60
        deadline = from_day_number(limit // MINUTES_PER_DAY)
        firsts = np.array([_stamp(ctx, r, end_of_day=False) for r in replies.tolist()], dtype=np.int64)
        lasts = np.array([_stamp(ctx, r, end_of_day=True) for r in replies.tolist()], dtype=np.int64)
        on_time = replies[(lasts >= opened) & (firsts <= limit)]
        later = replies[firsts > limit]
    if len(on_time):
        return "met", deadline, int(on_time[0])
    if len(later):
        return "late", deadline, int(later[0])
    return ("due" if deadline > ctx.as_of else "gap"), deadline, None


@evaluates("precedence")
def evaluate_precedence(ctx: Context, rule: PrecedenceRule) -> Iterator[Finding]:
    """Each event needs a notice dated at least N (and at most M) days before it."""
    subject = label(ctx.pack, rule.event, ctx.pack.language)
    notice_word = label(ctx.pack, rule.notice, ctx.pack.language)
    for unit, row, day, sent in _paired_events(ctx, rule, rule.event, rule.notice):
        status, latest, notice = _notice(ctx, rule, day, sent)
        records = ctx.record_ids([row] + ([notice] if notice is not None else []))
        message = event(status, subject, notice_word, day, latest, ctx.pack.language)
        yield finding(rule, unit, day.isoformat(), day, day, status, _answered(status), records, message, due=latest)


def _notice(ctx: Context, rule: PrecedenceRule, day: dt.date, sent: np.ndarray) -> tuple[Status, dt.date, int | None]:
    """met: a notice inside [event − at_most, event − at_least]; late: one after that, by the event."""
    latest = day - dt.timedelta(days=rule.at_least_days_before)
    most = rule.at_most_days_before
    earliest = day_number(day) - most if most is not None else np.iinfo(np.int64).min
    days = ctx.dates[sent]
    on_time = sent[(days >= earliest) & (days <= day_number(latest))]
    if len(on_time):
        return "met", latest, int(on_time[-1])
    too_late = sent[(days > day_number(latest)) & (days <= day_number(day))]
    if len(too_late):
        return "late", latest, int(too_late[0])
    return "gap", latest, None


@evaluates("evidence")
def evaluate_evidence(ctx: Context, rule: EvidenceRule) -> Iterator[Finding]:
    """One `gap` per matching record (in the window, up to as_of) that lacks a required field.

    Often the largest share of a big ledger's findings, so the rows are chosen, ordered and
    described as whole arrays; only the Finding objects are made one by one.
    """
    filled = condition_mask(ctx.table, Condition(filled=rule.require))
    lacking = ctx.category_rows(rule.category_ids) & ~filled
    units = [u for u in ctx.eval_units if ctx.applies(rule, u)]
    wanted = np.zeros(len(ctx.unit_names), dtype=bool)
    wanted[[ctx.code[u] for u in units]] = True
    rows = _in_window(ctx, np.flatnonzero(lacking & wanted[ctx.units]))
    if not len(rows):
        return
    rows = rows[np.lexsort((ctx.dates[rows], ctx.units[rows]))]  # unit code order is not name order: sorted later
    zh = ctx.pack.language == "zh"
    names = "、".join(FIELD_ZH.get(f, f) for f in rule.require) if zh else ", ".join(rule.require)
    template = "%s %s 未留存" + names.replace("%", "%%") if zh else "%s %s: no " + names.replace("%", "%%") + " on file"
    activities = arrays.pylist(ctx.table["activity"], rows)
    days = ctx.day_objects(ctx.dates[rows])
    unit_names = [ctx.unit_names[c] for c in ctx.units[rows].tolist()]
    for day, unit, record, activity in zip(days, unit_names, ctx.record_ids(rows), activities, strict=True):
        iso = day.isoformat()
        yield finding(rule, unit, iso, day, day, "gap", 0, [record], template % (iso, activity))


def _answered(status: Status) -> int:
    """A record-level finding counts 1 when its record was answered (on time or late)."""
    return 1 if status in ("met", "late") else 0
