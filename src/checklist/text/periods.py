"""Period labels and dates as people write them: 2024-Q1 -> 2024年第一季度 (first quarter of 2024).

The engine's labels (`2024`, `2024-H1`, `2024-Q3`, `2024-03`, `2024-W05`, `FY2024-Q1`, a day
`2024-08-05`) are a contract for programs; documents people read use these names instead. The
words of each shape are catalogue entries (`period.*`, `day.*`, `month.*`), one per shape with both
languages side by side; this module only takes a label apart and picks the entry.
"""

from __future__ import annotations

import datetime as dt
import re

from checklist.text import Message, msg

_CN_DIGITS = "〇一二三四五六七八九"
_LABEL = re.compile(r"^(?P<fy>FY)?(?P<year>\d{4})(?:-(?P<part>[HQW]?)(?P<n>\d{1,2}))?(?:-(?P<day>\d{2}))?$")


def date_name(day: dt.date, lang: str = "zh", *, year: bool = True) -> str:
    """2024年3月5日 (5 March 2024); without the year: 3月5日 (5 March)."""
    return _day(day, year=year).text(lang)


def period_name(label: str, lang: str = "zh") -> str:
    """A period label in words: 2024 -> 2024年, 2024-H1 -> 2024年上半年, 2024-Q3 -> 2024年第三季度,
    2024-03 -> 2024年3月, 2024-W05 -> 2024年第5周, 2024-08-05 -> 2024年8月5日. Unknown shapes stay."""
    named = _named(label, short=False)
    return label if named is None else named.text(lang)


def short_period_name(label: str, lang: str = "zh") -> str:
    """The period without its year, for a table whose title already names it: 第三季度, 上半年, 3月
    (English keeps the year: Q3 2024). A year or a day is named in full."""
    named = _named(label, short=True)
    return label if named is None else named.text(lang)


def _named(label: str, *, short: bool) -> Message | None:
    m = _LABEL.match(label.strip())
    if m is None:
        return None
    year = msg("period.fiscal_year" if m["fy"] else "period.year", year=m["year"])
    if m["n"] is None:
        return year
    if m["day"] is not None:
        try:
            return _day(dt.date(int(m["year"]), int(m["n"]), int(m["day"])), year=True)
        except ValueError:
            return None
    return _part(m["part"], int(m["n"]), msg("period.in_title", year=year) if short else year)


def _part(part: str, n: int, year: Message) -> Message | None:
    """The message of a part of a year (quarter, half, week, month), or None for an impossible one."""
    if part == "Q" and 1 <= n <= 4:
        return msg("period.quarter", year=year, n=n, n_zh=chinese_number(n))
    if part == "H" and 1 <= n <= 2:
        return msg(f"period.half.{n}", year=year)
    if part == "W":
        return msg("period.week", year=year, n=n)
    if part == "" and 1 <= n <= 12:
        return msg("period.month", year=year, n=n, month=msg(f"month.{n}"))
    return None


def _day(day: dt.date, *, year: bool) -> Message:
    code = "day.full" if year else "day.no_year"
    return msg(code, year=day.year, m=day.month, d=day.day, month=msg(f"month.{day.month}"))


def chinese_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 105 -> 一百零五, 110 -> 一百一十, 2024 -> 二千零二十四,
    12000 -> 一万二千 (for 一、二、 and （一）（二） numbering: a county's report numbers 200 units)."""
    if n < 10:
        return _CN_DIGITS[max(n, 0)]
    high, low = divmod(n, 10_000)
    if not high:
        return _below_ten_thousand(low, leading=True)
    tail = ("零" if low < 1000 else "") + _below_ten_thousand(low, leading=False) if low else ""
    return chinese_number(high) + "万" + tail


def _below_ten_thousand(n: int, *, leading: bool) -> str:
    """千百十 with 零 for each run of zeros between digits; 十 alone only at the very start (十二, 一百一十)."""
    out, started, gap = "", False, False
    for unit, digit in zip("千百十 ", (n // 1000, n // 100 % 10, n // 10 % 10, n % 10), strict=True):
        if not digit:
            gap = gap or started
            continue
        out += "零" if gap else ""
        out += ("" if unit == "十" and digit == 1 and leading and not started else _CN_DIGITS[digit]) + unit.strip()
        started, gap = True, False
    return out


__all__ = ["chinese_number", "date_name", "period_name", "short_period_name"]
