"""`kind: frequency` — at least / at most / exactly N matching records (or a sum) in every period.

The evaluator counts (or sums) the matching records of every unit × period (× person).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from checklist.engine.conditions import describe, where_mask
from checklist.engine.context import Context, day_number, from_day_number
from checklist.engine.findings import finding
from checklist.engine.kinds import Kind
from checklist.engine.messages import amount
from checklist.ledger import split_names
from checklist.pack.model import Every, HasCategories, Pack, Window
from checklist.pack.names import field_name, label, labels
from checklist.periods import Period, counting_interval, is_public_holiday, periods
from checklist.result import Finding, NearMiss, Outlook, Status
from checklist.text import Message, Pair, msg, record_ref, say


class FrequencyRule(HasCategories):
    """At least / at most / exactly N matching records (or a sum of a field) in every period."""

    kind: Literal["frequency"] = "frequency"
    every: Every
    at_least: float | None = Field(None, ge=0)
    at_most: float | None = Field(None, ge=0)
    exactly: float | None = Field(None, ge=0)
    sum: str | None = Field(None, description="sum this numeric field instead of counting, e.g. hours")
    per: Literal["unit", "person"] = "unit"
    roles: list[str] | None = Field(None, description="with per: person, only roster members with these roles")
    window: Window | None = None
    min_interval_days: int | None = Field(None, ge=1, description="records closer than this count once")
    holiday_tolerance_days: int | None = Field(
        None, ge=1, le=31, description="a record moved past the period's end by a public holiday still counts"
    )

    @model_validator(mode="after")
    def _thresholds(self) -> FrequencyRule:
        if self.exactly is not None and (self.at_least is not None or self.at_most is not None):
            raise ValueError(msg("pack.rule.exactly_alone"))
        if self.exactly is None and self.at_least is None and self.at_most is None:
            raise ValueError(msg("pack.rule.amount"))
        if self.at_least is not None and self.at_most is not None and self.at_least > self.at_most:
            raise ValueError(msg("pack.rule.least_most"))
        if self.window is not None and self.window.month_days is not None and self.every != "year":
            raise ValueError(msg("pack.rule.window_year"))
        if self.roles is not None and self.per != "person":
            raise ValueError(msg("pack.rule.roles_person"))
        return self

    @property
    def minimum(self) -> float:
        """The count (or sum) needed: at_least, or exactly, or 0 for an at_most-only rule."""
        return self.exactly if self.exactly is not None else (self.at_least or 0)

    @property
    def maximum(self) -> float | None:
        return self.exactly if self.exactly is not None else self.at_most


NEAR_MISS_DAYS = 7
AT_RISK_DAYS_PER_RECORD = 14
MAX_NEAR_MISSES = 5


@dataclass
class _Plan:
    """The periods of one rule and the part of each that counts, as day numbers for searchsorted."""

    periods: list[Period]
    intervals: list[tuple[dt.date, dt.date]]
    starts: np.ndarray
    ends: np.ndarray


def _plan(ctx: Context, rule: FrequencyRule) -> _Plan:
    plist = [p for p in periods(rule.every, ctx.start, ctx.end, ctx.fy_month) if p.start <= ctx.as_of]
    intervals = [counting_interval(p, rule.window, ctx.fy_month) for p in plist]
    starts = np.array([day_number(s) for s, _ in intervals], dtype=np.int64)
    ends = np.array([day_number(e) for _, e in intervals], dtype=np.int64)
    return _Plan(plist, intervals, starts, ends)


def _period_index(plan: _Plan, days: np.ndarray) -> np.ndarray:
    """Index of the counting interval holding each day, or -1."""
    pi = np.searchsorted(plan.starts, days, side="right") - 1
    ok = (pi >= 0) & (days <= plan.ends[np.maximum(pi, 0)])
    return np.where(ok, pi, -1)


def evaluate(ctx: Context, rule: FrequencyRule) -> Iterator[Finding]:
    plan = _plan(ctx, rule)
    if not plan.periods:
        return
    base = ctx.category_rows(rule.category_ids)
    conditions, parts = where_mask(ctx.table, rule.where) if rule.where else (None, [])
    usable = base & conditions if conditions is not None else base
    idx = np.flatnonzero(usable)
    pi = _period_index(plan, ctx.dates[idx])
    idx, pi = idx[pi >= 0], pi[pi >= 0]
    values = ctx.number(rule.sum) if rule.sum else None
    near = _NearMisses(ctx, rule, plan, base, parts)
    if rule.per == "person":
        yield from _per_person(ctx, rule, plan, idx, pi, values, near)
        return
    groups = _group(ctx, ctx.units[idx], pi, idx, len(plan.periods))
    for unit in ctx.eval_units:
        if not ctx.applies(rule, unit):
            continue
        code = ctx.code[unit]
        found: list[tuple[list[int], list[str] | None]] = [
            groups.get((code, i)) or ([], []) for i in range(len(plan.periods))
        ]
        lists = [rows for rows, _ids in found]
        if rule.holiday_tolerance_days:
            lists = _holiday_moves(ctx, rule, plan, lists)
            found = [(rows, None) for rows in lists]  # records were lent: look their ids up again
        for i, period in enumerate(plan.periods):
            if ctx.period_applies(unit, period):
                yield _finding(ctx, rule, plan, i, unit, None, lists[i], values, near, found[i][1])


def _group(ctx: Context, codes: np.ndarray, pi: np.ndarray, idx: np.ndarray, n: int) -> dict:
    """{(unit code, period index): ([row indices in date order], [their record ids])}."""
    if not len(idx):
        return {}
    key = codes.astype(np.int64) * n + pi
    order = np.lexsort((ctx.dates[idx], key))
    key, idx = key[order], idx[order]
    cuts = np.flatnonzero(np.diff(key)) + 1
    starts = np.concatenate(([0], cuts)).tolist()
    stops = np.concatenate((cuts, [len(key)])).tolist()
    rows, ids, keys = idx.tolist(), ctx.record_ids(idx), key[starts].tolist()
    return {divmod(k, n): (rows[a:b], ids[a:b]) for k, a, b in zip(keys, starts, stops, strict=True)}


def _spaced(ctx: Context, rule: FrequencyRule, rows: list[int]) -> tuple[list[int], list[tuple[int, int]]]:
    """Keep records at least min_interval_days apart; the others are (row, too-close-to row)."""
    if not rule.min_interval_days:
        return rows, []
    kept: list[int] = []
    dropped: list[tuple[int, int]] = []
    for row in rows:
        if kept and ctx.dates[row] - ctx.dates[kept[-1]] < rule.min_interval_days:
            dropped.append((row, kept[-1]))
        else:
            kept.append(row)
    return kept, dropped


def _finding(  # noqa: PLR0913 - a verdict's inputs; called from two loops
    ctx: Context,
    rule: FrequencyRule,
    plan: _Plan,
    i: int,
    unit: str,
    person: str | None,
    rows: list[int],
    values: np.ndarray | None,
    near: _NearMisses,
    ids: list | None = None,
) -> Finding:
    """One unit × period (× person) verdict; `ids` are the record ids of `rows` when known."""
    period = plan.periods[i]
    _cs, ce = plan.intervals[i]
    kept, too_close = _spaced(ctx, rule, rows)
    count = float(len(kept)) if values is None else float(values[kept].sum())
    required, maximum = float(rule.minimum), rule.maximum
    status, missing, excess = _status(count, required, maximum, ce, ctx.as_of)
    outlook = _outlook(period, ce, ctx.as_of, missing, required) if status == "due" else None
    misses = near.find(unit, i, set(kept), too_close) if status in ("gap", "due") else []
    what = label(ctx.pack, rule.category_ids[0], ctx.pack.language) if len(rule.category_ids) == 1 else rule.title
    who = f"{person} " if person else ""
    unit_word = ("学时" if rule.sum == "hours" else "") if rule.sum else "次"
    records = ids if ids is not None and len(kept) == len(rows) else ctx.record_ids(kept)
    message = who + amount(
        status, what, period.label, count, required, missing, ce, excess, ctx.pack.language, unit_word
    )
    return finding(
        rule,
        unit,
        period.label,
        period.start,
        period.end,
        status,
        count,
        records,
        message,
        required=required,
        due=ce,
        person=person,
        excess=excess,
        outlook=outlook,
        near_misses=misses,
    )


def _status(
    count: float, required: float, maximum: float | None, last_day: dt.date, as_of: dt.date
) -> tuple[Status, float, float | None]:
    """DESIGN §5: exceeded, met, gap once the counting interval has ended, due before."""
    if maximum is not None and count > maximum:
        return "exceeded", 0.0, count - maximum
    if count >= required:
        return "met", 0.0, None
    missing = required - count
    return ("gap" if last_day <= as_of else "due"), missing, None


def _outlook(period: Period, last_day: dt.date, as_of: dt.date, missing: float, required: float) -> Outlook:
    """at_risk when less than two weeks remain per missing record, or when, for a duty of several
    records, less than half the duty's own pace (period ÷ required) remains per missing record."""
    total = (last_day - period.start).days + 1
    left = (last_day - as_of).days
    if left < AT_RISK_DAYS_PER_RECORD * missing:
        return "at_risk"
    if required >= 2 and left < missing * total / required / 2:
        return "at_risk"
    return "on_track"


def _holiday_moves(ctx: Context, rule: FrequencyRule, plan: _Plan, lists: list[list[int]]) -> list[list[int]]:
    """Lend a record across a period boundary when a public holiday pushed it there.

    A period short of its count borrows a neighbour's record dated beyond its counting interval
    when a public holiday lies in between and, holiday days not counted, the record is at most
    `holiday_tolerance_days` out — provided the neighbour keeps enough records without it.
    """
    tolerance = rule.holiday_tolerance_days or 0
    lists = [list(x) for x in lists]
    need = rule.minimum
    for i in range(len(lists)):
        start, end = plan.intervals[i]
        for j, after in ((i + 1, True), (i - 1, False)):
            if len(lists[i]) >= need or not 0 <= j < len(lists):
                continue
            for row in sorted(lists[j], key=lambda r: ctx.dates[r], reverse=not after):
                if len(lists[j]) <= need:
                    break
                day = from_day_number(ctx.dates[row])
                out = _days_outside(day, start, end)
                holidays = sum(is_public_holiday(d) for d in out)
                if holidays and len(out) - holidays <= tolerance:
                    lists[j].remove(row)
                    lists[i] = sorted([*lists[i], row], key=lambda r: ctx.dates[r])
                    break
    return lists


def _days_outside(day: dt.date, start: dt.date, end: dt.date) -> list[dt.date]:
    """The days between an interval and a record outside it, the record's own day included."""
    if day > end:
        return [end + dt.timedelta(days=k) for k in range(1, (day - end).days + 1)]
    return [day + dt.timedelta(days=k) for k in range((start - day).days)]


def _per_person(
    ctx: Context,
    rule: FrequencyRule,
    plan: _Plan,
    idx: np.ndarray,
    pi: np.ndarray,
    values: np.ndarray | None,
    near: _NearMisses,
) -> Iterator[Finding]:
    """`per: person`: each roster member (with a listed role) needs the amount in every period."""
    participants = ctx.table["participants"].to_pylist() if len(idx) else []
    by_person: dict[tuple[int, str, int], list[int]] = defaultdict(list)
    for row, period_index in zip(idx.tolist(), pi.tolist(), strict=True):
        for name in split_names(participants[row]):
            by_person[(int(ctx.units[row]), name, period_index)].append(row)
    members = [m for m in ctx.roster if rule.roles is None or m.role in rule.roles]
    for unit in ctx.eval_units:
        if not ctx.applies(rule, unit):
            continue
        code = ctx.code[unit]
        for member in sorted((m for m in members if m.unit == unit), key=lambda m: m.person):
            for i, period in enumerate(plan.periods):
                if ctx.period_applies(unit, period) and member.active_during(period.start, period.end):
                    rows = sorted(by_person.get((code, member.person, i), []), key=lambda r: ctx.dates[r])
                    yield _finding(ctx, rule, plan, i, unit, member.person, rows, values, near)


class _NearMisses:
    """Records that almost counted for a gap: wrong part of the period, failed condition, too close."""

    def __init__(self, ctx: Context, rule: FrequencyRule, plan: _Plan, base: np.ndarray, parts: list) -> None:
        self.ctx, self.rule, self.plan, self.base, self.parts = ctx, rule, plan, base, parts
        self._by_unit: dict[int, np.ndarray] | None = None

    def find(self, unit: str, i: int, kept: set[int], too_close: list[tuple[int, int]]) -> list[NearMiss]:
        ctx = self.ctx
        if self._by_unit is None:  # only rows near the window can be near misses of its periods
            lo = day_number(ctx.start) - NEAR_MISS_DAYS
            hi = day_number(ctx.end) + NEAR_MISS_DAYS
            self._by_unit = ctx.unit_rows(self.base & (ctx.dates >= lo) & (ctx.dates <= hi))
        rows = self._by_unit.get(ctx.code[unit], np.array([], dtype=np.int64))
        period = self.plan.periods[i]
        cs, ce = self.plan.intervals[i]
        lo = day_number(period.start) - NEAR_MISS_DAYS
        hi = day_number(period.end) + NEAR_MISS_DAYS
        out: list[NearMiss] = []
        close = dict(too_close)
        for row in rows[(ctx.dates[rows] >= lo) & (ctx.dates[rows] <= hi)].tolist():
            if row in kept:
                continue
            day = from_day_number(ctx.dates[row])
            reason = self._reason(row, day, cs, ce, close)
            if reason is not None:
                out.append(NearMiss.of(ctx.record_id(row), day, reason, ctx.pack.language))
            if len(out) >= MAX_NEAR_MISSES:
                break
        return out

    def _reason(self, row: int, day: dt.date, cs: dt.date, ce: dt.date, close: dict[int, int]) -> Message | Pair | None:
        """Why a record did not count (near.* codes), or None when nothing held it back."""
        if row in close:
            other = record_ref(self.ctx.record_id(close[row]), by_row=not self.ctx.ledger.has_id)
            return msg("near.too_close", other=other, days=self.rule.min_interval_days)
        if not cs <= day <= ce:
            return msg("near.outside", day=day, start=cs, end=ce)
        failed = [condition for mask, condition in self.parts if not mask[row]]
        if not failed:
            return None
        zh, en = (";".join(describe(c, "zh") for c in failed), "; ".join(describe(c, "en") for c in failed))
        return Pair("near.failed", zh, en)


# ---------------------------------------------------------------- explanation


def periods_in_year(every: str, year: int) -> int:
    if every == "week":
        return dt.date(year, 12, 28).isocalendar()[1]  # Dec 28 is always in the last ISO week
    return {"month": 12, "quarter": 4, "half": 2, "year": 1}[every]


def _window(window: Window | None, lang: str) -> str:
    if window is None:
        return ""
    if window.month_days is not None:
        (m1, d1), (m2, d2) = window.month_days
        return say("explain.window.dates", lang, m1=m1, d1=d1, m2=m2, d2=d2)
    if window.first_days:
        return say("explain.window.first", lang, days=window.first_days)
    if window.last_days:
        return say("explain.window.last", lang, days=window.last_days)
    return say("explain.window.by_day", lang, day=window.by_day)


def _amount(rule: FrequencyRule, lang: str) -> str:
    what = say("explain.amount.sum", lang, field=field_name(rule.sum, lang)) if rule.sum else ""
    unit = "" if rule.sum else say("explain.amount.times", lang)
    words = {"what": what, "unit": unit, "noun": what or unit}
    if rule.exactly is not None:
        return say("explain.amount.exactly", lang, n=rule.exactly, **words)
    parts = []
    if rule.at_least is not None:
        parts.append(say("explain.amount.at_least", lang, n=rule.at_least, **words))
    if rule.at_most is not None:
        parts.append(say("explain.amount.at_most", lang, n=rule.at_most, **words))
    return say("explain.amount.range", lang, parts=say("explain.and", lang).join(parts), **words)


def _who(rule: FrequencyRule, lang: str) -> str:
    if rule.per != "person":
        return ""
    if rule.roles:
        return say("explain.who.roles", lang, roles=list(rule.roles))
    return say("explain.who.member", lang)


def explain(pack: Pack, rule: FrequencyRule, lang: str, year: int) -> str:
    n = periods_in_year(rule.every, year)
    unit = say(f"explain.unit.{rule.every}", lang)
    span = say("explain.span", lang, year=year, n=n, unit=unit, each=unit.lstrip("个")) if n > 1 else ""
    return say(
        "explain.frequency",
        lang,
        every=say(f"explain.every.{rule.every}", lang),
        who=_who(rule, lang),
        amount=_amount(rule, lang),
        what=labels(pack, rule.category_ids, lang),
        window=_window(rule.window, lang),
        span=span,
    )


WORDS = {
    # the model's checks (pack-loading errors)
    "pack.rule.exactly_alone": (
        "给了 exactly 就不能再给 at_least 或 at_most",
        "'exactly' excludes at_least and at_most",
    ),
    "pack.rule.amount": ("须给出 at_least、at_most 或 exactly（次数要求）", "give at_least, at_most or exactly"),
    "pack.rule.least_most": ("at_least 大于 at_most", "at_least is greater than at_most"),
    "pack.rule.window_year": (
        "按日期的时间窗（from/to）只用于 every: year；其他周期请用 first_days、last_days 或 by_day",
        "calendar-day windows (from/to) belong to every: year; use first_days/last_days/by_day",
    ),
    "pack.rule.roles_person": ("给了 roles 就要写 per: person", "'roles' needs per: person"),
    # the explanation
    "explain.every.week": ("每周", "every week"),
    "explain.every.month": ("每月", "every month"),
    "explain.every.quarter": ("每季度", "every quarter"),
    "explain.every.half": ("每半年", "every half year"),
    "explain.every.year": ("每年", "every year"),
    "explain.unit.week": ("周", "weeks"),
    "explain.unit.month": ("个月", "months"),
    "explain.unit.quarter": ("个季度", "quarters"),
    "explain.unit.half": ("个半年", "halves"),
    "explain.unit.year": ("年", "year"),
    "explain.window.dates": (
        "（仅{m1}月{d1}日至{m2}月{d2}日之间的记录计入）",
        " (only records dated {m1:02d}-{d1:02d} to {m2:02d}-{d2:02d} count)",
    ),
    "explain.window.first": ("（每期前{days}天内）", " (within the first {days} days of each period)"),
    "explain.window.last": ("（每期最后{days}天内）", " (within the last {days} days of each period)"),
    "explain.window.by_day": ("（每期最后一个月{day}日前）", " (by day {day} of each period's last month)"),
    "explain.amount.sum": ("{field}合计", "{field} in total"),
    "explain.amount.times": ("次", "time(s)"),
    "explain.amount.exactly": ("{what}恰好{n}{unit}{noun:hide}", "{what:hide}exactly {n} {noun}{unit:hide}"),
    "explain.amount.at_least": ("至少{n}{unit}", "at least {n}{unit:hide}"),
    "explain.amount.at_most": ("至多{n}{unit}", "at most {n}{unit:hide}"),
    "explain.amount.range": ("{what}{parts}{noun:hide}", "{what:hide}{parts} {noun}"),
    "explain.who.member": ("每名成员", " for each member"),
    "explain.who.roles": ("每名{roles:all}", " for each member ({roles:all})"),
    "explain.span": ("（{year}年共{n}{unit}，每{each}单独核查）", "; {year}: {n} {unit}{each:hide}"),
    "explain.frequency": ("{every}{who}{amount}{what}{window}{span}", "{what} {amount} {every}{who}{window}{span}."),
}

KIND = Kind(
    FrequencyRule,
    evaluate,
    explain,
    patchable=(
        "every",
        "at_least",
        "at_most",
        "exactly",
        "window",
        "min_interval_days",
        "holiday_tolerance_days",
        "roles",
    ),
    words=WORDS,
    order=1,
)
