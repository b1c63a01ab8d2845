"""Parse the dates ledgers really contain (2024年3月15日, 2024/3/15, 二〇二四年三月十五日, 下午2时30分…)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


class DateError(ValueError):
    """A date text that cannot be used; str(err) is the one-line reason."""


@dataclass(frozen=True, slots=True)
class When:
    day: dt.date
    minute: int | None  # minutes since midnight when a time is given


_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_DATE = re.compile(
    r"^([〇零○一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十廿]{1,4})[日号]"
)
_NUMERIC = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?!\d)")
_TIME = re.compile(
    r"^(?:T|\s)*(上午|早上|中午|下午|晚上|凌晨)?\s*(\d{1,2})\s*(?::|时|点)\s*(?:(\d{1,2})\s*(?::\s*(\d{1,2}))?\s*分?)?\s*$"
)
_RANGE = re.compile(r"(至|到|~|～|—|--|\d\s*-\s*\d{1,2}\s*[.月]\s*\d)")
_MAX_SHOWN = 40


def _shown(text: str) -> str:
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"


def _cn_number(text: str) -> int:
    """十二 -> 12, 二十一 -> 21, 三十 -> 30, 廿一 -> 21, 五 -> 5."""
    text = text.replace("廿", "二十")
    if "十" not in text:
        return _CN_DIGITS[text]
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def _imprecise(text: str) -> str | None:
    if re.search(r"[上中下]旬", text):
        return "only the ten-day part of the month is given; write a day"
    if re.search(r"(第?[一二三四1-4]季度|Q[1-4])", text, re.IGNORECASE):
        return "only the quarter is given; write a day"
    if re.search(r"[上下]半年", text):
        return "only the half year is given; write a day"
    if re.fullmatch(
        r"\d{4}\s*[-/.年]\s*\d{1,2}\s*月?|\d{4}\s*年|[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月", text
    ):
        return "no day given; write a full date"
    return None


def _time(rest: str, original: str) -> int | None:
    rest = rest.strip()
    if not rest:
        return None
    match = _TIME.match(rest)
    if not match:
        raise DateError(f"unparseable time in '{_shown(original)}'")
    part, hour, minute = match[1], int(match[2]), int(match[3] or 0)
    if part in ("下午", "晚上") and 1 <= hour <= 11:
        hour += 12
    if hour > 23 or minute > 59 or (match[4] is not None and int(match[4]) > 59):
        raise DateError(f"time out of range in '{_shown(original)}'")
    return hour * 60 + minute


def parse_when(text: str) -> When:
    """One date (optionally with a time) or a DateError saying why not."""
    original = text.strip()
    norm = unicodedata.normalize("NFKC", original).strip()
    if not norm:
        raise DateError("no date")
    if re.fullmatch(r"\d{5}(\.0)?", norm):
        raise DateError(
            f"'{_shown(original)}' looks like an Excel serial number, not a date; format the column as a date"
        )
    match = _NUMERIC.match(norm) or _COMPACT.match(norm)
    if match:
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    else:
        cn = _CN_DATE.match(norm)
        if cn is None:
            reason = _imprecise(norm)
            if reason:
                raise DateError(f"imprecise date '{_shown(original)}': {reason}")
            raise DateError(f"unparseable date '{_shown(original)}'")
        match = cn
        year = int("".join(str(_CN_DIGITS[c]) for c in cn[1]))
        month, day = _cn_number(cn[2]), _cn_number(cn[3])
    rest = norm[match.end() :]
    if _RANGE.match(rest.strip()) or re.match(r"^\s*[-~至到]\s*\d", rest):
        raise DateError(f"date range '{_shown(original)}': give one date per row")
    if not 1900 <= year <= 2100:
        raise DateError(f"unparseable date '{_shown(original)}': year out of range")
    try:
        day_value = dt.date(year, month, day)
    except ValueError:
        raise DateError(f"unparseable date '{_shown(original)}': no such day") from None
    return When(day_value, _time(rest, original))


def parse_when_column(values: pa.Array | pa.ChunkedArray) -> tuple[pa.Array, pa.Array, dict[int, str]]:
    """Vectorised parse: (date32, minute-of-day int32, {row index: reason}); blanks give nulls, no error."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if pa.types.is_date(values.type):
        return values.cast(pa.date32()), pa.nulls(len(values), pa.int32()), {}
    if pa.types.is_timestamp(values.type):
        minutes = pc.add(pc.multiply(pc.hour(values), 60), pc.minute(values)).cast(pa.int32())
        minutes = pc.if_else(pc.equal(minutes, 0), pa.scalar(None, pa.int32()), minutes)
        return values.cast(pa.date32()), minutes, {}
    encoded = values if pa.types.is_dictionary(values.type) else pc.dictionary_encode(values)
    distinct = encoded.dictionary.to_pylist()
    days: list[dt.date | None] = []
    minutes_of: list[int | None] = []
    reasons: list[str | None] = []
    for text in distinct:
        if text is None or not text.strip():
            days.append(None)
            minutes_of.append(None)
            reasons.append(None)
            continue
        try:
            when = parse_when(text)
        except DateError as err:
            days.append(None)
            minutes_of.append(None)
            reasons.append(str(err))
        else:
            days.append(when.day)
            minutes_of.append(when.minute)
            reasons.append(None)
    indices = encoded.indices
    date_array = pc.take(pa.array(days, type=pa.date32()), indices)
    minute_array = pc.take(pa.array(minutes_of, type=pa.int32()), indices)
    bad_codes = [i for i, r in enumerate(reasons) if r is not None]
    errors: dict[int, str] = {}
    if bad_codes:
        codes = indices.to_numpy(zero_copy_only=False)
        for row in np.flatnonzero(np.isin(codes, bad_codes)):
            errors[int(row)] = reasons[int(codes[row])]  # type: ignore[assignment]
    return date_array, minute_array, errors
