"""Periods (year, half, quarter, month, ISO week; fiscal years) and the part of each that counts."""

from __future__ import annotations

import calendar as _stdcal
import datetime as dt
from dataclasses import dataclass
from functools import cache

from checklist.pack.model import Window


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """A calendar-aligned period, inclusive on both ends: `2024-Q3` is 2024-07-01..2024-09-30."""

    start: dt.date
    end: dt.date
    label: str


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, _stdcal.monthrange(year, month)[1])


def fiscal_year_of(day: dt.date, start_month: int) -> int:
    """The fiscal year (named by the calendar year it starts in) that contains `day`."""
    return day.year if day.month >= start_month else day.year - 1


def year_period(fy: int, start_month: int) -> Period:
    start = dt.date(fy, start_month, 1)
    end_year, end_month = _add_months(fy, start_month, 11)
    return Period(start, _month_end(end_year, end_month), str(fy) if start_month == 1 else f"FY{fy}")


def _periods_of_year(every: str, fy: int, start_month: int) -> list[Period]:
    prefix = str(fy) if start_month == 1 else f"FY{fy}"
    if every == "year":
        return [year_period(fy, start_month)]
    size, name = {"half": (6, "H"), "quarter": (3, "Q")}.get(every, (1, ""))
    out = []
    for i in range(12 // size):
        y0, m0 = _add_months(fy, start_month, i * size)
        y1, m1 = _add_months(fy, start_month, i * size + size - 1)
        label = f"{prefix}-{name}{i + 1}" if name else f"{y0}-{m0:02d}"
        out.append(Period(dt.date(y0, m0, 1), _month_end(y1, m1), label))
    return out


def _weeks(start: dt.date, end: dt.date) -> list[Period]:
    monday = start - dt.timedelta(days=start.weekday())
    if monday < start:
        monday += dt.timedelta(days=7)
    out = []
    while monday + dt.timedelta(days=6) <= end:
        iso = monday.isocalendar()
        out.append(Period(monday, monday + dt.timedelta(days=6), f"{iso[0]}-W{iso[1]:02d}"))
        monday += dt.timedelta(days=7)
    return out


def periods(every: str, start: dt.date, end: dt.date, start_month: int = 1) -> list[Period]:
    """Every period of kind `every` lying entirely inside [start, end], in order."""
    if every == "week":
        return _weeks(start, end)
    out: list[Period] = []
    for fy in range(fiscal_year_of(start, start_month), fiscal_year_of(end, start_month) + 1):
        out.extend(p for p in _periods_of_year(every, fy, start_month) if p.start >= start and p.end <= end)
    return out


def period_containing(every: str, day: dt.date, start_month: int = 1) -> Period:
    if every == "week":
        monday = day - dt.timedelta(days=day.weekday())
        return _weeks(monday, monday + dt.timedelta(days=6))[0]
    for period in _periods_of_year(every, fiscal_year_of(day, start_month), start_month):
        if period.start <= day <= period.end:
            return period
    raise AssertionError("unreachable: a fiscal year's periods cover it")


def _clamped(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, min(day, _stdcal.monthrange(year, month)[1]))


def counting_interval(period: Period, window: Window | None, start_month: int = 1) -> tuple[dt.date, dt.date]:
    """The days of `period` whose records count for it (all of them without a window)."""
    if window is None:
        return period.start, period.end
    if window.month_days is not None:
        (m1, d1), (m2, d2) = window.month_days
        fy = fiscal_year_of(period.start, start_month)
        y1 = fy if m1 >= start_month else fy + 1
        y2 = fy if m2 >= start_month else fy + 1
        return max(_clamped(y1, m1, d1), period.start), min(_clamped(y2, m2, d2), period.end)
    if window.first_days is not None:
        return period.start, min(period.start + dt.timedelta(days=window.first_days - 1), period.end)
    if window.last_days is not None:
        return max(period.end - dt.timedelta(days=window.last_days - 1), period.start), period.end
    assert window.by_day is not None
    return period.start, min(_clamped(period.end.year, period.end.month, window.by_day), period.end)


@cache
def is_public_holiday(day: dt.date) -> bool:
    """A statutory holiday day off in China (not a plain weekend), from the offline calendar."""
    import chinese_calendar

    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:  # outside the years the package knows
        return False
    return bool(on_holiday and name)
