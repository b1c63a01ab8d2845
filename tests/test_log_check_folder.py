"""`checklist log check` on a folder of several units' submissions: each file and sheet says its
own header row, the columns it was read from, its unit and where that came from, and its rows
(rows = matched + unmatched + rejected per table and in total). Expected values are worked out
from the files below by hand."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Alignment, Font

from checklist.cli import main

D = dt.datetime


def _title(sheet, text: str, width: int) -> None:
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(1, 1, text).font = Font(bold=True, size=16)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center")


def _chengguan(path: Path) -> None:
    """城关镇党委: one sheet a quarter, a merged title row and a 填报单位 line above the header (row 3)."""
    book = openpyxl.Workbook()
    quarters = {
        "一季度": [
            (1, D(2024, 1, 15), "专题研究意识形态工作", "党委会专题研究意识形态工作", "会议记录"),  # matched
            (2, D(2024, 2, 20), "意识形态知识学习", "理论学习中心组集中学习", "签到表"),  # matched
            (3, D(2024, 3, 8), "植树活动", "三八节义务植树", "照片"),  # no category: unmatched
        ],
        "二季度": [
            (1, "2024年4月10日", "形势政策教育", "形势政策宣讲进村", "照片"),  # matched
            (2, "2024-13-01", "民主生活会", "专题民主生活会", "会议记录"),  # no 13th month: rejected
        ],
    }
    book.remove(book.active)
    for name, rows in quarters.items():
        sheet = book.create_sheet(name)
        _title(sheet, "城关镇党委2024年度意识形态工作台账", 5)
        sheet.merge_cells("A2:C2")
        sheet["A2"] = "填报单位：城关镇党委"
        sheet.append(["序号", "活动日期", "活动类型", "活动名称", "佐证材料"])
        for row in rows:
            sheet.append(list(row))
    book.save(path)


def _hekou(path: Path) -> None:
    """河口乡党委: a government template's headers (spaces, a bracketed note), 单位名称 line, a blank
    row, header on row 4, a date without its year (the title gives 2024)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "台账"
    _title(sheet, "2024年意识形态工作台账", 4)
    sheet["A2"] = "单位名称：河口乡党委"
    sheet.append([])
    sheet.cell(4, 1, "日  期")
    sheet.cell(4, 2, "活动类型（必填）")
    sheet.cell(4, 3, "参加人员")
    sheet.cell(4, 4, "备注")
    for r, row in enumerate(
        [
            (D(2024, 5, 6), "意识形态工作自检自查", "班子成员", ""),  # matched
            (D(2024, 6, 18), "篮球赛", "全体干部", "工会活动"),  # unmatched
            ("3月28日", "新媒体培训", "网评员", ""),  # matched, year from the title
        ],
        start=5,
    ):
        for c, value in enumerate(row, start=1):
            sheet.cell(r, c, value)
    book.save(path)


# 县教育局: a CSV saved by Excel on a Chinese Windows (GBK), with a unit column naming two units.
EDUCATION = (
    "单位,日期,活动类型,主题\n"
    "县教育局党组,2024-04-01,形势政策教育,形势政策教育进校园\n"  # row 2: matched
    "县教育局党组,2024/5/1,专题研究意识形态工作,党组会专题研究\n"  # row 3: matched
    "县教育局机关党支部,2024-05-20,意识形态知识学习,支部集中学习\n"  # row 4: matched
    "县教育局党组,,意识形态知识学习,未填日期\n"  # row 5: no date: rejected
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "2024年台账报送"
    root.mkdir()
    _chengguan(root / "城关镇党委.xlsx")
    _hekou(root / "河口乡党委.xlsx")
    (root / "县教育局.csv").write_bytes(EDUCATION.encode("gbk"))
    return root


def test_log_check_json_describes_each_file_and_sheet(folder, capsys):
    assert main(["log", "check", str(folder), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    tables = data["tables"]
    # sorted path order by code point: 县 (U+53BF) < 城 (U+57CE) < 河 (U+6CB3); sheets in book order
    assert [(t["file"], t["sheet"]) for t in tables] == [
        ("县教育局.csv", None),
        ("城关镇党委.xlsx", "一季度"),
        ("城关镇党委.xlsx", "二季度"),
        ("河口乡党委.xlsx", "台账"),  # a workbook's one sheet is named too: the clerk sees which was read
    ]
    education, q1, q2, hekou = tables
    assert [t["header_row"] for t in tables] == [1, 3, 3, 4]
    counts = [(t["rows"], t["matched"], t["unmatched"], t["rejected"]) for t in tables]
    assert counts == [(4, 3, 0, 1), (3, 2, 1, 0), (2, 1, 0, 1), (3, 2, 1, 0)]
    # the unit column's values, usable rows only: 县教育局党组 rows 2-3 (row 5 is rejected), 机关党支部 row 4
    assert education["units"] == {"县教育局党组": 2, "县教育局机关党支部": 1}
    assert education["unit_source"] is None and education["columns"]["unit"] == "单位"
    assert education["columns"]["title"] == "主题"
    # no unit column: the 填报单位 / 单位名称 line names the unit
    assert q1["units"] == {"城关镇党委": 2 + 1} and q2["units"] == {"城关镇党委": 1}
    assert q1["unit_source"] == q2["unit_source"] == hekou["unit_source"] == "unit.source.line"
    assert hekou["units"] == {"河口乡党委": 3}
    # each table's own headers: 活动日期 in 城关镇, 日  期 and 活动类型（必填） in 河口乡, 活动名称 as title
    assert q1["columns"]["date"] == "活动日期" and q1["columns"]["title"] == "活动名称"
    assert hekou["columns"]["date"] == "日  期" and hekou["columns"]["activity"] == "活动类型（必填）"
    assert "unit" not in hekou["columns"] and hekou["columns"]["participants"] == "参加人员"
    # the totals add up over the tables: 12 rows = 8 matched + 2 unmatched + 2 rejected
    assert (data["rows"], data["matched"], data["unmatched"], data["rejected"]) == (12, 8, 2, 2)
    for key in ("rows", "matched", "unmatched", "rejected"):
        assert data[key] == sum(t[key] for t in tables)
    for t in tables:
        assert t["rows"] == t["matched"] + t["unmatched"] + t["rejected"]
    assert data["header_row"] is None  # no one header row for the folder: each table has its own


def test_log_check_text_names_each_tables_header_row_and_unit(folder, capsys):
    assert main(["log", "check", str(folder)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"{folder}（3 个文件，4 张表）"
    assert "表头在第 0 行" not in out
    block = out.split("各表：\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert block[0] == "  县教育局.csv"
    assert block[1] == "    表头在第 1 行；单位列“单位”：县教育局党组、县教育局机关党支部"
    assert block[2] == "    共 4 行 = 已识别 3 + 未识别 0 + 无效 1"
    assert block[3].startswith("    列：日期=日期、活动类型=活动类型、单位=单位、主题=主题")
    assert block[4] == "  城关镇党委.xlsx 工作表“一季度”"
    assert block[5] == "    表头在第 3 行；单位“城关镇党委”取自第 2 行“填报单位”"
    assert block[6] == "    共 3 行 = 已识别 2 + 未识别 1 + 无效 0"
    assert block[8] == "  城关镇党委.xlsx 工作表“二季度”"
    assert block[10] == "    共 2 行 = 已识别 1 + 未识别 0 + 无效 1"
    assert block[12] == "  河口乡党委.xlsx 工作表“台账”"
    assert block[13] == "    表头在第 4 行；单位“河口乡党委”取自第 2 行“单位名称”"
    assert block[14] == "    共 3 行 = 已识别 2 + 未识别 1 + 无效 0"
    assert block[15].startswith("    列：日期=日  期、活动类型=活动类型（必填）")


def test_log_check_text_in_english(folder, capsys):
    assert main(["log", "check", str(folder), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"{folder} (3 files, 4 tables)"
    assert "  城关镇党委.xlsx, sheet '二季度'" in out.splitlines()
    assert "    header row 4; unit '河口乡党委' from the '单位名称' line, row 2" in out.splitlines()
    assert "    header row 1; unit column '单位': 县教育局党组, 县教育局机关党支部" in out.splitlines()


def test_one_file_keeps_its_one_header_row(tmp_path, capsys):
    path = tmp_path / "县教育局.csv"
    path.write_bytes(EDUCATION.encode("gbk"))
    assert main(["log", "check", str(path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["header_row"] == 1
    (only,) = data["tables"]
    assert (only["file"], only["rows"], only["matched"], only["rejected"]) == ("县教育局.csv", 4, 3, 1)
    assert main(["log", "check", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"{path}（csv，表头在第 1 行）" and "各表：" not in out


def test_a_json_lines_file_has_no_header_row_to_report(folder, capsys):
    # 县卫健局 sends JSON Lines (a system export): one record a line, no header. Sorted first in the
    # folder (its name 县卫 sorts before 县教), it was what made the folder say "header row 0".
    records = [
        {"unit": "县卫健局党组", "date": "2024-03-12", "activity": "意识形态知识学习"},  # line 1: matched
        {"unit": "县卫健局党组", "date": "2024-06-30", "activity": "民主生活会"},  # line 2: matched
    ]
    lines = "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n"
    (folder / "县卫健局.jsonl").write_text(lines, encoding="utf-8")
    assert main(["log", "check", str(folder), "--format", "json"]) == 0
    first = json.loads(capsys.readouterr().out)["tables"][0]
    assert (first["file"], first["header_row"], first["rows"], first["matched"]) == ("县卫健局.jsonl", None, 2, 2)
    assert main(["log", "check", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "第 0 行" not in out
    assert "  县卫健局.jsonl\n    每行一条记录（JSON Lines）；单位列“unit”：县卫健局党组\n" in out
    path = folder / "县卫健局.jsonl"
    assert main(["log", "check", str(path)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == f"{path}（jsonl，每行一条记录）"
