"""Dates as ledgers write them: every accepted form to its day and minute, every rejected one with its reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given
from hypothesis import strategies as st

from checklist.ledger.dates import DateError, When, parse_when, parse_when_column

D = dt.date

# (id, text, day, minute of the day or None) — minutes worked out by hand: 14:30 is 14*60+30 = 870.
ACCEPTED = [
    ("iso", "2024-03-15", D(2024, 3, 15), None),
    ("dash-unpadded", "2024-3-5", D(2024, 3, 5), None),
    ("slash", "2024/3/15", D(2024, 3, 15), None),
    ("dot", "2024.3.15", D(2024, 3, 15), None),
    ("nian-yue-ri", "2024年3月15日", D(2024, 3, 15), None),
    ("nian-yue-hao", "2024年3月15号", D(2024, 3, 15), None),
    ("nian-yue-without-ri", "2024年3月15", D(2024, 3, 15), None),
    ("nian-yue-ri-padded", "2024年03月05日", D(2024, 3, 5), None),
    ("nian-yue-ri-spaced", "2024 年 3 月 15 日", D(2024, 3, 15), None),
    ("compact-8-digits", "20240315", D(2024, 3, 15), None),
    ("surrounding-whitespace", "  2024-03-15\t", D(2024, 3, 15), None),
    ("chinese", "二〇二四年三月十五日", D(2024, 3, 15), None),
    ("chinese-ling", "二零二三年一月五日", D(2023, 1, 5), None),
    ("chinese-shi", "二〇二四年三月十日", D(2024, 3, 10), None),
    ("chinese-shi-er-yue", "二〇二四年十二月二十一日", D(2024, 12, 21), None),
    ("chinese-san-shi", "二〇二四年十月三十日", D(2024, 10, 30), None),
    ("chinese-nian", "二〇二四年一月廿一日", D(2024, 1, 21), None),
    ("chinese-hao", "二〇二四年六月二十八号", D(2024, 6, 28), None),
    ("chinese-year-arabic-month", "二〇二四年2月5日", D(2024, 2, 5), None),
    ("arabic-year-chinese-day", "2024年3月十日", D(2024, 3, 10), None),
    ("leap-day", "2024-02-29", D(2024, 2, 29), None),
    ("leap-day-2000", "2000年2月29日", D(2000, 2, 29), None),
    ("dec-31", "2024-12-31", D(2024, 12, 31), None),
    ("dec-31-chinese", "二〇二四年十二月三十一日", D(2024, 12, 31), None),
    ("first-year", "1900-01-01", D(1900, 1, 1), None),
    ("last-year", "2100/12/31", D(2100, 12, 31), None),
    ("full-width-slash", "２０２４／３／１５", D(2024, 3, 15), None),
    ("full-width-iso-time", "２０２４－０３－１５　１４：３０", D(2024, 3, 15), 870),
    ("full-width-nian", "２０２４年３月１５日", D(2024, 3, 15), None),
    ("time-hh-mm", "2024-03-15 14:30", D(2024, 3, 15), 870),
    ("time-hh-mm-ss", "2024-03-15 14:30:00", D(2024, 3, 15), 870),
    ("time-h-mm", "2024-03-15 9:05", D(2024, 3, 15), 9 * 60 + 5),
    ("time-midnight-given", "2024-03-15 00:00", D(2024, 3, 15), 0),
    ("time-after-slash-date", "2024/11/12 14:30", D(2024, 11, 12), 870),
    ("time-after-compact", "20240315 14:30", D(2024, 3, 15), 870),
    ("time-iso-t", "2024-03-15T14:30:00", D(2024, 3, 15), 870),
    ("time-iso-t-no-seconds", "2024-03-15T14:30", D(2024, 3, 15), 870),
    ("time-fraction-of-second", "2024-03-15 14:30:00.000", D(2024, 3, 15), 870),
    ("shi-fen-after-ri", "2024年3月15日14时30分", D(2024, 3, 15), 870),
    ("dian-fen-spaced", "2024年3月15日 14点30分", D(2024, 3, 15), 870),
    ("dian-only", "2024年3月15日14点", D(2024, 3, 15), 14 * 60),
    ("dian-ban", "2024年3月15日下午2点半", D(2024, 3, 15), 870),
    ("afternoon-shi-fen", "2024年3月15日下午2时30分", D(2024, 3, 15), 870),
    ("afternoon-dian", "2024年3月15日下午2点", D(2024, 3, 15), 14 * 60),
    ("afternoon-3-shi", "2024年8月5日下午3时", D(2024, 8, 5), 15 * 60),
    ("morning-shi", "2024年3月15日上午9时", D(2024, 3, 15), 9 * 60),
    ("evening-dian", "2024年3月15日晚上8点", D(2024, 3, 15), 20 * 60),
    ("noon-12", "2024年3月15日中午12点", D(2024, 3, 15), 12 * 60),
    ("noon-1-is-13", "2024年3月15日中午1点", D(2024, 3, 15), 13 * 60),
    ("morning-12-stays-12", "2024年3月15日上午12点", D(2024, 3, 15), 12 * 60),
    ("afternoon-24-hour-kept", "2024年3月15日下午14点", D(2024, 3, 15), 14 * 60),
    ("afternoon-colon", "2024-03-15 下午2:30", D(2024, 3, 15), 870),
    ("chinese-numeral-time", "2024年3月15日十四点零五分", D(2024, 3, 15), 14 * 60 + 5),
    ("chinese-date-and-time", "二〇二四年三月十五日下午三时", D(2024, 3, 15), 15 * 60),
    ("time-span-gives-start", "2024-03-15 14:30-16:30", D(2024, 3, 15), 870),
    ("time-span-chinese", "2024年3月15日下午2点至4点", D(2024, 3, 15), 14 * 60),
]

# (id, text, a fragment of the reason)
REJECTED = [
    ("month-13", "2024-13-01", "unparseable date '2024-13-01': no such day"),
    ("month-0", "2024-00-10", "unparseable date '2024-00-10': no such day"),
    ("feb-29-non-leap", "2023-02-29", "unparseable date '2023-02-29': no such day"),
    ("feb-29-1900", "1900-02-29", "unparseable date '1900-02-29': no such day"),
    ("feb-30-nian", "2024年2月30日", "unparseable date '2024年2月30日': no such day"),
    ("apr-31", "2024/4/31", "unparseable date '2024/4/31': no such day"),
    ("day-0", "20240300", "unparseable date '20240300': no such day"),
    ("year-1899", "1899-12-31", "unparseable date '1899-12-31': year out of range"),
    ("year-2101", "2101年1月1日", "unparseable date '2101年1月1日': year out of range"),
    ("hour-24", "2024-03-15 24:00", "time out of range in '2024-03-15 24:00'"),
    ("minute-60", "2024-03-15T14:60:00", "time out of range in '2024-03-15T14:60:00'"),
    ("hour-25-chinese", "2024年3月15日25点", "time out of range in '2024年3月15日25点'"),
    ("period-without-hour", "2024年3月15日下午", "unparseable time in '2024年3月15日下午'"),
    ("xun-shang", "2024年3月上旬", "imprecise date '2024年3月上旬': only the ten-day part of the month is given"),
    ("xun-zhong", "2024年3月中旬", "only the ten-day part of the month is given"),
    ("xun-xia", "2024年3月下旬", "only the ten-day part of the month is given"),
    ("month-only-nian", "2024年3月", "imprecise date '2024年3月': no day given"),
    ("month-only-dash", "2024-03", "imprecise date '2024-03': no day given"),
    ("month-only-slash", "2024/3", "no day given"),
    ("month-only-chinese", "二〇二四年三月", "no day given"),
    ("month-end", "2024年3月底", "no day given"),
    ("year-only-nian", "2024年", "imprecise date '2024年': no day given"),
    ("year-only-digits", "2024", "no day given"),
    ("quarter-di-yi", "2024年第一季度", "imprecise date '2024年第一季度': only the quarter is given"),
    ("quarter-yi", "2024年一季度", "only the quarter is given"),
    ("quarter-q", "2024Q3", "only the quarter is given"),
    ("half-year-upper", "2024年上半年", "imprecise date '2024年上半年': only the half year is given"),
    ("half-year-lower", "2024年下半年", "only the half year is given"),
    ("excel-serial", "45366", "'45366' looks like an Excel serial number, not a date; format the column as a date"),
    ("excel-serial-with-time", "45366.5", "looks like an Excel serial number"),
    ("range-dots", "2024.3.15-3.16", "date range '2024.3.15-3.16': give one date per row"),
    ("range-zhi", "2024年3月15日至16日", "date range '2024年3月15日至16日'"),
    ("range-dao-chinese", "二〇二四年三月十五日到十六日", "date range"),
    ("range-day-part", "2024年3月15-16日", "date range"),
    ("range-tilde-iso", "2024-03-15~2024-03-16", "date range"),
    ("range-em-dash", "2024/3/15—3/16", "date range"),
    ("list-dun-hao", "2024年3月15日、16日", "date range"),
    ("no-year", "3月15日", "unparseable date '3月15日'"),
    ("day-first", "15/03/2024", "unparseable date '15/03/2024'"),
    ("mixed-separators", "2024-3/15", "unparseable date '2024-3/15'"),
    ("glued-text", "2024-03-15abc", "unparseable date '2024-03-15abc'"),
    ("trailing-note", "2024年3月15日(补录)", "unparseable date '2024年3月15日(补录)'"),
    ("nine-digits", "202403150", "unparseable date '202403150'"),
    ("word", "hello", "unparseable date 'hello'"),
    ("long-text-cut", "x" * 60, "unparseable date '" + "x" * 40 + "…'"),
    ("trimmed-in-reason", "  hello  ", "unparseable date 'hello'"),
    ("line-break-flattened", "2024年3月15日\n下午", "unparseable time in '2024年3月15日 下午'"),
    ("full-width-quoted-as-written", "２０２４－１３－０１", "unparseable date '２０２４－１３－０１': no such day"),
    ("blank", "   ", "no date"),
]


@pytest.mark.parametrize(("text", "day", "minute"), [case[1:] for case in ACCEPTED], ids=[c[0] for c in ACCEPTED])
def test_accepted_forms(text: str, day: dt.date, minute: int | None) -> None:
    assert parse_when(text) == When(day, minute)


@pytest.mark.parametrize(("text", "fragment"), [case[1:] for case in REJECTED], ids=[c[0] for c in REJECTED])
def test_rejected_forms_say_why(text: str, fragment: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_when(text)
    reason = str(caught.value)
    assert fragment in reason
    assert "\n" not in reason


def test_a_date_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unparseable date"):
        parse_when("not a date")


# ---------------------------------------------------------------- the column


MIXED = [
    "2024-03-15",
    None,
    "",
    "   ",
    "2024年3月15日下午2时30分",
    "2024-13-01",
    "2024-03-15 09:30",
    "45366",
    "2024年3月上旬",
    "2024-03-15",
    "二〇二四年六月二十八日",
    "2024-02-30",
    "  2024/3/5 ",
]
MIXED_DAYS = [D(2024, 3, 15), None, None, None, D(2024, 3, 15), None, D(2024, 3, 15)]
MIXED_DAYS += [None, None, D(2024, 3, 15), D(2024, 6, 28), None, D(2024, 3, 5)]
MIXED_MINUTES = [None, None, None, None, 870, None, 9 * 60 + 30, None, None, None, None, None, None]
MIXED_ERRORS = {
    5: "unparseable date '2024-13-01': no such day",
    7: "'45366' looks like an Excel serial number, not a date; format the column as a date",
    8: "imprecise date '2024年3月上旬': only the ten-day part of the month is given; write a day",
    11: "unparseable date '2024-02-30': no such day",
}

SHAPES: dict[str, Callable[[list[str | None]], pa.Array | pa.ChunkedArray]] = {
    "string": lambda values: pa.array(values, pa.string()),
    "large-string": lambda values: pa.array(values, pa.large_string()),
    "dictionary": lambda values: pc.dictionary_encode(pa.array(values)),
    "chunked": lambda values: pa.chunked_array([values[:5], values[5:]], pa.string()),
    "chunked-dictionary": lambda values: pa.chunked_array(
        [pc.dictionary_encode(pa.array(values[:6])), pc.dictionary_encode(pa.array(values[6:]))]
    ),
    "sliced": lambda values: pa.array(["2024-01-01", *values])[1:],
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_column_of_mixed_text(shape: str) -> None:
    days, minutes, errors = parse_when_column(SHAPES[shape](MIXED))
    assert days.type == pa.date32()
    assert minutes.type == pa.int32()
    assert days.to_pylist() == MIXED_DAYS
    assert minutes.to_pylist() == MIXED_MINUTES
    assert {row: reason.text("en") for row, reason in errors.items()} == MIXED_ERRORS


CASES = [case[1] for case in ACCEPTED] + [case[1] for case in REJECTED]
CASES += ["2024-02-30 10:00", "2024-03-15 24:00:00", "2101-01-01", "2024-03-15T14:60", "2024-03-15 14:30:61"]


def test_column_agrees_with_parse_when() -> None:
    """The column reads fixed-width ISO without parse_when; both must give the same answer."""
    days, minutes, errors = parse_when_column(pa.array(CASES))
    for row, text in enumerate(CASES):
        try:
            when = parse_when(text)
        except DateError as err:
            blank = not text.strip()
            assert (days[row].as_py(), minutes[row].as_py(), errors.get(row)) == (  # the same Message
                None,
                None,
                None if blank else err.message,
            ), text
        else:
            assert (days[row].as_py(), minutes[row].as_py(), row in errors) == (when.day, when.minute, False), text


def test_date32_column_passes_through() -> None:
    days, minutes, errors = parse_when_column(pa.array([D(2024, 3, 15), None, D(2024, 12, 31)], pa.date32()))
    assert days.to_pylist() == [D(2024, 3, 15), None, D(2024, 12, 31)]
    assert minutes.to_pylist() == [None, None, None]
    assert errors == {}


def test_timestamp_column_gives_minutes_except_at_midnight() -> None:
    stamps = [dt.datetime(2024, 3, 15, 14, 30), dt.datetime(2024, 3, 16), dt.datetime(2024, 3, 17, 0, 0, 30), None]
    days, minutes, errors = parse_when_column(pa.array(stamps, pa.timestamp("us")))
    assert days.to_pylist() == [D(2024, 3, 15), D(2024, 3, 16), D(2024, 3, 17), None]
    assert minutes.to_pylist() == [870, None, 0, None]
    assert errors == {}


def test_zoned_timestamps_give_the_local_day_and_time() -> None:
    utc = pa.array([dt.datetime(2024, 3, 14, 18, 30)], pa.timestamp("s", tz="UTC"))
    days, minutes, _errors = parse_when_column(utc.cast(pa.timestamp("s", tz="Asia/Shanghai")))
    assert (days.to_pylist(), minutes.to_pylist()) == ([D(2024, 3, 15)], [2 * 60 + 30])


def test_numbers_are_read_as_text() -> None:
    days, _minutes, errors = parse_when_column(pa.array([45366, 20240315, None]))
    assert days.to_pylist() == [None, D(2024, 3, 15), None]
    assert {row: reason.text("en") for row, reason in errors.items()} == {
        0: "'45366' looks like an Excel serial number, not a date; format the column as a date"
    }
    assert errors[0].text("zh") == "“45366”是 Excel 日期序号而非日期，请将该列设为日期格式"


def test_empty_and_all_null_columns() -> None:
    for values in (pa.array([], pa.string()), pa.array([None, None]), pa.chunked_array([], pa.string())):
        days, minutes, errors = parse_when_column(values)
        assert days.to_pylist() == minutes.to_pylist() == [None] * len(values)
        assert errors == {}


# ---------------------------------------------------------------- property

CN_DIGITS = "〇一二三四五六七八九"


def cn_number(n: int) -> str:
    """1..31 as written in a date: 五, 十, 十二, 二十, 二十一, 三十一."""
    tens, ones = divmod(n, 10)
    return (CN_DIGITS[tens] if tens > 1 else "") + ("十" if tens else "") + (CN_DIGITS[ones] if ones else "")


def cn_date(d: dt.date) -> str:
    return "".join(CN_DIGITS[int(c)] for c in str(d.year)) + f"年{cn_number(d.month)}月{cn_number(d.day)}日"


def full_width(text: str) -> str:
    return text.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})


FORMATS: dict[str, Callable[[dt.date], str]] = {
    "iso": lambda d: d.isoformat(),
    "dash": lambda d: f"{d.year}-{d.month}-{d.day}",
    "slash": lambda d: f"{d.year}/{d.month}/{d.day}",
    "dot": lambda d: f"{d.year}.{d.month}.{d.day}",
    "nian-ri": lambda d: f"{d.year}年{d.month}月{d.day}日",
    "nian-hao": lambda d: f"{d.year}年{d.month}月{d.day}号",
    "nian-padded": lambda d: f"{d.year}年{d.month:02d}月{d.day:02d}日",
    "compact": lambda d: f"{d.year}{d.month:02d}{d.day:02d}",
    "chinese": cn_date,
    "full-width": lambda d: full_width(f"{d.year}/{d.month}/{d.day}"),
}
# (format of a time after the date, hour, minute) -> text; None: no time
TIMES: dict[str, Callable[[int, int], str]] = {
    "colon": lambda h, m: f" {h:02d}:{m:02d}",
    "colon-seconds": lambda h, m: f"T{h:02d}:{m:02d}:00",
    "shi-fen": lambda h, m: f" {h}时{m}分",
    "dian-fen": lambda h, m: f" {h}点{m}分",
}


@given(
    day=st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31)),
    form=st.sampled_from(sorted(FORMATS)),
    time=st.none() | st.tuples(st.sampled_from(sorted(TIMES)), st.integers(0, 23), st.integers(0, 59)),
)
def test_every_format_of_every_day_reads_back(day: dt.date, form: str, time: tuple[str, int, int] | None) -> None:
    text = FORMATS[form](day) + (TIMES[time[0]](time[1], time[2]) if time else "")
    when = parse_when(text)
    assert when.day == day
    assert when.minute == (None if time is None else time[1] * 60 + time[2])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024年3月15日(周五)", D(2024, 3, 15)),  # 2024-03-15 was a Friday
        ("2024年3月15日（星期五）", D(2024, 3, 15)),
        ("2024-03-17 周日", D(2024, 3, 17)),
        ("2024-03-17 星期天", D(2024, 3, 17)),
    ],
)
def test_a_weekday_note_is_accepted_when_it_matches(text, expected):
    assert parse_when(text).day == expected


def test_a_wrong_weekday_means_a_wrong_date():
    # The English reason names the day in English (no Chinese beyond the quoted cell), the Chinese one as 周五
    with pytest.raises(
        DateError, match=r"^weekday in '2024年3月15日\(周一\)' does not match: that day is a Friday$"
    ) as info:
        parse_when("2024年3月15日(周一)")
    assert info.value.message.text("zh") == "“2024年3月15日(周一)”中的星期与日期不符：该日是周五"
