"""Parse the dates ledgers really contain (2024年3月15日, 2024/3/15, 二〇二四年三月十五日 下午2时30分…) or say why not.

Accepted, after NFKC (so full-width digits and punctuation count as ASCII):

* a day: ``2024-03-15``, ``2024-3-5``, ``2024/3/15``, ``2024.3.15`` (one separator throughout),
  ``2024年3月15日`` / ``号`` (the 日 may be left off), ``20240315`` (exactly 8 digits) and
  ``二〇二四年三月十五日``: Chinese year digit by digit (〇/零/○ for 0), month and day with 十/廿/卅
  (十二月, 二十一日, 廿一日, 三十日); Arabic and Chinese parts may be mixed.
* optionally a time after whitespace, ``T`` or straight after 日/号: ``14:30``, ``14:30:00``, ``9:05``,
  ``14时30分``, ``14点30分``, ``14点``, ``2点半``, Chinese numerals (``十四时``), with a period word in front.
  下午/傍晚/晚上/夜里/夜间 add 12 to hours 1-11; 中午 adds 12 to hours 1-5 (中午1点 is 13:00, 中午12点 is 12:00);
  凌晨/早上/早晨/清晨/上午 leave the hour alone, so 上午12点 stays 12:00, and 12 never changes with any period.
  A time span in one day (``14:30-16:30``, ``下午2点至4点``) gives its start.

Rejected with a reason quoting the text (trimmed, on one line, cut at 40 characters with '…'):
unreal days, years outside 1900-2100, out-of-range times, imprecise dates (旬, quarter, half year, month
or year only), date ranges and lists (``2024.3.15-3.16``, ``15日至16日``, ``15日、16日``), 5-digit Excel
serial numbers exported as text, and everything else. Each reason is a `Message` (code and
arguments, worded in both languages by checklist.text.catalogue: the `date.*` codes).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from checklist.text import Message, msg

MIN_YEAR, MAX_YEAR = 1900, 2100
_SHOWN_CHARS = 40
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


class DateError(ValueError):
    """A date text that cannot be used; `message` is the reason (a Message), str(err) its English, e.g.
    "unparseable date '2024-13-01': no such day" or
    "imprecise date '2024年3月上旬': only the ten-day part of the month is given; write a day"."""

    def __init__(self, message: Message) -> None:
        self.message = message
        super().__init__(message.text("en"))


@dataclass(frozen=True, slots=True)
class When:
    day: dt.date
    minute: int | None  # minutes since midnight when a time is given, else None


# ---------------------------------------------------------------- grammar

# ○ (a drawn circle) is what many IMEs give when people mean the Chinese zero.
_ZEROS = "〇零○"
_CN_DIGITS = {**dict.fromkeys(_ZEROS, 0), **{c: i for i, c in enumerate("一二三四五六七八九", start=1)}}
_CN_YEAR = f"[{_ZEROS}一二三四五六七八九]{{4}}"
_CN_NUM = f"[{_ZEROS}一二三四五六七八九十廿卅]{{1,3}}"
# Hyphen, en and em dash, tilde (also the full-width one, after NFKC), wave dash, 至/到: "from … to …".
_TO = "(?:[-\u2013\u2014~\u301c至到]|--)"
_YEAR = rf"(?P<y>\d{{4}}|{_CN_YEAR})"

# The backreference keeps one separator throughout, so "2024-3/15" is not a date; (?!\d) stops a
# longer number such as 2024-03-150 from matching as the 15th.
_SEP_DATE = re.compile(r"(?P<y>\d{4})\s*(?P<sep>[-/.])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<d>\d{1,2})(?!\d)")
_HAN_DATE = re.compile(
    rf"{_YEAR}\s*年\s*(?P<m>\d{{1,2}}|{_CN_NUM})\s*月\s*(?P<d>\d{{1,2}}|{_CN_NUM})(?!\d)(?:\s*(?P<unit>[日号]))?"
)
_COMPACT = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?!\d)")
_DATE_FORMS = (_SEP_DATE, _HAN_DATE, _COMPACT)

# What follows a day when a second day is given: 至16日, -3.16, ~2024-03-16, 、16日, /2024-03-16.
_RANGE_REST = re.compile(rf"\s*(?:{_TO}|[/、,])\s*[\d{_ZEROS}一二三四五六七八九十廿卅]")

_WEEKDAYS = {c: i for i, c in enumerate("一二三四五六日")} | {"天": 6}  # 周日 and 周天 are both Sunday
_WEEKDAY = re.compile(r"\s*\(?\s*(?:周|星期|礼拜)(?P<w>[一二三四五六日天])\s*\)?")
_PERIOD = "凌晨|早上|早晨|清晨|上午|中午|下午|傍晚|晚上|夜里|夜间"
_CLOCK = re.compile(
    rf"(?P<period>{_PERIOD})?\s*(?:"
    r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?"
    rf"|(?P<ch>\d{{1,2}}|{_CN_NUM})\s*[时点](?:\s*(?:(?P<half>半)|(?P<cm>\d{{1,2}}|{_CN_NUM})\s*分?"
    rf"(?:\s*(?P<cs>\d{{1,2}}|{_CN_NUM})\s*秒)?))?"
    r")"
)
# What a time would contain: text after a day without any of it (a weekday, a note) is not a time.
_TIMEISH = re.compile(rf"[\d:时点分]|{_PERIOD}")
_CLOCK_SPAN = re.compile(rf"(?P<start>.+?)\s*{_TO}\s*(?P<end>.+)")
_PM_PERIODS = frozenset({"下午", "傍晚", "晚上", "夜里", "夜间"})

_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")
_MONTH_ONLY = re.compile(
    rf"{_YEAR}\s*[-/.年]\s*(?:\d{{1,2}}|{_CN_NUM})\s*(?:月份?)?|(?:19\d\d|20\d\d|2100)(?:0[1-9]|1[0-2])"
)
_YEAR_ONLY = re.compile(rf"{_YEAR}\s*(?:年度?)?")
# (pattern searched anywhere, why it is not a day); the first that matches is the reason given.
_IMPRECISE = (
    (re.compile(r"[上中下]旬"), "date.ten_days"),
    (re.compile(r"第?[一二三四1-4]季度?|[Qq][1-4]"), "date.quarter"),
    (re.compile(r"[上下]半年"), "date.half_year"),
    (re.compile(r"[年月](?:初|中|底|末)"), "date.no_day"),
)

# Fixed-width ISO, the shape exports write most, is read for a whole column at once as a matrix of
# bytes: 'd' a digit, '_' a space or T, anything else itself. Texts are 10, 16 or 19 bytes long.
_ISO_SHAPE = "dddd-dd-dd_dd:dd:dd"
_ISO_WIDTHS = (10, 16, 19)


# ---------------------------------------------------------------- one text


def parse_when(text: str) -> When:
    """One date, optionally with a time, or a DateError whose text says why not."""
    shown = _shown(text)
    norm = unicodedata.normalize("NFKC", text).strip()
    if not norm:
        raise DateError(msg("row.no_date"))
    match = _date_match(norm)
    if match is None:
        raise DateError(_not_a_date(norm, shown))
    rest = norm[match.end() :]
    if _RANGE_REST.match(rest):
        raise DateError(msg("date.range", text=shown))
    day = _day(match, shown)
    weekday = _WEEKDAY.match(rest)
    if weekday:  # 2024年3月15日(周五): clerks note the weekday; a wrong one means a wrong date
        if _WEEKDAYS[weekday["w"]] != day.weekday():
            raise DateError(msg("date.weekday", text=shown, weekday=msg(f"weekday.{day.weekday()}")))
        rest = rest[weekday.end() :]
    return When(day, _minute(rest, after_unit=bool(match.groupdict().get("unit")), shown=shown))


def _shown(text: str) -> str:
    """The text as quoted in a reason: trimmed, on one line (cells can hold Alt+Enter breaks), short."""
    one_line = " ".join(part.strip() for part in text.strip().splitlines())
    return one_line if len(one_line) <= _SHOWN_CHARS else one_line[:_SHOWN_CHARS] + "…"


def _date_match(norm: str) -> re.Match[str] | None:
    for form in _DATE_FORMS:
        match = form.match(norm)
        if match:
            return match
    return None


def _not_a_date(norm: str, shown: str) -> Message:
    """The reason for a text with no full day in it: the most specific one we can give."""
    if _SERIAL.fullmatch(norm):
        return msg("date.serial", text=shown)
    for pattern, code in _IMPRECISE:
        if pattern.search(norm):
            return msg(code, text=shown)
    if _MONTH_ONLY.fullmatch(norm) or _YEAR_ONLY.fullmatch(norm):
        return msg("date.no_day", text=shown)
    return msg("date.unparseable", text=shown)


def _day(match: re.Match[str], shown: str) -> dt.date:
    year, month, day = _cn_year(match["y"]), _cn_int(match["m"]), _cn_int(match["d"])
    if month is None or day is None:
        raise DateError(msg("date.unparseable", text=shown))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DateError(msg("date.year_range", text=shown))
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateError(msg("date.no_such_day", text=shown)) from None


def _cn_year(text: str) -> int:
    """2024 or 二〇二四 (years are written digit by digit)."""
    return int(text) if text.isdecimal() else int("".join(str(_CN_DIGITS[c]) for c in text))


def _cn_int(text: str | None) -> int | None:
    """15, 五, 十, 十二, 二十一, 三十, 廿一, 卅一, 零五 -> the number; None for anything else."""
    if not text:
        return None
    if text.isdecimal():  # \d in the patterns: any decimal digits, which int() reads
        return int(text)
    text = text.replace("廿", "二十").replace("卅", "三十")
    if len(text) == 1 and text != "十":
        return _CN_DIGITS.get(text)
    if text[0] in _ZEROS and len(text) == 2:
        return _CN_DIGITS.get(text[1])
    tens, sep, ones = text.partition("十")
    if not sep or len(tens) > 1 or len(ones) > 1 or not {tens, ones} <= {"", *_CN_DIGITS}:
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def _minute(rest: str, *, after_unit: bool, shown: str) -> int | None:
    """The time after the day, if any; straight after 日/号 no separator is needed."""
    if not rest.strip():
        return None
    if not (after_unit or rest[0].isspace() or rest[0] in "Tt"):
        raise DateError(msg("date.unparseable", text=shown))
    clock = rest.strip()
    if clock[0] in "Tt":
        clock = clock[1:].lstrip()
    times = _clock_times(clock)
    if times is None:
        raise DateError(msg("date.bad_time" if _TIMEISH.search(clock) else "date.unparseable", text=shown))
    if not all(h <= 23 and m <= 59 and s <= 59 for h, m, s in times):
        raise DateError(msg("date.time_range", text=shown))
    hour, minute, _second = times[0]
    return hour * 60 + minute


def _clock_times(text: str) -> list[tuple[int, int, int]] | None:
    """[(hour, minute, second)] for one time, [start, end] for a span within the day; None if neither."""
    single = _clock(text)
    if single is not None:
        return [single]
    span = _CLOCK_SPAN.fullmatch(text)
    if span is None:
        return None
    start, end = _clock(span["start"]), _clock(span["end"])
    return None if start is None or end is None else [start, end]


def _clock(text: str) -> tuple[int, int, int] | None:
    found = _CLOCK.fullmatch(text)
    if found is None:
        return None
    if found["h"] is not None:
        return _with_period(found["period"], int(found["h"])), int(found["mi"]), int(found["s"] or 0)
    hour, second = _cn_int(found["ch"]), _cn_int(found["cs"] or "0")
    minute = 30 if found["half"] else _cn_int(found["cm"] or "0")
    if hour is None or minute is None or second is None:
        return None  # a Chinese numeral that is not a number (十十, 二二)
    return _with_period(found["period"], hour), minute, second


def _with_period(period: str | None, hour: int) -> int:
    if period in _PM_PERIODS and 1 <= hour <= 11:
        return hour + 12
    if period == "中午" and 1 <= hour <= 5:
        return hour + 12
    return hour


# ---------------------------------------------------------------- a column


def parse_when_column(values: pa.Array | pa.ChunkedArray) -> tuple[pa.Array, pa.Array, dict[int, Message]]:
    """Vectorised: (date32 array, int32 minute-of-day array, {row index: reason} for every non-null,
    non-blank value that failed). Null or blank inputs give null date and minute and no error entry.

    Text, plain or dictionary-encoded, is parsed once per distinct value: fixed-width ISO in numpy,
    the rest with `parse_when`. Typed Excel cells pass through: date32/date64 with a null minute,
    timestamps with hour*60+minute, or a null minute when the time is exactly 00:00:00 (a date-only
    cell). Other types (numbers) are read as their text, so 45366 is reported as a serial number.
    """
    array = _one_array(values)
    kind = array.type
    if pa.types.is_dictionary(kind):
        if _is_text(kind.value_type):
            return _parse_values(array.dictionary).spread(_codes(array.indices, len(array.dictionary))).arrays()
        array, kind = array.dictionary_decode(), kind.value_type
    if pa.types.is_null(kind):
        return pa.nulls(len(array), pa.date32()), pa.nulls(len(array), pa.int32()), {}
    if pa.types.is_date(kind):
        return array.cast(pa.date32()), pa.nulls(len(array), pa.int32()), {}
    if pa.types.is_timestamp(kind):
        return _from_timestamps(array)
    if not _is_text(kind):
        array = array.cast(pa.large_string() if pa.types.is_string_view(kind) else pa.string())
    return _parse_rows(array).arrays()


def _one_array(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    if not isinstance(values, pa.ChunkedArray):
        return values
    if values.num_chunks == 0:
        return pa.array([], type=values.type)
    if pa.types.is_dictionary(values.type):
        values = values.unify_dictionaries()
    return values.combine_chunks()


def _is_text(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


def _from_timestamps(array: pa.Array) -> tuple[pa.Array, pa.Array, dict[int, Message]]:
    # The wall-clock day and time where the cell was written, not UTC.
    if array.type.tz is not None:
        array = pc.local_timestamp(array)
    minutes = pc.add(pc.multiply(pc.hour(array), 60), pc.minute(array)).cast(pa.int32())
    midnight = pc.equal(pc.floor_temporal(array, unit="day"), array)
    minutes = pc.if_else(midnight, pa.scalar(None, pa.int32()), minutes)
    return pc.cast(array, pa.date32(), safe=False), minutes, {}


def _codes(indices: pa.Array, size: int) -> np.ndarray:
    """Dictionary indices as int64, null rows pointing at the extra slot `size`."""
    return indices.cast(pa.int64()).fill_null(size).to_numpy()


@dataclass(slots=True)
class _Parsed:
    """Results for a sequence of texts (rows or distinct values); minutes are -1 where no time is given."""

    days: np.ndarray  # int32 days since 1970-01-01, valid where ok
    minutes: np.ndarray  # int32
    ok: np.ndarray  # bool
    reasons: dict[int, Message]

    @classmethod
    def empty(cls, size: int) -> _Parsed:
        return cls(np.zeros(size, np.int32), np.full(size, -1, np.int32), np.zeros(size, bool), {})

    def put(self, at: np.ndarray, days: np.ndarray, minutes: np.ndarray) -> None:
        self.days[at], self.minutes[at], self.ok[at] = days, minutes, True

    def spread(self, codes: np.ndarray) -> _Parsed:
        """Per-row results from per-value ones; a code equal to the number of values is a null row."""
        size = len(self.ok)
        rows = _Parsed(_pick(self.days, codes, 0), _pick(self.minutes, codes, -1), _pick(self.ok, codes, False), {})
        if self.reasons:
            failed = np.zeros(size + 1, bool)
            failed[list(self.reasons)] = True
            at = np.flatnonzero(failed[codes])
            rows.reasons = dict(zip(at.tolist(), map(self.reasons.__getitem__, codes[at].tolist()), strict=True))
        return rows

    def arrays(self) -> tuple[pa.Array, pa.Array, dict[int, Message]]:
        days = pa.array(self.days, mask=~self.ok).view(pa.date32())
        return days, pa.array(self.minutes, mask=self.minutes < 0), self.reasons


def _pick(values: np.ndarray, codes: np.ndarray, missing: object) -> np.ndarray:
    """values[codes], where the code len(values) gives `missing`."""
    return np.concatenate([values, np.array([missing], values.dtype)])[codes]


def _parse_rows(texts: pa.Array) -> _Parsed:
    """A plain text column: ISO rows straight away, the others once per distinct value."""
    parsed = _Parsed.empty(len(texts))
    parsed.put(*_iso(texts))
    rest = np.flatnonzero(~parsed.ok & texts.is_valid().to_numpy(zero_copy_only=False))
    if not len(rest):
        return parsed
    encoded = pc.dictionary_encode(texts.take(pa.array(rest)))
    values = _parse_values(encoded.dictionary).spread(encoded.indices.cast(pa.int64()).to_numpy())
    parsed.put(rest[values.ok], values.days[values.ok], values.minutes[values.ok])
    parsed.reasons = {int(rest[i]): reason for i, reason in values.reasons.items()}
    return parsed


def _parse_values(texts: pa.Array) -> _Parsed:
    """Distinct texts: ISO ones in numpy, each other non-blank one with `parse_when`."""
    parsed = _Parsed.empty(len(texts))
    parsed.put(*_iso(texts))
    slow = np.flatnonzero(~parsed.ok)
    for i, text in zip(slow.tolist(), texts.take(pa.array(slow)).to_pylist(), strict=True):
        if text is None or not text.strip():
            continue
        try:
            when = parse_when(text)
        except DateError as err:
            parsed.reasons[i] = err.message
            continue
        parsed.days[i], parsed.ok[i] = when.day.toordinal() - _EPOCH_ORDINAL, True
        parsed.minutes[i] = -1 if when.minute is None else when.minute
    return parsed


def _iso(texts: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(positions, days since 1970, minute or -1) of the texts that are valid fixed-width ISO.

    Malformed or unreal ones (2024-02-30, 25:00, 1899-…) are left out for `parse_when` to word the reason.
    """
    widths = pc.binary_length(texts).fill_null(0).to_numpy()
    found = [_iso_of_width(texts, np.flatnonzero(widths == width), width) for width in _ISO_WIDTHS]
    at, days, minutes = (np.concatenate(parts) for parts in zip(*found, strict=True))
    return at, days, minutes


def _iso_of_width(texts: pa.Array, at: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if not len(at):
        return at, np.zeros(0, np.int32), np.zeros(0, np.int32)
    # One contiguous row per character position: numpy is slow along short rows, fast along long ones.
    chars = np.ascontiguousarray(_byte_matrix(texts if len(at) == len(texts) else texts.take(pa.array(at)), width).T)
    digits = chars - np.uint8(ord("0"))  # wraps round for non-digits, so a digit is exactly <= 9
    good = _has_shape(chars, digits, _ISO_SHAPE[:width])
    days, real = _calendar_days(_field(digits, 0, 4), _field(digits, 5, 7), _field(digits, 8, 10))
    good &= real
    minutes = np.full(len(at), -1, np.int32)
    if width > len("2024-03-15"):
        hour, minute = _field(digits, 11, 13), _field(digits, 14, 16)
        second = _field(digits, 17, 19) if width == len(_ISO_SHAPE) else 0
        good &= (hour <= 23) & (minute <= 59) & (second <= 59)
        minutes = hour * 60 + minute
    return at[good], days[good], minutes[good]


def _byte_matrix(texts: pa.Array, width: int) -> np.ndarray:
    """The bytes of texts that are all `width` bytes long, one row each: their data is contiguous."""
    offsets, data = texts.buffers()[1:3]
    offset_type = np.int64 if pa.types.is_large_string(texts.type) else np.int32
    first = int(np.frombuffer(offsets, offset_type)[texts.offset])
    return np.frombuffer(data, np.uint8)[first : first + len(texts) * width].reshape(len(texts), width)


def _has_shape(chars: np.ndarray, digits: np.ndarray, shape: str) -> np.ndarray:
    """Texts (one per column) matching a prefix of _ISO_SHAPE."""
    good = np.ones(chars.shape[1], bool)
    for i, want in enumerate(shape):
        if want == "d":
            good &= digits[i] <= 9
        elif want == "_":
            good &= (chars[i] == ord(" ")) | (chars[i] == ord("T"))
        else:
            good &= chars[i] == ord(want)
    return good


def _field(digits: np.ndarray, start: int, stop: int) -> np.ndarray:
    value = np.zeros(digits.shape[1], np.int32)
    for i in range(start, stop):
        value = value * 10 + digits[i]
    return value


# Days since 1970 on the first of every month from MIN_YEAR-01 to (MAX_YEAR+1)-01: a look-up is
# much faster than calendar arithmetic (or numpy's datetime64) over a million rows.
_MONTH_STARTS = np.array(
    [
        dt.date(year, month, 1).toordinal() - _EPOCH_ORDINAL
        for year in range(MIN_YEAR, MAX_YEAR + 1)
        for month in range(1, 13)
    ]
    + [dt.date(MAX_YEAR + 1, 1, 1).toordinal() - _EPOCH_ORDINAL],
    np.int32,
)


def _calendar_days(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Days since 1970-01-01, and whether each is a real day in a year from MIN_YEAR to MAX_YEAR."""
    real = (year >= MIN_YEAR) & (year <= MAX_YEAR) & (month >= 1) & (month <= 12) & (day >= 1)
    index = np.where(real, (year - MIN_YEAR) * 12 + month - 1, 0)
    first = _MONTH_STARTS[index]
    real &= day <= _MONTH_STARTS[index + 1] - first
    return first + day - 1, real
