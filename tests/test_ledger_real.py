"""Real 台账 as offices keep them (DESIGN §4.1): a workbook per quarter, 填报单位 lines, loose headers,
year-less dates, folders of several units' files in mixed formats and encodings.

Every expected value below is worked out by hand from the fixture and the shipped pack's rules.
"""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pyarrow as pa
import pytest

from checklist import evaluate, load_pack, read_ledger
from checklist.errors import LedgerError, UsageError
from checklist.render.common import safe_text

HEADER = ["序号", "日  期", "活动类型（必填）", "活动\n名称", "参加人员"]
# One unit's year, kept one sheet per quarter as clerks do; some dates written without the year.
QUARTERS = {
    "一季度": [
        (1, "3月28日", "专题研究意识形态工作", "党委会专题研究部署全年意识形态工作", "全体班子成员"),
        (2, dt.datetime(2024, 2, 20), "意识形态知识学习", "学习意识形态工作责任制实施办法", "全体干部"),
        (3, "2024/3/10", "形势政策教育", "全国两会精神宣讲", "全体干部"),
    ],
    "二季度": [
        (1, "2024年5月10日", "意识形态知识学习", "网络意识形态安全知识学习", "全体干部"),
        (2, "6月25日", "向上级汇报意识形态工作", "向县委报送上半年意识形态工作情况", "书记"),
        (3, dt.datetime(2024, 6, 28), "专题研究意识形态工作", "专题研究上半年意识形态工作", "全体班子成员"),
    ],
    "三季度": [
        (1, dt.datetime(2024, 8, 15), "意识形态知识学习", "意识形态阵地管理知识学习", "全体干部"),
        (2, dt.datetime(2024, 9, 20), "意识形态工作自检自查", "三季度自检自查", "班子成员"),
        (3, "9月21日", "新媒体培训", "新媒体运用能力培训", "网评员"),
    ],
    "四季度": [
        (1, dt.datetime(2024, 10, 12), "意识形态知识学习", "学习党的二十届三中全会精神", "全体干部"),
        (2, dt.datetime(2024, 11, 30), "意识形态工作自检自查", "年度自检自查", "班子成员"),
        (3, dt.datetime(2024, 12, 20), "向上级汇报意识形态工作", "向县委汇报全年意识形态工作", "书记"),
        (4, "12月26日", "民主生活会", "领导班子专题民主生活会", "班子成员"),
        (5, dt.datetime(2024, 12, 28), "党内通报", "通报意识形态领域情况", "全体党员"),
    ],
}


def _quarter_book(path, *, unit_line: str | None = "填报单位：城关镇党委") -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in QUARTERS.items():
        sheet = book.create_sheet(name)
        sheet.append([f"2024年度意识形态工作台账（{name}）"])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
        sheet.append([unit_line, None, None, "填报日期：2025年1月6日"] if unit_line else [None])
        sheet.append(HEADER)
        for row in rows:
            sheet.append(list(row))
    notes = book.create_sheet("填表说明")
    notes.append(["每项活动一行；日期写到日。"])
    book.save(path)


def test_a_workbook_with_one_sheet_per_quarter_is_judged_on_the_whole_year(tmp_path):
    path = tmp_path / "城关镇党委2024年台账.xlsx"
    _quarter_book(path)
    ledger = read_ledger(path)
    assert ledger.rows == 14 and not ledger.rejected
    result = evaluate(load_pack("ideology-responsibility"), ledger, year=2024, as_of=dt.date(2024, 12, 31))
    # Every frequency duty of the pack is met by the four sheets together: 2 topical studies, 1 policy
    # education, one knowledge study in each quarter, 2 self-inspections, one report in each half,
    # a briefing, a democratic life meeting, a new-media training: 12 findings, all met.
    (unit,) = result.units
    assert unit.unit == "城关镇党委"  # from the 填报单位 line, not '-'
    assert (unit.met, unit.violations, unit.score) == (12, 0, 100.0)
    assert result.input.rows == 14 and result.input.matched == 14
    topical = next(f for f in result.findings if f.rule == "topical-study")
    # 序号 restarts on each sheet, so each id carries its sheet.
    assert sorted(topical.records) == ["一季度!1", "二季度!3"]
    quarters = [f for f in result.findings if f.rule == "knowledge-study"]
    assert [f.records for f in quarters] == [["一季度!2"], ["二季度!1"], ["三季度!1"], ["四季度!1"]]


def test_the_quarter_workbook_says_where_its_unit_and_years_came_from(tmp_path):
    path = tmp_path / "台账.xlsx"
    _quarter_book(path)
    ledger = read_ledger(path)
    by_kind: dict[str, list] = {}
    for n in ledger.notices:
        by_kind.setdefault(n.kind, []).append(n)
    assert [n.code for n in by_kind["unit"]] == ["unit.from_line"]  # once for the workbook, not per sheet
    assert "城关镇党委" in by_kind["unit"][0].text("zh") and "填报单位" in by_kind["unit"][0].text("zh")
    # 3月28日 (row 4 of 一季度), 6月25日, 9月21日 and 12月26日 took 2024 from the title row, not from the
    # 填报日期 2025 beside the unit.
    (years,) = by_kind["date"]
    assert years.rows == ["一季度!4", "二季度!5", "三季度!6", "四季度!7"]
    assert years.text("zh") == "4行日期未写年份，按2024年计（年份取自表头上方第1行的标题）"
    assert ledger.table.filter(pa.compute.equal(ledger.table["id"], "四季度!4"))["date"].to_pylist() == [
        dt.date(2024, 12, 26)
    ]
    (sheets,) = by_kind["sheets"]
    assert "填表说明" in sheets.message


def test_headers_are_compared_loosely_and_活动名称_is_the_title(tmp_path):
    path = tmp_path / "台账.xlsx"
    _quarter_book(path)
    ledger = read_ledger(path, sheet="一季度")
    assert ledger.columns == {"id": "序号", "date": "日  期", "activity": "活动类型（必填）", "title": "活动\n名称",
                              "participants": "参加人员"}  # fmt: skip
    assert ledger.table["title"].to_pylist()[0] == "党委会专题研究部署全年意识形态工作"
    # Only one sheet read: plain row numbers; 序号 1..3 is unique, so it is the id.
    assert ledger.table["id"].to_pylist() == ["1", "2", "3"]


def test_活动名称_alone_is_both_the_activity_and_the_title(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("日期,活动名称\n2024-03-01,召开党组会专题研究意识形态工作\n", encoding="utf-8")
    ledger = read_ledger(path)
    assert (
        ledger.table["activity"].to_pylist() == ledger.table["title"].to_pylist() == ["召开党组会专题研究意识形态工作"]
    )


def test_a_typo_in_a_header_gets_a_did_you_mean_and_the_headers_found(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("序号,活动日起,活动类型（必填）\n1,2024-01-05,专题研究\n", encoding="utf-8")
    with pytest.raises(LedgerError) as caught:
        read_ledger(path)
    (problem,) = caught.value.problems
    assert problem.code == "header.missing"
    assert "headers found: 序号, 活动日起, 活动类型（必填）" in problem.message
    assert "'活动日起': did you mean '活动日期'?" in problem.message
    assert len(str(caught.value).splitlines()) == 1


def test_dates_without_a_year_are_rejected_saying_the_year_is_missing_unless_one_is_given(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("日期,活动类型\n3月28日,专题研究\n2024-04-02,专题研究\n3月30号,专题研究\n", encoding="utf-8")
    ledger = read_ledger(path)
    assert [(r.row, r.code) for r in ledger.rejected] == [(2, "date.no_year"), (4, "date.no_year")]
    assert "no year" in ledger.rejected[0].reason and "3月28日" in ledger.rejected[0].reason
    assert "没有年份" in ledger.rejected[0].text("zh")
    given = read_ledger(path, year=2023)
    assert given.table["date"].to_pylist() == [dt.date(2023, 3, 28), dt.date(2024, 4, 2), dt.date(2023, 3, 30)]
    (note,) = [n for n in given.notices if n.kind == "date"]
    assert note.rows == [2, 4] and "--year" in note.message


def test_a_year_in_the_sheet_name_wins_over_the_title_and_year(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "2023年"
    sheet.append(["2024年度台账"])
    sheet.append(["日期", "活动类型"])
    sheet.append(["12月5日", "专题研究"])
    path = tmp_path / "t.xlsx"
    book.save(path)
    ledger = read_ledger(path, year=2022)
    assert ledger.table["date"].to_pylist() == [dt.date(2023, 12, 5)]
    (note,) = [n for n in ledger.notices if n.kind == "date"]
    assert "sheet name '2023年'" in note.message


def test_rows_above_the_header_that_hold_data_are_rejected_not_lost(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        "2024年度台账,,\n1,2024-01-05,专题研究\n序号,日期,活动类型\n2,2024-02-05,专题研究\n", encoding="utf-8"
    )
    ledger = read_ledger(path)
    assert ledger.rows == 2 and ledger.table["row"].to_pylist() == [4]
    (above,) = ledger.rejected
    assert (above.row, above.code) == (2, "row.above_header")
    assert "above the header row (row 3)" in above.reason


def test_a_unit_is_named_by_the_option_else_the_file_name_and_never_escaped(tmp_path):
    path = tmp_path / "县农业农村局党组.csv"
    path.write_text("日期,活动类型\n2024-03-01,专题研究\n", encoding="utf-8")
    ledger = read_ledger(path)
    assert ledger.table["unit"].to_pylist() == ["县农业农村局党组"]
    assert [n.code for n in ledger.notices if n.kind == "unit"] == ["unit.from_file"]
    named = read_ledger(path, unit_name="县农业农村局")
    assert named.table["unit"].to_pylist() == ["县农业农村局"]
    with_column = tmp_path / "u.csv"
    with_column.write_text("单位,日期,活动类型\n甲,2024-03-01,专题研究\n", encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        read_ledger(with_column, unit_name="乙")
    assert caught.value.code == "unit_name.with_column" and "单位" in caught.value.text("en")
    # Spreadsheet-injection guarding is for formulas, not for a dash.
    assert safe_text("-") == "-" and safe_text("-1+2") == "'-1+2" and safe_text("=SUM(A1)") == "'=SUM(A1)"


def _folder(tmp_path):
    """Four units' submissions as a county receives them, plus files that are not ledgers."""
    root = tmp_path / "2024年报送"
    (root / "县教育局").mkdir(parents=True)
    _quarter_book(root / "城关镇党委.xlsx")
    (root / "河口乡党委.csv").write_bytes(
        "序号,日期,活动类型,主题\n1,2024-03-05,专题研究意识形态工作,党委会\n2,2024-13-01,意识形态知识学习,学习\n"
        "3,2024-07-01,篮球赛,工会活动\n".encode("gbk")
    )
    (root / "县教育局" / "台账.csv").write_text(
        "单位,日期,活动类型\n县教育局党组,2024-04-01,形势政策教育\n县教育局党组,2024-05-01,专题研究\n", encoding="utf-8"
    )
    records = [{"unit": "县卫健局党组", "date": "2024-06-30", "activity": "民主生活会"}]
    (root / "县卫健局.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    (root / ".河口乡党委.csv").write_text("not a ledger", encoding="utf-8")  # hidden
    (root / "~$城关镇党委.xlsx").write_bytes(b"lock")  # WPS/Office lock file
    (root / "说明.txt").write_text("报送说明", encoding="utf-8")
    return root


def test_a_folder_of_several_units_files_in_mixed_formats_is_one_ledger(tmp_path):
    root = _folder(tmp_path)
    ledger = read_ledger(root)
    assert set(ledger.table["unit"].to_pylist()) == {"城关镇党委", "河口乡党委", "县教育局党组", "县卫健局党组"}
    # The GBK file's bad date is rejected and says where it is.
    (bad,) = ledger.rejected
    assert (bad.file, bad.sheet, bad.ref, bad.row) == ("河口乡党委.csv", None, "河口乡党委.csv:3", 3)
    # References name the file, and the sheet only for the workbook with several sheets read.
    ids = ledger.table["id"].to_pylist()
    assert "城关镇党委.xlsx:一季度!1" in ids and "台账.csv:2" in ids and "县卫健局.jsonl:1" in ids
    result = evaluate(load_pack("ideology-responsibility"), ledger, year=2024, as_of=dt.date(2024, 12, 31))
    files = {f.file: f for f in result.input.files}
    # Sorted path order (by code point): 县卫健局.jsonl, 县教育局/台账.csv, 城关镇党委.xlsx, 河口乡党委.csv.
    assert list(files) == ["县卫健局.jsonl", "台账.csv", "城关镇党委.xlsx", "河口乡党委.csv"]
    # 河口乡: 3 rows = 1 matched (专题研究意识形态工作) + 1 unmatched (篮球赛) + 1 rejected (2024-13-01).
    assert files["河口乡党委.csv"].model_dump(exclude={"file"}) == {
        "rows": 3, "matched": 1, "unmatched": 1, "rejected": 1, "blank": 0
    }  # fmt: skip
    assert (files["城关镇党委.xlsx"].rows, files["城关镇党委.xlsx"].matched) == (14, 14)
    for f in result.input.files:
        assert f.rows == f.matched + f.unmatched + f.rejected
    total = result.input
    assert total.rows == sum(f.rows for f in total.files) == 14 + 3 + 2 + 1
    assert total.rows == total.matched + total.unmatched + total.rejected
    (stray,) = result.unmatched
    assert (stray.activity, stray.file, stray.ref) == ("篮球赛", "河口乡党委.csv", "河口乡党委.csv:4")
    data = json.loads(result.to_json())
    assert data["rejected"][0]["ref"] == "河口乡党委.csv:3" and data["rejected"][0]["sheet"] is None
    assert data["input"]["files"][3]["file"] == "河口乡党委.csv"


def test_unreadable_and_empty_folders_are_errors_naming_them(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(LedgerError, match="empty: the folder holds no ledger files"):
        read_ledger(tmp_path / "empty")
    root = _folder(tmp_path)
    (root / "坏文件.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(LedgerError, match=r"坏文件\.xlsx"):
        read_ledger(root)


def test_a_header_only_ledger_is_an_error_unless_listed_units_are_evaluated(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("单位,日期,活动类型\n", encoding="utf-8")
    with pytest.raises(LedgerError, match="header but no rows"):
        read_ledger(path)
    ledger = read_ledger(path, empty_ok=True)
    assert ledger.rows == 0 and [n.kind for n in ledger.notices] == ["empty"]


def test_bytes_and_uploads_are_named_by_their_name_never_a_temporary_path(tmp_path):
    path = tmp_path / "x.xlsx"
    _quarter_book(path, unit_line=None)
    data = path.read_bytes()
    ledger = read_ledger(data, name="城关镇党委.xlsx")
    assert ledger.source == "城关镇党委.xlsx" and ledger.rows == 14
    assert set(ledger.table["unit"].to_pylist()) == {"城关镇党委"}  # the name stands for the file
    upload = io.BytesIO(data)
    upload.name = "河口乡党委.xlsx"
    assert set(read_ledger(upload).table["unit"].to_pylist()) == {"河口乡党委"}
    with pytest.raises(LedgerError) as caught:
        read_ledger(b"PK\x03\x04 damaged", name="台账.xlsx")
    assert str(caught.value).startswith("台账.xlsx:") and "/tmp" not in str(caught.value)


def test_rows_and_arrow_tables_with_the_field_names_are_ledgers():
    rows = [
        {"unit": "宣传科", "date": "2024-03-01", "activity": "专题研究", "title": "党组会"},
        {"unit": "宣传科", "date": dt.date(2024, 9, 1), "activity": "专题研究", "hours": 1.5},
        {"unit": "宣传科", "date": "bad", "activity": "专题研究"},
    ]
    table = pa.table(
        {
            "unit": ["宣传科"] * 3,
            "date": pa.array([dt.date(2024, 3, 1), dt.date(2024, 9, 1), None], pa.date32()),
            "activity": ["专题研究"] * 3,
            "hours": [None, 1.5, None],
        }
    )
    ledger = read_ledger(table)
    assert ledger.table["date"].to_pylist() == [dt.date(2024, 3, 1), dt.date(2024, 9, 1)]
    assert ledger.table["hours"].to_pylist() == [None, 1.5] and ledger.source == "rows"
    assert [(r.row, r.reason) for r in ledger.rejected] == [(4, "no date")]
    for given in (rows,):
        ledger = read_ledger(given)
        assert ledger.table["date"].to_pylist() == [dt.date(2024, 3, 1), dt.date(2024, 9, 1)]
        assert ledger.table["hours"].to_pylist() == [None, 1.5]
        assert [(r.row, r.reason) for r in ledger.rejected] == [(4, "unparseable date 'bad'")]


def test_the_cli_reads_several_paths_repeated_sheets_and_a_unit_name(tmp_path, capsys):
    from checklist.cli import main

    root = _folder(tmp_path)
    extra = tmp_path / "县文旅局.csv"
    extra.write_text("日期,活动类型\n2024-03-01,专题研究意识形态工作\n", encoding="utf-8")
    assert main(["evaluate", str(root), str(extra), "--year", "2024", "--as-of", "2024-12-31", "--format", "json"]) in (
        0,
        1,
    )
    data = json.loads(capsys.readouterr().out)
    assert [f["file"] for f in data["input"]["files"]][-1] == "县文旅局.csv"
    assert data["input"]["rows"] == 20 + 1
    book = root / "城关镇党委.xlsx"
    argv = ["log", "check", str(book), "--sheet", "一季度", "--sheet", "二季度", "--lang", "en"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "6" in out  # 3 + 3 rows of the two quarters
    assert main(["log", "check", str(root / "县教育局" / "台账.csv"), "--unit-name", "甲", "--lang", "en"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--unit-name" in err[0]


def test_the_cli_evaluates_listed_units_of_a_header_only_ledger(tmp_path, capsys):
    from checklist.cli import main

    ledger = tmp_path / "台账.csv"
    ledger.write_text("单位,日期,活动类型\n", encoding="utf-8")
    units = tmp_path / "units.csv"
    units.write_text("unit,type,parent,established,dissolved\n城关镇党委,,,,\n", encoding="utf-8")
    argv = [
        "evaluate",
        str(ledger),
        "--units",
        str(units),
        "--year",
        "2024",
        "--as-of",
        "2024-12-31",
        "--format",
        "json",
    ]
    assert main(argv) == 1  # every duty of the year is a gap
    data = json.loads(capsys.readouterr().out)
    assert data["input"]["rows"] == 0 and [u["unit"] for u in data["units"]] == ["城关镇党委"]
    assert "empty" in [w["kind"] for w in data["warnings"]]
    assert main(["evaluate", str(ledger), "--year", "2024"]) == 2


def test_records_outside_a_units_active_span_count_in_no_finding_and_are_named_once(tmp_path):
    from checklist.ledger.side import read_units

    ledger_path = tmp_path / "台账.csv"
    ledger_path.write_text(
        "单位,日期,活动类型,佐证材料\n"
        "新区党工委,2024-03-01,专题研究意识形态工作,\n"  # before it existed: no evidence gap for it
        "新区党工委,2024-03-02,重大舆情,\n"  # before it existed: no response finding either
        "新区党工委,2024-08-01,专题研究意识形态工作,\n"  # inside: an evidence gap
        "新区党工委,2024-09-01,专题研究意识形态工作,会议纪要\n",
        encoding="utf-8",
    )
    units_path = tmp_path / "units.csv"
    units_path.write_text("unit,type,parent,established,dissolved\n新区党工委,,,2024-07-01,\n", encoding="utf-8")
    result = evaluate(
        load_pack("ideology-responsibility"),
        read_ledger(ledger_path),
        year=2024,
        as_of=dt.date(2024, 12, 31),
        unit_list=read_units(units_path),
    )
    evidence = [f for f in result.findings if f.rule == "evidence-on-file"]
    assert [f.records for f in evidence] == [[4]]
    assert not [f for f in result.findings if f.rule == "major-incident-report"]
    (span,) = [w for w in result.warnings if w.kind == "span"]
    assert span.rows == [2, 3] and span.code == "span.outside"
    assert result.input.rows == 4 and result.input.matched == 4  # still accounted for


def test_a_lone_quote_cannot_hide_hundreds_of_rows(tmp_path):
    lines = ["序号,日期,活动类型,主题,参加人员"]
    for n in range(1, 1001):
        day = dt.date(2024, 1, 1) + dt.timedelta(days=n % 360)
        title = '"学习强国答题活动' if n == 5 else f"第{n}次学习"  # spreadsheet row 6: a quote never closed
        lines.append(f"{n},{day.isoformat()},意识形态知识学习,{title},张三")
    path = tmp_path / "t.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ledger = read_ledger(path)
    assert ledger.rows == 1000 and not ledger.rejected
    (quote,) = [n for n in ledger.notices if n.kind == "quote"]
    # The quote on line 6 reached the end of the file: lines 6..1001 were one value of row 6.
    assert quote.rows == [6] and "lines 6-1001" in quote.message
    assert ledger.table["title"].to_pylist()[4] == '"学习强国答题活动'
    assert ledger.table["row"].to_pylist()[-1] == 1001


def test_a_title_written_on_two_lines_is_not_a_stray_quote(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        '日期,活动类型,主题\n2024-03-01,专题研究,"上午：部署\n下午：讨论"\n2024-03-02,专题研究,x\n', encoding="utf-8"
    )
    ledger = read_ledger(path)
    assert ledger.rows == 2 and not [n for n in ledger.notices if n.kind == "quote"]
    assert ledger.table["title"].to_pylist()[0] == "上午：部署\n下午：讨论"
