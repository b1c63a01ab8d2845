"""Duties as an iCalendar file: one recurring event per duty (RRULE), and a unit's concrete due items."""

from __future__ import annotations

import datetime as dt

from icalendar import Event

from checklist.kinds.deadline import DeadlineRule
from checklist.kinds.frequency import FrequencyRule
from checklist.pack.explain import explain
from checklist.pack.model import Pack
from checklist.periods import counting_interval, periods, year_period
from checklist.result import Finding

FREQ = {
    "week": ("WEEKLY", 1),
    "month": ("MONTHLY", 1),
    "quarter": ("MONTHLY", 3),
    "half": ("MONTHLY", 6),
    "year": ("YEARLY", 1),
}


def due_dates(pack: Pack, rule: FrequencyRule, year: int) -> list[dt.date]:
    """The last day of every counting interval of the (fiscal) year: when the duty falls due."""
    span = year_period(year, pack.calendar.year_start_month)
    return [
        counting_interval(p, rule.window, pack.calendar.year_start_month)[1]
        for p in periods(rule.every, span.start, span.end, pack.calendar.year_start_month)
    ]


def rrule(rule: FrequencyRule, dates: list[dt.date]) -> dict[str, object]:
    """A recurrence reproducing `dates`: month ends as BYMONTHDAY=-1, fixed days as that day."""
    freq, interval = FREQ[rule.every]
    out: dict[str, object] = {"FREQ": freq, "COUNT": len(dates)}
    if interval > 1:
        out["INTERVAL"] = interval
    if freq == "MONTHLY":
        first = dates[0]
        month_end = (first + dt.timedelta(days=1)).day == 1
        out["BYMONTHDAY"] = -1 if month_end else first.day
    if freq == "WEEKLY":
        out["BYDAY"] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][dates[0].weekday()]
    return out


def duty_calendar(pack: Pack, year: int, lang: str, due: list[Finding] | None = None) -> bytes:
    """The pack's duties for `year` as VEVENTs (all-day, on each due date), plus concrete due items."""
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", "-//checklist//duty calendar//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{pack.title} {year}")
    stamp = dt.datetime(year, 1, 1, tzinfo=dt.timezone.utc)
    for rule in pack.active_rules:
        if isinstance(rule, FrequencyRule):
            dates = due_dates(pack, rule, year)
            if not dates:
                continue
            event = _event(f"{pack.id}.{rule.id}.{year}", rule.title, dates[0], stamp)
            event.add("rrule", rrule(rule, dates))
        elif isinstance(rule, DeadlineRule) and rule.by.year == year:
            event = _event(f"{pack.id}.{rule.id}.{year}", rule.title, rule.by, stamp)
        else:
            continue  # response, precedence and evidence duties follow events, not the calendar
        event.add("description", f"{explain(pack, rule, lang, year)}\n{rule.ref or ''}".strip())
        cal.add_component(event)
    for f in due or []:
        item = _event(f"{f.unit}.{f.rule}.{f.period}.{f.person or ''}", f"[{f.unit}] {f.message}", f.due, stamp)
        item.add("description", f"{f.unit} {f.period}: {f.message}")
        cal.add_component(item)
    return cal.to_ical()


def _event(uid: str, summary: str, day: dt.date, stamp: dt.datetime) -> Event:
    event = Event()
    event.add("uid", f"{uid}@checklist")
    event.add("summary", summary)
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("dtstamp", stamp)
    event.add("transp", "TRANSPARENT")
    return event
