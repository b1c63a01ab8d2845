"""`checklist template`: a blank ledger workbook that reads back with no rejected row."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from checklist.cli import main
from checklist.ledger import read_ledger
from checklist.pack import load_pack
from checklist.template import template_columns, write_template

TODAY = dt.date(2025, 6, 1)


def _book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_blank_template_reads_back_with_the_example_only(tmp_path):
    pack = load_pack("ideology-responsibility")
    path = tmp_path / "台账模板.xlsx"
    path.write_bytes(write_template(pack, today=TODAY))
    ledger = read_ledger(path)
    assert ledger.rejected == []
    # The example row is the one row: dated 15 March of this year, typed as the category of the
    # pack's first rule (topical-study -> 专题研究意识形态工作), on spreadsheet row 4.
    assert ledger.table.num_rows == 1
    row = ledger.table.to_pylist()[0]
    assert row["date"] == dt.date(2025, 3, 15)
    assert row["activity"] == "专题研究意识形态工作"
    assert row["participants"] == "张三、李四、王五"
    assert row["evidence"] == "会议记录、签到表、照片"
    assert ledger.rows == 1


def test_template_year_names_the_sheet_and_the_example(tmp_path):
    pack = load_pack("ideology-responsibility")
    data = write_template(pack, year=2024, today=TODAY)
    book = _book(data)
    assert book.sheetnames == ["2024年台账", "填表说明"]
    sheet = book["2024年台账"]
    assert sheet["A1"].value == "2024年度意识形态工作责任制落实清单工作台账"
    assert sheet["A2"].value == "填报单位："
    path = tmp_path / "t.xlsx"
    path.write_bytes(data)
    row = read_ledger(path).table.to_pylist()[0]
    assert row["date"] == dt.date(2024, 3, 15)


def test_headers_drop_down_and_date_cells():
    pack = load_pack("ideology-responsibility")
    book = _book(write_template(pack, today=TODAY))
    sheet = book["台账"]
    headers = [c.value for c in sheet[3]]
    assert headers == ["序号", "日期", "活动类型", "活动名称", "参加人员", "佐证材料", "登记日期", "备注"]
    rules = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    # 活动类型 (column C) takes its list from the 填表说明 sheet: every category label of the pack, in order.
    listing = rules["C4:C304"]
    assert listing.type == "list" and listing.errorStyle == "warning"
    ref = listing.formula1.split("!")[1].replace("$", "")
    notes = book["填表说明"]
    names = [c.value for row in notes[ref] for c in row]
    assert names == [cat.label for cat in pack.categories.values()]
    assert rules["B4:B304"].type == "date" and rules["G4:G304"].type == "date"
    assert sheet["B5"].number_format == "yyyy-mm-dd"
    assert sheet["B4"].number_format == "yyyy-mm-dd" and sheet["B4"].value == dt.datetime(2025, 3, 15)


def test_numeric_columns_only_when_the_pack_reads_them(tmp_path):
    # branch-routines sums 学时 per person (党员每年不少于32学时): 学时 is a column; the ideology pack
    # reads no number. A pack counting a 民主生活会 only at 2/3 attendance and with a named 主讲人
    # gets 实到人数, 应到人数 and 主讲人 (before 备注).
    headers = [c.header for c in template_columns(load_pack("branch-routines"))]
    assert "学时" in headers and "实到人数" not in headers
    headers = [c.header for c in template_columns(load_pack("ideology-responsibility"))]
    assert not {"学时", "实到人数", "应到人数"} & set(headers)
    (tmp_path / "p.yaml").write_text(
        """pack: city
version: "1.0"
title: 某市
extends: [ideology-responsibility]
rules:
  - id: dlm-attendance
    title: 民主生活会实到不少于应到的三分之二
    category: democratic_life_meeting
    every: year
    at_least: 1
    where: [{ratio: {of: present, to: expected, at_least: "2/3"}}, {filled: [主讲人]}]
""",
        encoding="utf-8",
    )
    headers = [c.header for c in template_columns(load_pack(str(tmp_path / "p.yaml")))]
    assert headers[-4:] == ["实到人数", "应到人数", "主讲人", "备注"]


@pytest.mark.parametrize("pack_id", ["branch-routines", "profile-school"])
def test_other_packs_read_back_too(tmp_path, pack_id):
    path = tmp_path / "t.xlsx"
    path.write_bytes(write_template(load_pack(pack_id), today=TODAY))
    ledger = read_ledger(path)
    assert ledger.rejected == [] and ledger.table.num_rows == 1


def test_english_template_reads_back(tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_bytes(write_template(load_pack("ideology-responsibility"), lang="en", today=TODAY))
    book = _book(path.read_bytes())
    assert [c.value for c in book["ledger"][3]][:4] == ["id", "date", "activity", "title"]
    ledger = read_ledger(path)
    assert ledger.rejected == [] and ledger.table.num_rows == 1


def test_filled_template_rows_are_evaluated(tmp_path):
    # A clerk overwrites the example and adds a row below: both read, nothing rejected.
    pack = load_pack("ideology-responsibility")
    path = tmp_path / "t.xlsx"
    path.write_bytes(write_template(pack, today=TODAY))
    book = openpyxl.load_workbook(path)
    sheet = book["台账"]
    sheet["A2"].value = "填报单位："
    sheet["B2"].value = "县农业农村局党组"
    sheet["A4"].value, sheet["B4"].value, sheet["C4"].value = 1, dt.datetime(2025, 3, 20), "民主生活会"
    sheet["D4"].value = "召开2024年度领导班子民主生活会"
    sheet["A5"].value, sheet["B5"].value, sheet["C5"].value = 2, dt.datetime(2025, 4, 2), "新媒体培训"
    book.save(path)
    ledger = read_ledger(path)
    assert ledger.rejected == []
    rows = ledger.table.to_pylist()
    assert [(r["activity"], r["unit"]) for r in rows] == [
        ("民主生活会", "县农业农村局党组"),
        ("新媒体培训", "县农业农村局党组"),
    ]


def test_cli_writes_the_template(tmp_path, capsys):
    target = tmp_path / "台账模板.xlsx"
    assert main(["template", "-o", str(target), "--rules", "branch-routines", "--year", "2025"]) == 0
    assert "2025年台账" in _book(target.read_bytes()).sheetnames
    assert "台账模板.xlsx" in capsys.readouterr().err


def test_cli_refuses_a_non_xlsx_output(tmp_path, capsys):
    assert main(["template", "-o", str(tmp_path / "t.csv")]) == 2
    assert ".xlsx" in capsys.readouterr().err
    assert not (tmp_path / "t.csv").exists()


def test_cli_needs_an_output(capsys):
    assert main(["template"]) == 2


def _skipped(ledger) -> list[str]:
    """The sheets named in the ledger's `sheets` warning (none when there is no such warning)."""
    return [s for n in ledger.notices if n.kind == "sheets" for s in n.said.args["sheets"]]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_templates_own_instructions_sheet_is_not_warned_about(tmp_path, lang):
    path = tmp_path / "台账模板.xlsx"
    path.write_bytes(write_template(load_pack("ideology-responsibility"), lang=lang, today=TODAY))
    ledger = read_ledger(path)
    assert _skipped(ledger) == []
    assert [n.kind for n in ledger.notices if n.kind == "sheets"] == []


def test_a_clerks_own_sheets_beside_the_template_are_still_warned_about(tmp_path):
    # The clerk filled in the template, then added a 汇总 sheet and a notes sheet of their own that
    # they also called 填表说明 (in a copy of the workbook whose instructions sheet was renamed 说明).
    book = _book(write_template(load_pack("ideology-responsibility"), today=TODAY))
    book["填表说明"].title = "说明"
    summary = book.create_sheet("汇总")
    summary["A1"], summary["A2"] = "2025年一季度活动汇总", "共开展活动3次"
    own = book.create_sheet("填表说明")
    own["A1"] = "填表说明：各支部每月5日前报送上月台账"
    path = tmp_path / "城关镇党委台账.xlsx"
    book.save(path)
    ledger = read_ledger(path)
    # 说明 is the template's sheet under another name, 汇总 and the clerk's 填表说明 are not ours:
    # all three have no recognised header and are named in the one `sheets` warning, in sheet order.
    assert _skipped(ledger) == ["说明", "汇总", "填表说明"]
    assert ledger.table.num_rows == 1  # the example row of the ledger sheet is still read
