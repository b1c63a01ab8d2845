"""DESIGN §4.1 revision 2: rejected[] and unmatched[] entries carry `file`, `sheet` (null when not
applicable) and `ref` — also for a ledger that is one sheet of one file, where ref is the row number."""

from __future__ import annotations

import json

from checklist.cli import main

# A clerk's own ledger as WPS saves it: GBK, a title row and a 填报单位 line above the header (row 3).
LEDGER = (
    "2024年度意识形态工作台账,,,\n"
    "填报单位：县农业农村局党组,,,\n"
    "序号,日期,活动类型,活动名称\n"
    "1,2024-03-05,专题研究意识形态工作,党组会专题研究意识形态工作\n"  # row 4: matched
    "2,2024-02-30,意识形态知识学习,理论学习中心组集中学习\n"  # row 5: 2月30日 does not exist
    "3,2024-07-01,篮球赛,工会篮球赛\n"  # row 6: no category
)


def test_a_single_sheets_rejected_and_unmatched_entries_say_where_they_are(tmp_path, capsys):
    path = tmp_path / "农业农村局台账.csv"
    path.write_bytes(LEDGER.encode("gbk"))
    main(["evaluate", str(path), "--year", "2024", "--as-of", "2024-12-31", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert data["input"]["rows"] == 3
    (rejected,) = data["rejected"]
    assert (rejected["row"], rejected["file"], rejected["sheet"], rejected["ref"]) == (5, None, None, 5)
    assert rejected["code"].startswith("date.") and rejected["reason"]
    (unmatched,) = data["unmatched"]
    assert (unmatched["row"], unmatched["activity"]) == (6, "篮球赛")
    assert (unmatched["file"], unmatched["sheet"], unmatched["ref"]) == (None, None, 6)
