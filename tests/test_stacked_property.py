"""Reading a folder stacks the tables that share headers and parses them as one (ledger.normalise).
Whatever the files hold, each file must come out of the folder exactly as it comes out read alone:
the same rows with the same dates, units, activities and titles, the same rejected rows for the
same reasons, the same notices citing the same rows, the same counts.

Files are drawn as units keep them: an optional 「2024年度…台账」 title (which gives dates written
without a year their year), an optional 填报单位 line, one of two header layouts, dates in several
forms (ISO, 2024年3月5日, 3月28日 without a year, impossible ones, none), blank activities, blank lines.
"""

from __future__ import annotations

import io

import numpy as np
import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checklist import read_ledger

LAYOUTS = (["序号", "日期", "活动类型", "活动名称"], ["单位", "日期", "活动类型", "主题", "参加人员"])
DATES = st.sampled_from(["2024-03-05", "2024年6月28日", "3月28日", "9月21日", "2024-13-01", "", "2024/10/12"])
TYPES = st.sampled_from(["专题研究意识形态工作", "意识形态知识学习", "形势政策教育", "", "篮球赛"])
TITLES = st.sampled_from(["党委会专题研究意识形态工作", "学习实施办法", "全国两会精神宣讲", ""])


def _table(draw: st.DrawFn, n: int, layout: list[str]) -> list[list[str]]:
    """A sheet as a unit keeps it: title, 填报单位 line, header, rows (some blank, some bad)."""
    unit = f"第{n}党支部"
    width = len(layout)
    lines = []
    if draw(st.booleans()):
        lines.append(["2024年度意识形态工作台账"] + [""] * (width - 1))
    if layout[0] != "单位" and draw(st.booleans()):
        lines.append([f"填报单位：{unit}"] + [""] * (width - 1))
    lines.append(list(layout))
    for i in range(draw(st.integers(0, 8))):
        if draw(st.integers(0, 9)) == 0:
            lines.append([""] * width)  # a blank line
            continue
        date, kind, title = draw(DATES), draw(TYPES), f"{draw(TITLES)}（{n}）"  # no repeat across files
        cells = (
            [unit if draw(st.integers(0, 5)) else "", date, kind, title, "全体党员"]
            if layout[0] == "单位"
            else [str(i + 1), date, kind, title]
        )
        lines.append(cells)
    return lines


@st.composite
def ledger_file(draw: st.DrawFn, n: int) -> tuple[str, bytes]:
    lines = _table(draw, n, draw(st.sampled_from(LAYOUTS)))
    encoding = draw(st.sampled_from(["utf-8", "gbk", "utf-8-sig"]))
    return f"{n:02d}第{n}党支部.csv", ("\n".join(",".join(cells) for cells in lines) + "\n").encode(encoding)


@st.composite
def workbook_file(draw: st.DrawFn, n: int) -> tuple[str, bytes]:
    """A workbook of one to three sheets (a year or a quarter each, or 补录 with no year), each its own layout."""
    names = draw(st.lists(st.sampled_from(["2023年", "2024年", "一季度", "补录"]), min_size=1, max_size=3, unique=True))
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name in names:
        sheet = book.create_sheet(name)
        for cells in _table(draw, n, draw(st.sampled_from(LAYOUTS))):
            sheet.append([c or None for c in cells])
    out = io.BytesIO()
    book.save(out)
    return f"{n:02d}第{n}党支部.xlsx", out.getvalue()


def _rows(ledger, indices) -> list[tuple]:
    columns = [ledger.table[c].take(indices).to_pylist() for c in ("row", "date", "unit", "activity", "title")]
    return list(zip(*columns, strict=True))


def _notices(notices, prefix: str | None) -> list[tuple]:
    """(code, rows) of the notices that cite rows, each keeping only the rows of the file named by
    `prefix` (notices of several files about the same thing are merged into one), the prefix dropped."""
    out = []
    for n in notices:
        rows = [str(r) for r in n.rows]
        if prefix is not None:
            rows = [r[len(prefix) :] for r in rows if r.startswith(prefix)]
        if rows:
            out.append((n.code, tuple(rows)))
    return sorted(out)


SETTINGS = {"deadline": None, "derandomize": True, "suppress_health_check": [HealthCheck.function_scoped_fixture]}


@settings(max_examples=40, **SETTINGS)
@given(files=st.integers(2, 4).flatmap(lambda k: st.tuples(*(ledger_file(n) for n in range(k)))))
def test_each_file_of_a_folder_reads_as_it_reads_alone(tmp_path_factory, files):
    _same_alone_and_in_folder(tmp_path_factory.mktemp("folder"), files)


@settings(max_examples=12, **SETTINGS)  # each read starts the Excel children: fewer, slower examples
@given(files=st.tuples(ledger_file(0), workbook_file(1), ledger_file(2)))
def test_each_sheet_of_a_workbook_in_a_folder_reads_as_it_reads_alone(tmp_path_factory, files):
    _same_alone_and_in_folder(tmp_path_factory.mktemp("folder"), files)


def _same_alone_and_in_folder(root, files) -> None:
    for name, data in files:
        (root / name).write_bytes(data)
    alone = {}
    for name, _data in files:
        try:
            alone[name] = read_ledger(root / name, empty_ok=True)
        except Exception as err:
            alone[name] = err
    refused = [name for name, _data in files if isinstance(alone[name], Exception)]
    if refused:  # a file refused alone is refused in the folder too, by the same kind of error
        try:
            read_ledger(root, empty_ok=True)
        except Exception as err:
            assert type(err) is type(alone[refused[0]])
            return
        raise AssertionError(f"{refused[0]} was refused alone but read in the folder")
    whole = read_ledger(root, empty_ok=True)
    file_of = np.array([f for f, _s, _r in whole.places(np.arange(whole.table.num_rows))], dtype=object)
    for name, _data in files:
        one = alone[name]
        mine = np.flatnonzero(file_of == name)
        assert _rows(whole, mine) == _rows(one, np.arange(one.table.num_rows)), name
        assert [(r.sheet, r.row, r.code, r.unit) for r in whole.rejected if r.file == name] == [
            (r.sheet, r.row, r.code, r.unit) for r in one.rejected
        ], name
        counts = [(t.sheet, t.rows, t.rejected, t.blank_rows, t.unit) for t in whole.tables if t.file == name]
        assert counts == [(t.sheet, t.rows, t.rejected, t.blank_rows, t.unit) for t in one.tables], name
        assert _notices(whole.notices, f"{name}:") == _notices(one.notices, None), name
