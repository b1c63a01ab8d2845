"""A deliberately naive evaluator, written from DESIGN §5 alone, to check the engine against.

It walks day by day and row by row: slow and obvious. It shares no code with src/checklist
except the pack models it reads rules from.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

ONE = dt.timedelta(days=1)


@dataclass(frozen=True)
class Row:
    row: int
    unit: str
    date: dt.date
    activity: str
    title: str
    evidence: str


def _label(every: str, day: dt.date, m: int) -> str:
    fy = day.year if day.month >= m else day.year - 1
    prefix = str(fy) if m == 1 else f"FY{fy}"
    months_in = (day.month - m) % 12
    if every == "year":
        return prefix
    if every == "half":
        return f"{prefix}-H{months_in // 6 + 1}"
    if every == "quarter":
        return f"{prefix}-Q{months_in // 3 + 1}"
    if every == "month":
        return f"{day.year}-{day.month:02d}"
    iso = day.isocalendar()
    return f"{iso[0]}-W{iso[1]:02d}"


def _periods(every: str, start: dt.date, end: dt.date, as_of: dt.date, m: int) -> list[tuple[str, dt.date, dt.date]]:
    spans: dict[str, list[dt.date]] = {}
    day = start - dt.timedelta(days=400)
    while day <= end + dt.timedelta(days=400):
        spans.setdefault(_label(every, day, m), []).append(day)
        day += ONE
    out = [(label, days[0], days[-1]) for label, days in spans.items()]
    return sorted(p for p in out if p[1] >= start and p[2] <= end and p[1] <= as_of)


def _counts_in_window(rule, day: dt.date, start: dt.date, end: dt.date) -> bool:
    w = rule.window
    if w is None:
        return True
    if w.from_ is not None:
        return w.from_ <= f"{day.month:02d}-{day.day:02d}" <= w.to
    if w.first_days is not None:
        return (day - start).days < w.first_days
    if w.last_days is not None:
        return (end - day).days < w.last_days
    last = calendar.monthrange(end.year, end.month)[1]
    return day <= dt.date(end.year, end.month, min(w.by_day, last))


def _counting_days(rule, start: dt.date, end: dt.date) -> list[dt.date]:
    days, day = [], start
    while day <= end:
        if _counts_in_window(rule, day, start, end):
            days.append(day)
        day += ONE
    return days


def _usable(rows: list[Row], as_of: dt.date) -> list[Row]:
    """Drop repeats of (unit, date, activity, title) and rows after as_of."""
    seen, out = set(), []
    for r in rows:
        key = (r.unit, r.date, r.activity, r.title)
        if key not in seen and r.date <= as_of:
            out.append(r)
        seen.add(key)
    return out


def _names(pack, cid: str) -> set[str]:
    cat = pack.categories[cid]
    return {cid, cat.label, *cat.aliases}


def evaluate(pack, rows: list[Row], start: dt.date, end: dt.date, as_of: dt.date) -> list[tuple]:
    usable = _usable(rows, as_of)
    units = sorted({r.unit for r in rows})
    m = pack.calendar.year_start_month
    out = []
    for order, rule in enumerate(pack.rules):
        for unit in units:
            if rule.kind == "frequency":
                out += _frequency(pack, rule, order, unit, usable, start, end, as_of, m)
            elif rule.kind == "response":
                out += _response(pack, rule, order, unit, usable, start, end, as_of)
            elif rule.kind == "evidence":
                names = set().union(*(_names(pack, c) for c in pack.categories))
                for r in usable:
                    if r.unit == unit and r.activity in names and not r.evidence and start <= r.date <= end:
                        out.append((unit, order, r.date, r.date.isoformat(), "gap", 0, 1, (r.row,)))
    return [(*o[:1], pack.rules[o[1]].id, *o[3:]) for o in sorted(out, key=lambda o: (o[0], o[1], o[2]))]


def _frequency(pack, rule, order, unit, usable, start, end, as_of, m) -> list[tuple]:
    names = set().union(*(_names(pack, c) for c in rule.category_ids))
    low = rule.exactly if rule.exactly is not None else (rule.at_least or 0)
    high = rule.exactly if rule.exactly is not None else rule.at_most
    out = []
    for label, p_start, p_end in _periods(rule.every, start, end, as_of, m):
        days = _counting_days(rule, p_start, p_end)
        last = days[-1] if days else p_start
        hits = sorted((r.date, r.row) for r in usable if r.unit == unit and r.activity in names and r.date in days)
        count = len(hits)
        if high is not None and count > high:
            status, missing = "exceeded", 0
        elif count >= low:
            status, missing = "met", 0
        else:
            status, missing = ("gap" if last <= as_of else "due"), low - count
        out.append((unit, order, p_start, label, status, count, missing, tuple(row for _d, row in hits)))
    return out


def _response(pack, rule, order, unit, usable, start, end, as_of) -> list[tuple]:
    triggers = _names(pack, rule.trigger)
    answers = _names(pack, rule.then)
    out = []
    for t in sorted((r for r in usable if r.unit == unit and r.activity in triggers), key=lambda r: (r.date, r.row)):
        if not start <= t.date <= end:
            continue
        deadline = t.date + dt.timedelta(days=rule.within_days)
        replies = sorted((r.date, r.row) for r in usable if r.unit == unit and r.activity in answers)
        on_time = [x for x in replies if t.date <= x[0] <= deadline]
        late = [x for x in replies if x[0] > deadline]
        if on_time:
            status, records = "met", (t.row, on_time[0][1])
        elif late:
            status, records = "late", (t.row, late[0][1])
        else:
            status, records = ("due" if deadline > as_of else "gap"), (t.row,)
        count = 1 if status in ("met", "late") else 0
        missing = 1 if status in ("gap", "due") else 0
        out.append((unit, order, t.date, t.date.isoformat(), status, count, missing, records))
    return out
