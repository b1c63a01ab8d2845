"""Reading real 台账 files: every format to the same table, every row accounted for, bad input located."""

from __future__ import annotations

import csv
import datetime as dt
import json

import openpyxl
import pytest
import xlwt

from checklist.cli import main
from checklist.errors import LedgerError, UsageError
from checklist.ledger import read_ledger

HEADER = ["序号", "单位", "日期", "活动类型", "主题", "参加人员", "佐证材料", "学时"]
# (id, unit, date, activity, title, participants, evidence, hours) — dates as the canonical day and minute
ROWS = [
    (
        1,
        "县委宣传部",
        dt.datetime(2024, 3, 15),
        "专题研究意识形态工作",
        "党组会专题研究部署意识形态工作",
        "张三、李四",
        "会议纪要",
        2,
    ),
    (
        2,
        "县委宣传部",
        dt.datetime(2024, 6, 28),
        "意识形态知识学习",
        "学习贯彻党的二十届三中全会精神",
        "张三",
        "签到表",
        1.5,
    ),
    (3, "县教育局党组", dt.datetime(2024, 11, 12, 14, 30), "形势与政策教育", "形势政策报告会", "王五、赵六", "", 3),
    (4, "县教育局党组", dt.datetime(2024, 12, 5), "党内通报", '=HYPERLINK("http://x","y")', "王五", "通报", 1),
]
# How a clerk writes the same dates in a CSV export
CSV_DATES = ["2024年3月15日", "二〇二四年六月二十八日", "2024/11/12 14:30", "20241205"]


def _csv_text(delimiter: str = ",", dates: list[str] = CSV_DATES) -> str:
    lines = [delimiter.join(HEADER)]
    for (ident, unit, _day, activity, title, people, evidence, hours), day_text in zip(ROWS, dates, strict=True):
        cells = [str(ident), unit, day_text, activity, title, people, evidence, f"{hours:g}"]
        lines.append(
            delimiter.join(f'"{c}"' if '"' in c or delimiter in c else c for c in cells).replace(
                '"=HYPERLINK("http://x","y")"', '"=HYPERLINK(""http://x"",""y"")"'
            )
        )
    return "\r\n".join(lines) + "\r\n"


def _canonical(ledger) -> list[tuple]:
    t = ledger.table
    return list(
        zip(
            t["id"].to_pylist(),
            t["unit"].to_pylist(),
            t["date"].to_pylist(),
            t["minute"].to_pylist(),
            t["activity"].to_pylist(),
            t["title"].to_pylist(),
            t["participants"].to_pylist(),
            t["evidence"].to_pylist(),
            t["hours"].to_pylist(),
            strict=True,
        )
    )


EXPECTED = [
    (str(i), u, d.date(), (d.hour * 60 + d.minute) or None, a, t, p, e, float(h)) for i, u, d, a, t, p, e, h in ROWS
]


@pytest.fixture
def gbk_csv(tmp_path):
    path = tmp_path / "宣传部台账.csv"
    path.write_bytes(_csv_text().encode("gbk"))
    return path


def test_gbk_csv_with_chinese_headers(gbk_csv):
    ledger = read_ledger(gbk_csv)
    assert _canonical(ledger) == EXPECTED
    assert ledger.table["row"].to_pylist() == [2, 3, 4, 5]
    assert ledger.rows == 4 and not ledger.rejected


def test_utf8_bom_semicolon_csv(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + _csv_text(";").encode("utf-8"))
    assert _canonical(read_ledger(path)) == EXPECTED


def test_tab_separated(tmp_path):
    path = tmp_path / "tabs.txt"
    path.write_text(_csv_text("\t"), encoding="utf-8")
    assert _canonical(read_ledger(path)) == EXPECTED


def test_xlsx_with_title_row_merged_cells_and_date_cells(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["XX县意识形态工作台账(2024年)"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet.append(HEADER)
    for ident, unit, day, activity, title, people, evidence, hours in ROWS:
        sheet.append([ident, unit, day, activity, title, people, evidence or None, hours])
    formula_text = sheet.cell(row=6, column=5)
    formula_text.data_type = "s"  # typed as text, as Excel keeps a leading '=' the clerk escaped
    # The two 县委宣传部 rows share one merged unit cell, as clerks format them.
    sheet["B4"] = None
    sheet.merge_cells("B3:B4")
    path = tmp_path / "台账.xlsx"
    book.save(path)
    ledger = read_ledger(path)
    assert _canonical(ledger) == EXPECTED
    assert ledger.header_row == 2 and ledger.table["row"].to_pylist() == [3, 4, 5, 6]


def test_legacy_xls(tmp_path):
    book = xlwt.Workbook()
    sheet = book.add_sheet("台账")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm")
    for c, name in enumerate(HEADER):
        sheet.write(0, c, name)
    for r, row in enumerate(ROWS, start=1):
        for c, value in enumerate(row):
            if isinstance(value, dt.datetime):
                sheet.write(r, c, value, date_style)
            else:
                sheet.write(r, c, value)
    path = tmp_path / "台账.xls"
    book.save(str(path))
    assert _canonical(read_ledger(path)) == EXPECTED


def test_json_lines(tmp_path):
    path = tmp_path / "ledger.jsonl"
    lines = []
    for ident, unit, day, activity, title, people, evidence, hours in ROWS:
        stamp = day.strftime("%Y-%m-%dT%H:%M") if day.hour else day.date().isoformat()
        lines.append(
            json.dumps(
                {
                    "id": ident,
                    "unit": unit,
                    "date": stamp,
                    "activity": activity,
                    "title": title,
                    "participants": people.split("、"),
                    "evidence": evidence,
                    "hours": hours,
                },
                ensure_ascii=False,
            )
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _canonical(read_ledger(path)) == EXPECTED


def test_every_row_is_accounted_for(tmp_path):
    text = (
        "XX县委宣传部2024年意识形态工作台账,,,\r\n"
        "单位,日期,活动类型,主题\r\n"
        "宣传部,2024-03-01,专题研究,第一次\r\n"  # row 3: usable
        "宣传部,2024-13-01,专题研究,坏日期\r\n"  # row 4: rejected
        ",,,\r\n"  # row 5: blank, not a row
        "宣传部,2024年3月上旬,专题研究,模糊日期\r\n"  # row 6: rejected (imprecise)
        '宣传部,2024-04-01,,"空类型\n换行"\r\n'  # row 7: rejected (empty activity), quoted newline
        "宣传部,2024-03-01,专题研究,第一次\r\n"  # row 8: duplicate of row 3, still a row
        "合计,,,共5项\r\n"  # row 9: summary line
        ",,,\r\n,,,\r\n"  # rows 10-11: blank
    )
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    ledger = read_ledger(path)
    assert ledger.header_row == 2
    assert ledger.table["row"].to_pylist() == [3, 8]
    assert [(r.row, r.reason.split(":")[0].split(" '")[0]) for r in ledger.rejected] == [
        (4, "unparseable date"),
        (6, "imprecise date"),
        (7, "empty activity"),
        (9, "summary row"),
    ]
    assert ledger.rows == 6 and ledger.blank_rows == 3
    assert ledger.table["duplicate"].to_pylist() == [False, True]
    assert [n.rows for n in ledger.notices if n.kind == "duplicate"] == [[3, 8]]


def _big_ledger(path, multiline_every: int | None, title_row: str) -> list[tuple[int, str]]:
    """A ledger over 1 MB (several reader blocks); returns (row, title) as a spreadsheet numbers them,
    worked out from the records written, not by any parser."""
    records = [[title_row, "", "", ""], ["单位", "日期", "活动类型", "主题"]]
    for i in range(16_000):
        title = f"第{i}次学习 学习贯彻习近平新时代中国特色社会主义思想"
        if multiline_every and i % multiline_every == 7:
            title = f"第{i}次学习\r\n会议纪要,附件{i}"  # a value over two lines, with a comma in it
        records.append([f"县第{i % 40}党支部", f"2024-{i % 12 + 1:02d}-{i % 28 + 1:02d}", "意识形态学习", title])
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(records)
    return [(number, r[3]) for number, r in enumerate(records, start=1)][2:]


@pytest.mark.parametrize("multiline_every", [None, 997, 5])
def test_values_spanning_lines_keep_every_row_and_its_number(tmp_path, multiline_every):
    path = tmp_path / "big.csv"
    expected = _big_ledger(path, multiline_every, "XX县委宣传部\n2024年意识形态工作台账")
    ledger = read_ledger(path)
    assert ledger.header_row == 2 and not ledger.rejected
    assert list(zip(ledger.table["row"].to_pylist(), ledger.table["title"].to_pylist(), strict=True)) == expected


def test_one_line_records_are_read_in_one_pass(tmp_path, monkeypatch):
    """Without values over several lines the quote-minding (slower) parse is never needed."""
    from checklist.ledger import readers

    passes: list[bool] = []
    original = readers._read_csv_arrow

    def spy(*args, multiline):
        passes.append(multiline)
        return original(*args, multiline=multiline)

    monkeypatch.setattr(readers, "_read_csv_arrow", spy)
    _big_ledger(tmp_path / "plain.csv", None, "2024年意识形态工作台账")
    _big_ledger(tmp_path / "spanning.csv", 997, "2024年意识形态工作台账")
    assert read_ledger(tmp_path / "plain.csv").rows == 16_000 and passes == [False]
    assert read_ledger(tmp_path / "spanning.csv").rows == 16_000 and passes == [False, False, True]


def test_last_line_without_newline_is_still_a_row(tmp_path, monkeypatch):
    from checklist.ledger import readers

    passes: list[bool] = []
    original = readers._read_csv_arrow
    monkeypatch.setattr(
        readers, "_read_csv_arrow", lambda *a, multiline: passes.append(multiline) or original(*a, multiline=multiline)
    )
    path = tmp_path / "t.csv"
    path.write_bytes("单位,日期,活动类型\r\n宣传部,2024-03-01,专题研究\r\n宣传部,2024-04-01,专题研究".encode())
    ledger = read_ledger(path)
    assert ledger.table["row"].to_pylist() == [2, 3] and passes == [False]


def test_trimmed_columns_share_the_readers_buffers_unless_something_was_trimmed():
    import pyarrow as pa

    from checklist.ledger.arrays import trimmed as _trimmed

    padded = pa.array(["\u3000学习贯彻", "党组会\xa0", " 主题党日\t", "第一次"])
    assert _trimmed(padded).to_pylist() == ["学习贯彻", "党组会", "主题党日", "第一次"]
    clean = pa.array(["学习贯彻", None, "党组会"])
    kept = _trimmed(clean)
    assert kept.to_pylist() == ["学习贯彻", "", "党组会"]
    plain = pa.array(["学习贯彻", "党组会"])
    assert _trimmed(plain).buffers()[2].address == plain.buffers()[2].address  # no copy kept


def test_gbk_with_invalid_bytes_says_which_rows(tmp_path):
    good = _csv_text().encode("gbk").split(b"\r\n")
    good[2] = good[2].replace("张三".encode("gbk"), b"\xff\xfe\xff")  # row 3: bytes no GBK can hold
    path = tmp_path / "broken.csv"
    path.write_bytes(b"\r\n".join(good))
    ledger = read_ledger(path)
    assert ledger.rows == 4 and not ledger.rejected
    notice = next(n for n in ledger.notices if n.kind == "encoding" and n.rows)
    assert notice.rows == [3] and "replaced" in notice.message


def test_formula_text_is_kept_as_text(gbk_csv):
    titles = read_ledger(gbk_csv).table["title"].to_pylist()
    assert titles[3] == '=HYPERLINK("http://x","y")'


def test_every_sheet_with_a_header_is_read_in_order_and_the_rest_named(tmp_path):
    book = openpyxl.Workbook()
    first = book.active
    first.title = "2024年"
    first.append(["日期", "活动类型"])
    first.append([dt.date(2024, 1, 5), "专题研究"])
    second = book.create_sheet("2023年")
    second.append(["日期", "活动类型"])
    second.append([dt.date(2023, 1, 5), "专题研究"])
    second.append([dt.date(2023, 2, 5), "专题研究"])
    notes = book.create_sheet("填表说明")
    notes.append(["本表按季度填写，日期写到日。"])
    book.create_sheet("Sheet3")
    path = tmp_path / "two.xlsx"
    book.save(path)
    ledger = read_ledger(path)
    assert ledger.table["date"].to_pylist() == [dt.date(2024, 1, 5), dt.date(2023, 1, 5), dt.date(2023, 2, 5)]
    # Two sheets read: each row is known by its sheet and row, as the clerk would find it.
    assert ledger.table["id"].to_pylist() == ["2024年!2", "2023年!2", "2023年!3"]
    (skipped,) = [n for n in ledger.notices if n.kind == "sheets"]
    assert skipped.code == "sheets.skipped" and "填表说明" in skipped.message and "Sheet3" in skipped.message
    assert "填表说明、Sheet3" in skipped.text("zh")
    only = read_ledger(path, sheet="2023年")
    assert only.rows == 2 and only.table["id"].to_pylist() == ["2", "3"]
    assert read_ledger(path, sheet=["2023年", "2024年"]).rows == 3
    with pytest.raises(UsageError) as caught:
        read_ledger(path, sheet="2022年")
    assert caught.value.text("en").endswith("no sheet '2022年'; sheets: 2024年, 2023年, 填表说明, Sheet3")
    assert caught.value.text("zh").endswith("没有工作表“2022年”；现有工作表：2024年、2023年、填表说明、Sheet3")


def test_xlsx_that_is_really_csv_is_read_by_content(tmp_path):
    path = tmp_path / "export.xlsx"
    path.write_bytes(_csv_text().encode("gbk"))
    ledger = read_ledger(path)
    assert _canonical(ledger) == EXPECTED
    assert any(n.kind == "format" and "read as csv" in n.message for n in ledger.notices)


def test_mapping_names_unusual_headers(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("会议日期,会议类别,党支部\n2024-05-01,支部党员大会,一支部\n", encoding="utf-8")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("date: 会议日期\nactivity: 会议类别\n", encoding="utf-8")
    ledger = read_ledger(path, mapping=mapping)
    assert ledger.table["unit"].to_pylist() == ["一支部"]
    assert ledger.columns == {"date": "会议日期", "activity": "会议类别", "unit": "党支部"}


BAD = [
    ("empty", b"", "t.csv:", "empty ledger", "台账为空"),
    ("blank-lines", b"\r\n\r\n  \r\n", "t.csv:", "empty ledger", "台账为空"),
    ("header-only", "日期,活动类型,单位\r\n".encode(), "t.csv:1:", "header but no rows", "没有数据行"),
    (
        "no-date-column",
        "时间段,活动类型\r\n上午,学习\r\n".encode("gbk"),
        "t.csv:1:",
        "missing required column(s) date",
        "缺少必填列：date",
    ),
    ("binary", bytes(range(256)) * 4, "t.csv:", "binary data", "二进制数据"),
    ("bad-number", "日期,活动类型,学时\r\n2024-01-01,学习,两小时\r\n".encode(), None, None, None),
]


@pytest.mark.parametrize(
    ("data", "where", "fragment", "chinese"), [b[1:] for b in BAD if b[2]], ids=[b[0] for b in BAD if b[2]]
)
def test_unusable_file_is_one_located_line(tmp_path, capsys, data, where, fragment, chinese):
    path = tmp_path / "t.csv"
    path.write_bytes(data)
    with pytest.raises(LedgerError) as info:
        read_ledger(path)
    assert str(info.value).startswith(str(path).replace("t.csv", where))
    assert fragment in str(info.value)
    assert main(["log", "check", str(path)]) == 2  # the pack's language: Chinese
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(str(path).replace("t.csv", where)) and chinese in err[0], err
    assert main(["log", "check", str(path), "--lang", "en"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and fragment in err[0] and "Traceback" not in err[0]


def test_missing_column_error_lists_found_and_accepted(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("时间段,活动类型,单位\n上午,学习,一支部\n", encoding="utf-8")
    with pytest.raises(LedgerError) as info:
        read_ledger(path)
    message = str(info.value)
    assert "headers found: 时间段, 活动类型, 单位" in message and "日期" in message and "--mapping" in message


def test_unparseable_number_rejects_the_row_with_reason(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(BAD[-1][1])
    ledger = read_ledger(path)
    assert [(r.row, r.reason) for r in ledger.rejected] == [(2, "学时 '两小时' is not a number")]


def test_log_check_prints_counts(gbk_csv, capsys):
    assert main(["log", "check", str(gbk_csv)]) == 0  # the first command a clerk runs: Chinese
    out = capsys.readouterr().out
    assert "共 4 行 = 已识别 4 + 未识别 0 + 无效 0" in out
    assert "日期范围 2024-03-15 至 2024-12-05" in out and "已按 GBK/GB18030 编码读取" in out
    assert main(["log", "check", str(gbk_csv), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "rows 4 = matched 4 + unmatched 0 + rejected 0" in out
    assert "dates 2024-03-15 .. 2024-12-05" in out


def test_unmatched_types_get_a_suggestion(tmp_path, capsys):
    path = tmp_path / "t.csv"
    path.write_text("日期,活动类型\n2024-01-05,形势报告会\n2024-01-06,篮球赛\n", encoding="utf-8")
    assert main(["log", "check", str(path), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    hints = {u["activity"]: u["suggestion"] for u in report["unmatched_types"]}
    assert hints == {"形势报告会": "形势政策教育", "篮球赛": None}


def test_pylist_reads_encoded_columns_as_pyarrow_does():
    import numpy as np
    import pyarrow as pa

    from checklist.ledger import arrays

    units = pa.chunked_array(
        [
            pa.array(["县委宣传部", "县教育局党组"]).dictionary_encode(),
            pa.array(["城关镇党委", "县委宣传部"]).dictionary_encode(),
        ]
    )
    assert arrays.pylist(units) == units.to_pylist() == ["县委宣传部", "县教育局党组", "城关镇党委", "县委宣传部"]
    assert arrays.pylist(units, np.array([3, 0, 2])) == ["县委宣传部", "县委宣传部", "城关镇党委"]
    with_null = pa.array(["县委宣传部", None]).dictionary_encode()
    assert arrays.pylist(with_null) == ["县委宣传部", None]
    assert arrays.pylist(pa.array([3, 8])) == [3, 8]
