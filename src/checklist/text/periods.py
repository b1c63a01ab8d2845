"""Period labels and dates as people write them: 2024-Q1 -> 2024年第一季度 (first quarter of 2024).

The engine's labels (`2024`, `2024-H1`, `2024-Q3`, `2024-03`, `2024-W05`, `FY2024-Q1`, a day
`2024-08-05`) are a contract for programs; documents people read use these names instead.
"""

from __future__ import annotations

import datetime as dt
import re

_CN_DIGITS = "〇一二三四五六七八九"
_QUARTERS = {"zh": ["第一季度", "第二季度", "第三季度", "第四季度"], "en": ["Q1", "Q2", "Q3", "Q4"]}
_HALVES = {"zh": ["上半年", "下半年"], "en": ["first half", "second half"]}
_LABEL = re.compile(r"^(?P<fy>FY)?(?P<year>\d{4})(?:-(?P<part>[HQW]?)(?P<n>\d{1,2}))?(?:-(?P<day>\d{2}))?$")


def date_name(day: dt.date, lang: str = "zh", *, year: bool = True) -> str:
    """2024年3月5日 (3 March 2024); without the year: 3月5日."""
    if lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日" if year else f"{day.month}月{day.day}日"
    return day.strftime("%-d %B %Y") if year else day.strftime("%-d %B")


def _year(year: str, fiscal: bool, lang: str) -> str:
    if lang == "zh":
        return f"{year}财年" if fiscal else f"{year}年"
    return f"FY{year}" if fiscal else year


def period_name(label: str, lang: str = "zh") -> str:
    """A period label in words: 2024 -> 2024年, 2024-H1 -> 2024年上半年, 2024-Q3 -> 2024年第三季度,
    2024-03 -> 2024年3月, 2024-W05 -> 2024年第5周, 2024-08-05 -> 2024年8月5日. Unknown shapes stay."""
    m = _LABEL.match(label.strip())
    if m is None:
        return label
    year, part, n, day = m["year"], m["part"], m["n"], m["day"]
    fiscal = bool(m["fy"])
    head = _year(year, fiscal, lang)
    if n is None:
        return head
    if day is not None:
        try:
            return date_name(dt.date(int(year), int(n), int(day)), lang)
        except ValueError:
            return label
    index = int(n)
    if part == "Q" and 1 <= index <= 4:
        return f"{head}{_QUARTERS['zh'][index - 1]}" if lang == "zh" else f"{_QUARTERS['en'][index - 1]} {head}"
    if part == "H" and 1 <= index <= 2:
        return f"{head}{_HALVES['zh'][index - 1]}" if lang == "zh" else f"{_HALVES['en'][index - 1]} of {head}"
    if part == "W":
        return f"{head}第{index}周" if lang == "zh" else f"week {index} of {head}"
    if part == "" and 1 <= index <= 12:
        return f"{head}{index}月" if lang == "zh" else dt.date(int(year), index, 1).strftime("%B ") + head
    return label


def short_period_name(label: str, lang: str = "zh") -> str:
    """The period without its year, for a table whose title already names it: 第三季度, 上半年, 3月."""
    full = period_name(label, lang)
    m = _LABEL.match(label.strip())
    if lang != "zh" or m is None or m["n"] is None or m["day"] is not None:
        return full
    return full.removeprefix(_year(m["year"], bool(m["fy"]), lang))


def chinese_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 21 -> 二十一 (for 一、二、 and （一）（二） numbering, up to 99)."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


__all__ = ["chinese_number", "date_name", "period_name", "short_period_name"]
