"""Near misses read with their dates in words in documents and terminal reports (2024年11月28日,
28 November 2024), while the JSON keeps its fields exactly: `date` and the reasons in ISO."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import orjson

from checklist.cli import main
from checklist.render.common import near_miss_text
from checklist.result import NearMiss
from checklist.text import msg, record_ref


def _outside() -> NearMiss:
    said = msg("near.outside", day=dt.date(2024, 11, 28), start=dt.date(2024, 10, 1), end=dt.date(2024, 10, 31))
    return NearMiss.of(9, dt.date(2024, 11, 28), said, "zh")


def test_the_json_of_a_near_miss_keeps_iso_dates():
    assert orjson.loads(orjson.dumps(_outside())) == {
        "record": 9,
        "date": "2024-11-28",
        "reason": "日期2024-11-28不在计数区间2024-10-01至2024-10-31内",
        "reason_en": "dated 2024-11-28, outside the counting window 2024-10-01 to 2024-10-31",
    }


def test_a_near_miss_in_a_chinese_report_names_its_dates_in_words():
    assert (
        near_miss_text(_outside(), "zh")
        == "序号9（2024年11月28日）：日期2024年11月28日不在计数区间2024年10月1日至2024年10月31日内"
    )


def test_a_near_miss_in_an_english_report_names_its_dates_in_words():
    assert near_miss_text(_outside(), "en") == (
        "no. 9 (28 November 2024): dated 28 November 2024, outside the counting window "
        "1 October 2024 to 31 October 2024"
    )


def test_a_reason_without_a_message_is_shown_as_the_engine_wrote_it():
    miss = NearMiss(
        record="二季度!7", date=dt.date(2024, 5, 6), reason="未满足条件:参加人数不少于10人", reason_en="fewer than 10"
    )
    assert near_miss_text(miss, "zh") == "二季度!7（2024年5月6日）：未满足条件:参加人数不少于10人"
    assert near_miss_text(miss, "en") == "二季度!7 (6 May 2024): fewer than 10"
    too_close = NearMiss.of(
        4, dt.date(2024, 3, 2), msg("near.too_close", other=record_ref(3, by_row=False), days=7), "en"
    )
    assert (too_close.reason, too_close.reason_en) == ("less than 7 days after no. 3",) * 2
    in_rows = msg("near.too_close", other=record_ref(3, by_row=True), days=7)
    assert (in_rows.text("zh"), in_rows.text("en")) == ("与第3行间隔不足7天", "less than 7 days after row 3")


COUNTY = Path(__file__).parent.parent / "fixtures" / "county" / "sample_ledger.csv"


def test_the_engines_near_miss_reads_in_words_in_the_table_and_stays_iso_in_the_json(capsys):
    # 序号48 of 县教育局党组 is a 党内通报 dated 2024-11-26; the pack's year-end briefing counts only
    # 12-01 to 12-31 (window), so it is a near miss of the 2024 gap.
    argv = ["evaluate", str(COUNTY), "--as-of", "2024-12-31", "--unit", "县教育局党组"]
    main([*argv, "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    (miss,) = [m for f in data["findings"] for m in f.get("near_misses") or [] if m["record"] == 48]
    assert miss == {
        "record": 48,
        "date": "2024-11-26",
        "reason": "日期2024-11-26不在计数区间2024-12-01至2024-12-31内",
        "reason_en": "dated 2024-11-26, outside the counting window 2024-12-01 to 2024-12-31",
    }
    main(argv)
    table = capsys.readouterr().out
    assert "48（2024年11月26日）：日期2024年11月26日不在计数区间2024年12月1日至2024年12月31日内" in table
    assert "2024-11-26" not in table
    main([*argv, "--lang", "en"])
    assert (
        "48 (26 November 2024): dated 26 November 2024, outside the counting window 1 December 2024 to 31 December 2024"
        in (capsys.readouterr().out)
    )
