"""Tables with the same headers are parsed as one and cut apart again (ledger.normalise): nothing
of one table may leak into another. A county folder where files of one template sit between files
of another, a workbook whose sheets are different years, units from 填报单位 lines, rejected and
blank rows in several tables.

Every expected value is worked out by hand from the fixture below.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import openpyxl
import pyarrow as pa
import pytest

from checklist import read_ledger

TEMPLATE = ["序号", "日期", "活动类型", "活动名称"]  # files 01 and 03 (every sheet): one template
D = dt.date


def _county(tmp_path):
    root = tmp_path / "2024年各单位报送"
    root.mkdir()
    # 01: GBK, title row, 填报单位 line, one blank line, one row without a date.
    (root / "01城关镇.csv").write_bytes(
        (
            "2024年度意识形态工作台账,,,\n"  # row 1: the title gives dates without a year their year
            "填报单位：城关镇党委,,,\n"  # row 2
            "序号,日期,活动类型,活动名称\n"  # row 3
            "1,3月28日,专题研究意识形态工作,党委会专题研究意识形态工作\n"  # row 4 -> 2024-03-28
            "2,2024-05-10,意识形态知识学习,学习意识形态工作责任制实施办法\n"  # row 5
            ",,,\n"  # row 6: blank
            "3,,意识形态知识学习,网络安全知识学习\n"  # row 7: no date -> rejected
        ).encode("gbk")
    )
    # 02: another template (a 单位 column), one row with the unit left blank.
    (root / "02县教育局.csv").write_text(
        "单位,序号,日期,活动类型,活动名称\n"
        "县教育局党组,1,2024-04-01,形势政策教育,全国两会精神宣讲\n"  # row 2
        ",2,2024-05-01,意识形态知识学习,意识形态阵地管理知识学习\n",  # row 3: no unit
        encoding="utf-8",
    )
    # 03: the first template again, one sheet per year; the last sheet names no year anywhere.
    book = openpyxl.Workbook()
    book.remove(book.active)
    sheets = {
        "2023年": [(1, "12月20日", "向上级汇报意识形态工作", "向县委报送全年意识形态工作情况")],
        "2024年": [
            (1, "3月28日", "专题研究意识形态工作", "党组会专题研究意识形态工作"),
            (2, "6月25日", "向上级汇报意识形态工作", "向县委报送上半年意识形态工作情况"),
        ],
        "补录": [
            (1, "7月1日", "意识形态知识学习", "补录：七一专题学习"),  # no year to be found: rejected
            (2, "2024-07-02", "意识形态知识学习", "补录：网络意识形态安全学习"),
        ],
    }
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(["填报单位：河口乡党委"])  # row 1
        sheet.append(TEMPLATE)  # row 2
        for row in rows:  # rows 3, 4
            sheet.append(list(row))
    book.save(root / "03河口乡.xlsx")
    return root


@pytest.fixture
def ledger(tmp_path):
    return read_ledger(_county(tmp_path))


def test_each_row_keeps_its_own_tables_unit_date_and_reference(ledger):
    places = [ref for _file, _sheet, ref in ledger.places(np.arange(ledger.table.num_rows))]
    cells = zip(ledger.table["unit"].to_pylist(), ledger.table["date"].to_pylist(), strict=True)
    got = dict(zip(places, cells, strict=True))
    assert got == {
        "01城关镇.csv:4": ("城关镇党委", D(2024, 3, 28)),
        "01城关镇.csv:5": ("城关镇党委", D(2024, 5, 10)),
        "02县教育局.csv:2": ("县教育局党组", D(2024, 4, 1)),
        "02县教育局.csv:3": ("-", D(2024, 5, 1)),
        "03河口乡.xlsx:2023年!3": ("河口乡党委", D(2023, 12, 20)),
        "03河口乡.xlsx:2024年!3": ("河口乡党委", D(2024, 3, 28)),
        "03河口乡.xlsx:2024年!4": ("河口乡党委", D(2024, 6, 25)),
        "03河口乡.xlsx:补录!4": ("河口乡党委", D(2024, 7, 2)),
    }
    assert places == list(got)  # in the order read: files by name, sheets as in the workbook


def test_rejected_rows_name_their_own_table_and_unit(ledger):
    assert [(r.ref, r.code, r.unit) for r in ledger.rejected] == [
        ("01城关镇.csv:7", "row.no_date", "城关镇党委"),
        ("03河口乡.xlsx:补录!3", "date.no_year", "河口乡党委"),
    ]


def test_each_table_counts_its_own_rows_rejects_and_blank_lines(ledger):
    counted = [(t.file, t.sheet, t.rows, t.rejected, t.blank_rows, t.unit) for t in ledger.tables]
    assert counted == [
        ("01城关镇.csv", None, 3, 1, 1, "城关镇党委"),
        ("02县教育局.csv", None, 2, 0, 0, None),
        ("03河口乡.xlsx", "2023年", 1, 0, 0, "河口乡党委"),
        ("03河口乡.xlsx", "2024年", 2, 0, 0, "河口乡党委"),
        ("03河口乡.xlsx", "补录", 2, 1, 0, "河口乡党委"),
    ]
    assert ledger.rows == sum(t.rows for t in ledger.tables) == 10
    assert ledger.blank_rows == 1


def test_notices_cite_only_the_rows_of_the_table_they_are_about(ledger):
    years = {
        (n.said.args["year"], n.said.args["source"].code): n.rows for n in ledger.notices if n.code == "date.year_from"
    }
    assert years == {
        (2024, "date.year.title"): ["01城关镇.csv:4"],
        (2023, "date.year.sheet"): ["03河口乡.xlsx:2023年!3"],
        (2024, "date.year.sheet"): ["03河口乡.xlsx:2024年!3", "03河口乡.xlsx:2024年!4"],
    }
    (no_unit,) = [n for n in ledger.notices if n.code == "warn.no_unit"]
    assert no_unit.rows == ["02县教育局.csv:3"]
    lines = sorted(Path(n.said.args["file"]).name for n in ledger.notices if n.code == "unit.from_line")
    assert lines == ["01城关镇.csv", "03河口乡.xlsx"]  # the workbook's three sheets said it once


@pytest.mark.parametrize("name", ["01城关镇.csv", "02县教育局.csv", "03河口乡.xlsx"])
def test_a_file_read_alone_gives_the_same_rows_and_rejects_as_in_the_folder(tmp_path, name):
    root = _county(tmp_path)
    whole = read_ledger(root)
    alone = read_ledger(root / name)
    places = whole.places(np.arange(whole.table.num_rows))
    mine = np.flatnonzero(np.array([file == name for file, _sheet, _ref in places]))
    for column in ("row", "date", "unit", "activity", "title", "participants", "evidence"):
        assert whole.table[column].take(mine).to_pylist() == alone.table[column].to_pylist(), column
    assert [(r.sheet, r.row, r.code, r.unit) for r in whole.rejected if r.file == name] == [
        (r.sheet, r.row, r.code, r.unit) for r in alone.rejected
    ]


@pytest.mark.parametrize(
    "other", ["单位,日期,活动类型,主题\n", "序号,日期,活动类型,活动名称\n1,2024-03-05,专题研究意识形态工作,党委会\n"]
)
def test_a_unit_that_sent_back_the_blank_template_is_a_file_of_no_rows(tmp_path, other):
    # One unit returned the template untouched (its header only) beside another unit's file of the
    # same or another layout: the read used to stop on Arrow's "unification of null dictionaries".
    (tmp_path / "01城关镇.csv").write_text("单位,日期,活动类型,主题\n", encoding="utf-8")
    (tmp_path / "02河口乡.csv").write_text(other, encoding="utf-8")
    ledger = read_ledger(tmp_path, empty_ok=True)
    rows = other.count("\n") - 1
    assert (ledger.rows, [t.rows for t in ledger.tables]) == (rows, [0, rows])
    assert ledger.table.schema.field("unit").type == pa.dictionary(pa.int32(), pa.string())
