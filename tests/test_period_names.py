"""Period labels and dates in words (checklist.text.periods), each shape in both languages.

The names are how a Chinese office and an English reader write them: 2024年第三季度 / Q3 2024;
labels that name no real period (a fifth quarter, 2月30日) stay as the engine wrote them.
"""

from __future__ import annotations

import datetime as dt

import pytest

from checklist.text.periods import chinese_number, date_name, period_name, short_period_name

NAMES = [
    # label, Chinese, English
    ("2024", "2024年", "2024"),
    ("FY2024", "2024财年", "FY2024"),
    ("2024-H1", "2024年上半年", "first half of 2024"),
    ("2024-H2", "2024年下半年", "second half of 2024"),
    ("2024-Q1", "2024年第一季度", "Q1 2024"),
    ("2024-Q3", "2024年第三季度", "Q3 2024"),
    ("2024-Q4", "2024年第四季度", "Q4 2024"),
    ("FY2024-Q1", "2024财年第一季度", "Q1 FY2024"),
    ("FY2024-H2", "2024财年下半年", "second half of FY2024"),
    ("FY2024-03", "2024财年3月", "March FY2024"),
    ("FY2024-W01", "2024财年第1周", "week 1 of FY2024"),
    ("2024-01", "2024年1月", "January 2024"),
    ("2024-03", "2024年3月", "March 2024"),
    ("2024-12", "2024年12月", "December 2024"),
    ("2024-W05", "2024年第5周", "week 5 of 2024"),
    ("2024-W52", "2024年第52周", "week 52 of 2024"),
    ("2024-08-05", "2024年8月5日", "5 August 2024"),
    ("2024-02-29", "2024年2月29日", "29 February 2024"),
    (" 2024-Q2 ", "2024年第二季度", "Q2 2024"),  # a label read from a cell with spaces around it
]

UNKNOWN = ["2024-Q5", "2024-Q0", "2024-H3", "2024-13", "2024-00", "2024-02-30", "2023-02-29", "第三季度", "Q3", ""]


@pytest.mark.parametrize(("label", "zh", "en"), NAMES)
def test_each_shape_is_named_in_both_languages(label, zh, en):
    assert period_name(label, "zh") == zh
    assert period_name(label, "en") == en
    assert period_name(label) == zh  # Chinese unless asked


@pytest.mark.parametrize("label", UNKNOWN)
def test_a_label_naming_no_real_period_stays_as_it_is(label):
    assert period_name(label, "zh") == label
    assert period_name(label, "en") == label
    assert short_period_name(label, "zh") == label


@pytest.mark.parametrize(
    ("label", "zh"),
    [
        ("2024-Q3", "第三季度"),
        ("2024-H1", "上半年"),
        ("2024-03", "3月"),
        ("2024-W05", "第5周"),
        ("FY2024-Q2", "第二季度"),
        ("2024", "2024年"),  # a whole year keeps its number: there is nothing else to name
        ("FY2024", "2024财年"),
        ("2024-08-05", "2024年8月5日"),  # a day is named in full
    ],
)
def test_short_names_drop_the_year_a_title_already_gives(label, zh):
    assert short_period_name(label, "zh") == zh


@pytest.mark.parametrize(("label", "en"), [("2024-Q3", "Q3 2024"), ("2024-03", "March 2024"), ("2024", "2024")])
def test_short_english_names_keep_the_year(label, en):
    assert short_period_name(label, "en") == en


def test_dates_in_words_with_and_without_the_year():
    day = dt.date(2024, 3, 5)
    assert date_name(day) == "2024年3月5日"
    assert date_name(day, "en") == "5 March 2024"
    assert date_name(day, year=False) == "3月5日"
    assert date_name(day, "en", year=False) == "5 March"
    assert date_name(dt.date(2025, 12, 31), "en") == "31 December 2025"
    assert date_name(dt.date(2025, 10, 1)) == "2025年10月1日"


@pytest.mark.parametrize(
    ("n", "zh"),
    [
        (1, "一"), (4, "四"), (10, "十"), (12, "十二"), (20, "二十"), (21, "二十一"),
        # a county's report numbers its units （一）…（二百零三）: written out as 公文 write them
        (99, "九十九"), (100, "一百"), (101, "一百零一"), (110, "一百一十"), (115, "一百一十五"), (200, "二百"),
        (203, "二百零三"), (1000, "一千"), (1001, "一千零一"), (1010, "一千零一十"), (2024, "二千零二十四"),
        (10000, "一万"), (10001, "一万零一"), (12000, "一万二千"), (100500, "十万零五百"),
    ],
)  # fmt: skip
def test_chinese_numbers(n, zh):
    assert chinese_number(n) == zh


def test_a_county_report_numbers_its_hundred_and_first_unit(tmp_path):
    """The 自查报告 numbers each unit （一）（二）…: a county of 101 units used to stop at （一百）
    with an internal error (chinese_number went only to 99)."""
    import datetime as dt

    from checklist import evaluate, load_pack, read_ledger
    from checklist.render.report import build_report

    rows = [{"unit": f"第{i:03d}党支部", "date": "2024-03-05", "activity": "意识形态知识学习"} for i in range(1, 102)]
    result = evaluate(load_pack("ideology-responsibility"), read_ledger(rows), year=2024, as_of=dt.date(2024, 12, 31))
    headings = [b.text for b in build_report(result, "zh") if b.kind == "h2"]
    assert "（一百）第100党支部" in headings and "（一百零一）第101党支部" in headings
