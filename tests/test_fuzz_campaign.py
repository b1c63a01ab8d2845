"""The fuzz campaign's judge (bench/fuzz.py) and what the campaign found (issue 11).

The classifier must call a correct multi-problem error `refused` (a damaged pack may have several
problems, one located line each) and still call every real traceback a traceback. The findings are
rebuilt from the shapes of the campaign's cases; expected counts are worked out from the rows written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import io
import sys
from pathlib import Path

import pytest

from checklist.cli import main
from checklist.errors import ChecklistError
from checklist.ledger import read_ledger
from checklist.pack import load_pack

ROOT = Path(__file__).resolve().parents[1]


def _harness():
    spec = importlib.util.spec_from_file_location("fuzz_harness", ROOT / "bench" / "fuzz.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["fuzz_harness"] = module
    spec.loader.exec_module(module)
    return module


fuzz = _harness()

# A pack damaged the way the campaign damages packs (pack:387 of the first runs): a key typed into
# the rule's first line, so the rule misses `id` and has an unknown key `idF` -- two problems.
TWO_PROBLEMS = """\
id: damaged
version: "1"
language: zh
rules:
  - idF: x
    title: 意识形态工作
    kind: frequency
"""


def _run(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(argv, out=io.StringIO())
    return code, err.getvalue()


def test_a_multi_problem_pack_error_is_refused_not_a_traceback(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "pack.yaml"
    path.write_text(TWO_PROBLEMS, encoding="utf-8")
    with pytest.raises(ChecklistError) as caught:
        load_pack(str(path))
    assert len(caught.value.problems) >= 2  # the shape that was mislabelled: several lines
    assert fuzz.classify_error(caught.value) == "refused"
    code, stderr = _run(["rules", "validate", "pack.yaml"])
    assert code == 2 and len(stderr.splitlines()) >= 2
    assert all(line.startswith("pack.yaml:") for line in stderr.splitlines())
    assert fuzz.classify_cli(code, stderr) == "refused"


def test_a_real_traceback_is_still_a_traceback(monkeypatch):
    assert fuzz.classify_error(ValueError("boom")) == "traceback"
    assert fuzz.classify_error(RecursionError()) == "traceback"
    pasted = 'Traceback (most recent call last):\n  File "x.py", line 1, in <module>\nValueError: boom'
    assert fuzz.classify_error(ChecklistError(pasted)) == "traceback"  # a multi-line message is no refusal
    assert fuzz.classify_error(ChecklistError("")) == "traceback"  # nor is an empty one

    def boom(args, out):
        raise ValueError("boom")

    from checklist.cli import calendar

    monkeypatch.setattr(calendar, "cmd_calendar", boom)
    code, stderr = _run(["calendar"])
    assert code == 3 and fuzz.classify_cli(code, stderr) == "traceback"
    code, stderr = _run(["calendar", "--debug"])
    assert "Traceback (most recent call last)" in stderr and fuzz.classify_cli(code, stderr) == "traceback"
    # A traceback printed under an exit code 2 (or after a first located line) is still one.
    assert fuzz.classify_cli(2, "pack.yaml:3:1: x\n" + pasted + "\n") == "traceback"
    assert fuzz.classify_cli(0, "Exception ignored in: <function f>\n") == "traceback"
    assert fuzz.classify_cli(2, "ValueError: boom\nKeyError: 'x'\n") == "traceback"
    assert fuzz.classify_cli(2, "") == "traceback"  # exit 2 must say why


def test_the_other_cli_classes():
    assert fuzz.classify_cli(2, "错误：--year 须在 1900 至 2100 之间\n") == "refused"
    assert fuzz.classify_cli(1, "") == "exit1"
    assert fuzz.classify_cli(0, "") == "exit0"


def test_the_loss_check_can_fail(tmp_path):
    """The harness's silent-loss check compares rows read with the records written."""
    path = tmp_path / "台账.csv"
    path.write_text("日期,活动类型\n2024-03-15,三会一课\n2024-03-16,三会一课\n", encoding="utf-8")
    assert fuzz._read_and_evaluate(path, 2, exact=True)[0] == "ok"
    assert fuzz._read_and_evaluate(path, 3, exact=True)[0] == "loss"  # one record missing
    assert fuzz._read_and_evaluate(path, 1, exact=True)[0] == "loss"  # a phantom row is no better


# ---------------------------------------------------------------- findings (stray quotes)


def test_a_lone_quote_in_a_file_with_cr_line_ends_hides_no_rows(tmp_path):
    """csv:97000427: a CSV saved with bare CR line ends, a 主题 starting with a lone quote. The quote
    never closes, so a quote-aware read makes rows 3-5 one title; every physical line must be a row."""
    lines = [
        "序号,日期,单位,活动类型,主题",
        "1,2024-03-15,县委宣传部,三会一课,学习",
        '2,2024-03-16,县委宣传部,三会一课,"引号',
        "3,2024-03-17,县委宣传部,主题党日,学习",
        "4,2024-03-18,县委宣传部,谈心谈话,学习",
    ]
    path = tmp_path / "台账.csv"
    path.write_bytes("\r".join(lines).encode("utf-8") + b"\r")
    ledger = read_ledger(path)
    assert ledger.rows == 4 and not ledger.rejected  # four dated rows written, four read
    assert ledger.table["date"].to_pylist() == [dt.date(2024, 3, d) for d in (15, 16, 17, 18)]
    assert ledger.table["title"].to_pylist()[1] == '"引号'
    (quote,) = [n for n in ledger.notices if n.kind == "quote"]
    assert quote.rows == [3] and "lines 3-5" in quote.message


def test_a_lone_quote_closed_by_the_next_rows_quote_hides_no_row(tmp_path):
    """csv:97000602: the lone quote of row 2 is closed by the opening quote of row 3's two-line title,
    so row 3's first line ends up in row 2's title and row 3 (2024-03-16) vanished without a word."""
    text = (
        "序号,日期,单位,活动类型,主题,参加人员,佐证材料\n"
        '1,2024-03-15,县委宣传部,意识形态知识学习,"引号,张三、李四,纪要\n'
        '2,2024-03-16,县委宣传部,专题研究意识形态工作,"换\n'
        '行",张三、李四,纪要\n'
        "3,2024-03-17,县委宣传部,主题党日,学习,张三、李四,纪要\n"
    )
    path = tmp_path / "台账.csv"
    path.write_text(text, encoding="utf-8")
    ledger = read_ledger(path)
    # Lines 2-3 are read again one by one: rows 1 and 2 with their dates, line 4 (`行",张三、李四,纪要`,
    # the second half of row 2's title) a row whose date is '张三、李四' -> rejected, line 5 row 3.
    assert ledger.rows == 4
    assert ledger.table["date"].to_pylist() == [dt.date(2024, 3, 15), dt.date(2024, 3, 16), dt.date(2024, 3, 17)]
    assert [r.row for r in ledger.rejected] == [4] and ledger.rejected[0].code == "date.unparseable"
    assert [n.kind for n in ledger.notices].count("quote") == 1


def test_a_title_on_two_lines_with_cr_line_ends_stays_one_value(tmp_path):
    """The other side of the CR fix: a quoted title written on two lines is no stray quote."""
    path = tmp_path / "台账.csv"
    path.write_bytes(
        '日期,活动类型,主题\r2024-03-01,专题研究,"上午：部署\r下午：讨论"\r2024-03-02,专题研究,x\r'.encode()
    )
    ledger = read_ledger(path)
    assert ledger.rows == 2 and not [n for n in ledger.notices if n.kind == "quote"]
    assert ledger.table["title"].to_pylist()[0] == "上午：部署\r下午：讨论"


# ---------------------------------------------------------------- findings (wide sheets)


def test_a_header_cell_moved_to_the_last_column_reads_in_linear_time(tmp_path):
    """xls:21006120: damage moved the 主题 header cell of a 3-row .xls to column 65,536, and padding
    every row again for every column took 5 minutes. The same shape as an .xlsx (主题 at XFD1): two
    data rows, 16,384 columns."""
    import time

    import xlsxwriter

    path = tmp_path / "台账.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("台账")
    sheet.write_row(0, 0, ["序号", "日期", "单位", "活动类型"])
    sheet.write_row(0, 5, ["参加人员", "佐证材料"])
    sheet.write(0, 16383, "主题")
    sheet.write_row(1, 0, ["1", "3月15日", "", "党内通报", "学习", "张三、李四", "纪要"])
    sheet.write_row(2, 0, ["2", "2024年3月15日", "县委宣传部", "三会一课", "学习", "张三、李四", "纪要"])
    book.close()
    started = time.monotonic()
    ledger = read_ledger(path)
    assert time.monotonic() - started < 5  # 10 s before on an idle machine, under 1 s now
    # Row 2's date has no year (no year in the sheet name or above the header): rejected. Row 3 is
    # usable; its 主题 is the (empty) cell under the header in column XFD.
    assert ledger.rows == 2 and [(r.row, r.code) for r in ledger.rejected] == [(2, "date.no_year")]
    assert ledger.table.select(["row", "date", "unit", "title"]).to_pylist() == [
        {"row": 3, "date": dt.date(2024, 3, 15), "unit": "县委宣传部", "title": ""}
    ]


# ---------------------------------------------------------------- findings (packs)


def test_a_pack_extending_a_name_too_long_for_the_file_system_is_a_pack_error(tmp_path):
    """pack:22002853: a damaged pack's `extends` names `branch-routines` followed by 4,301 nines; looking
    for that file raised OSError (file name too long), a traceback. It is a pack that does not exist."""
    path = tmp_path / "pack.yaml"
    path.write_text(
        "pack: office\nversion: '1'\ntitle: 机关\nlanguage: zh\n"
        f"extends: [ideology-responsibility, branch-routines{'9' * 4301}]\nrules: []\n",
        encoding="utf-8",
    )
    with pytest.raises(ChecklistError) as caught:
        load_pack(str(path))
    (problem,) = caught.value.problems
    # Line 5; column: "extends: [" (10) + "ideology-responsibility" (23) + ", " (2) -> the name starts at 36.
    assert str(problem.location) == f"{path}:5:36" and problem.path == "extends[1]"
    assert problem.code == "pack.not_found" and fuzz.classify_error(caught.value) == "refused"


def test_blank_row_check_stops_once_every_candidate_has_a_value():
    """csv:24004753: a GB18030 CSV whose header is 序号 and 98,000 semicolons, one data row without a
    date: the blank-row check compared that row column by column, 98,000 times (35 s, a timeout).
    Candidates with a value in their first column are settled there; a row blank throughout is still
    found, and a row whose only value is in its last column is not blank."""
    import time

    import numpy as np
    import pyarrow as pa

    from checklist.ledger.ledger import _blank_rows
    from checklist.ledger.readers import RawTable

    width = 30_000
    first = pa.array(["1", "2", ""], type=pa.string())
    empty = pa.array(["", "", ""], type=pa.string())
    columns = [first] + [empty] * (width - 1)
    raw = RawTable([f"c{i}" for i in range(width)], 1, columns, pa.array([2, 3, 4], type=pa.int32()))
    started = time.monotonic()
    assert _blank_rows(raw, np.array([True, True, False])).tolist() == [False, False, False]
    assert time.monotonic() - started < 2  # 30,000 columns x 8 Arrow calls took 10 s before
    # Rows: the first has a value in column a, the second none, the third only in its last column.
    a, c = pa.array(["1", "", ""], type=pa.string()), pa.array(["", "", "x"], type=pa.string())
    raw = RawTable(["a", "b", "c"], 1, [a, empty, c], pa.array([2, 3, 4], type=pa.int32()))
    assert _blank_rows(raw, np.array([True, True, True])).tolist() == [False, True, False]
