"""Hostile and broken inputs (issue 11): each shape ends in one clean checklist error or a correct
result; never a traceback, an abort, unbounded memory or a silently lost row."""

from __future__ import annotations

import io
import re
import struct
import time
import zipfile
from pathlib import Path

import pytest
import xlwt

from checklist.errors import ChecklistError, LedgerError
from checklist.ledger import excel, read_ledger
from checklist.ledger import ledger as ledger_module

# ---------------------------------------------------------------- hostile workbooks, built small

_CT = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"'
    ' Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"'
    ' Target="worksheets/sheet1.xml"/></Relationships>'
)
LEDGER_CELLS = [("A1", "日期"), ("B1", "活动类型"), ("A2", "2024-03-15"), ("B2", "三会一课")]


def _sheet_xml(cells: list[tuple[str, str]], extra: str = "") -> str:
    rows: dict[int, list[str]] = {}
    for ref, value in cells:
        row = int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        rows.setdefault(row, []).append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
    body = "".join(f'<row r="{r}">{"".join(cs)}</row>' for r, cs in sorted(rows.items()))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{body}{extra}</sheetData></worksheet>"
    )


def xlsx_bytes(sheet: str, shared: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CT)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared is not None:
            archive.writestr("xl/sharedStrings.xml", shared)
    return out.getvalue()


def _read_error(tmp_path: Path, name: str, data: bytes) -> LedgerError:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(LedgerError) as caught:
        read_ledger(path)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(str(path))
    return caught.value


def test_well_formed_hand_built_workbook_is_read(tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(xlsx_bytes(_sheet_xml(LEDGER_CELLS)))
    ledger = read_ledger(path)
    assert ledger.rows == 1 and ledger.table["activity"].to_pylist() == ["三会一课"]


@pytest.mark.parametrize("far", ["XFD1048576", "GS200001"])
def test_one_far_cell_is_refused_at_once_by_what_the_file_holds(tmp_path, far):
    # One cell at XFD1048576 made calamine ask for 549 GB and abort; GS200001 ran for minutes.
    data = xlsx_bytes(_sheet_xml([*LEDGER_CELLS, (far, "x")]))
    assert len(data) < 5000
    err = _read_error(tmp_path, "far.xlsx", data)
    assert far in str(err) and "5" in str(err)  # the far cell, and the five cells the sheet really holds


@pytest.mark.parametrize("far", ["E900000", "AB200000"])
def test_a_far_cell_before_the_cells_near_it_is_refused(tmp_path, far):
    # Sheets are let through quickly when no reference has more digits than the last one (nor three
    # letters): a far cell early in the sheet (5 x 900,000 or 28 x 200,000 cells, over the 4M floor)
    # has more digits than the last reference, B2, so the sheet's cells are placed and counted.
    cell = f'<c r="{far}" t="inlineStr"><is><t>x</t></is></c>'
    sheet = _sheet_xml(LEDGER_CELLS).replace('<row r="1">', f'<row r="1">{cell}', 1)
    err = _read_error(tmp_path, "far-first.xlsx", xlsx_bytes(sheet))
    assert err.problems[0].code == "ledger.excel_sparse" and far in str(err)


_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _prefixed(sheet: str) -> str:
    """The same sheet with its elements named x:worksheet, x:row, x:c ... (a valid spelling)."""
    sheet = sheet.replace(f'<worksheet xmlns="{_MAIN_NS}">', f'<x:worksheet xmlns:x="{_MAIN_NS}">')
    return re.sub(r"<(/?)(sheetData|row|c|is|t|v)\b", r"<\1x:\2", sheet).replace("</worksheet>", "</x:worksheet>")


@pytest.mark.parametrize(
    ("name", "sheet"),
    [
        # a tab between the element name and its reference: calamine reads the cell, the quick count missed it
        (
            "tab",
            _sheet_xml(LEDGER_CELLS).replace(
                "</sheetData>", '<row r="9"><c\tr="GS200001"><v>1</v></c></row></sheetData>'
            ),
        ),
        # every element with a namespace prefix: <x:c r="GS200001"> is a cell to calamine too
        ("prefixed", _prefixed(_sheet_xml([*LEDGER_CELLS, ("GS200001", "x")]))),
    ],
)
def test_a_far_cell_spelled_another_way_is_refused_by_what_the_file_holds(tmp_path, name, sheet):
    # Both were read by calamine into a 200,001 x 201 range, past the memory limit ("cannot be read").
    err = _read_error(tmp_path, f"{name}.xlsx", xlsx_bytes(sheet))
    assert err.problems[0].code == "ledger.excel_sparse" and "GS200001" in str(err)


def test_far_cell_without_leading_reference_is_still_found(tmp_path):
    # The reference after another attribute: the quick count does not match, the careful scan places it.
    sheet = _sheet_xml(LEDGER_CELLS).replace(
        "</sheetData>", '<row r="900000"><c s="0" r="ZZ900000"/></row></sheetData>'
    )
    err = _read_error(tmp_path, "far2.xlsx", xlsx_bytes(sheet))
    assert "900000" in str(err)


def test_damaged_sheet_xml_is_one_error(tmp_path):
    _read_error(tmp_path, "broken.xlsx", xlsx_bytes(_sheet_xml(LEDGER_CELLS)[:-40]))


def test_bad_shared_string_index_is_one_error_or_a_read(tmp_path):
    sheet = _sheet_xml(LEDGER_CELLS).replace(
        '<c r="B2" t="inlineStr"><is><t>三会一课</t></is></c>', '<c r="B2" t="s"><v>99</v></c>'
    )
    shared = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1"><si><t>x</t></si></sst>'
    path = tmp_path / "sst.xlsx"
    path.write_bytes(xlsx_bytes(sheet, shared))
    try:
        ledger = read_ledger(path)
    except LedgerError as err:
        assert "\n" not in str(err)
    else:  # the cell is empty: the row has a date and no activity, so it is rejected, not lost
        assert ledger.rows == 1 and len(ledger.rejected) == 1


def test_zip_that_is_not_a_workbook_is_one_error(tmp_path):
    _read_error(tmp_path, "zip.xlsx", b"PK\x03\x04" + b"\x00" * 200)


def _xls_bytes(rows: int = 120) -> bytearray:
    book = xlwt.Workbook()
    sheet = book.add_sheet("台账")
    for column, header in enumerate(["日期", "活动类型", "主题"]):
        sheet.write(0, column, header)
    for row in range(1, rows):
        sheet.write(row, 0, f"2024-03-{row % 28 + 1:02d}")
        sheet.write(row, 1, "三会一课")
        sheet.write(row, 2, f"第{row}次")
    out = io.BytesIO()
    book.save(out)
    return bytearray(out.getvalue())


def test_xls_whose_directory_chain_loops_is_one_error_not_an_abort(tmp_path):
    # The compound file's FAT says the directory sector is followed by itself: calamine reads the
    # directory forever, allocating until the machine runs out (or aborts). 13-22 KB is enough.
    data = _xls_bytes()
    directory = struct.unpack_from("<I", data, 48)[0]
    fat_sector = struct.unpack_from("<I", data, 76)[0]
    struct.pack_into("<I", data, 512 + 512 * fat_sector + 4 * directory, directory)
    _read_error(tmp_path, "loop.xls", bytes(data))


def test_sound_xls_still_reads(tmp_path):
    path = tmp_path / "台账.xls"
    path.write_bytes(bytes(_xls_bytes()))
    assert read_ledger(path).rows == 119


def test_xls_whose_header_row_reaches_column_65536_reads_in_moments(tmp_path):
    # The fuzz campaign's damaged .xls: one header cell's column index became 0xFFFF, so the header
    # row is 65,536 cells wide. It read correctly but took 119 s (each column copied every row
    # again); columns are now built in one pass and the blank ones left out.
    book = xlwt.Workbook()
    sheet = book.add_sheet("台账")
    for column, header in enumerate(["日期", "活动类型", "主题", "序号"]):
        sheet.write(0, column, header)
    for row in range(1, 6):
        for column, value in enumerate([f"2024-03-{row:02d}", "三会一课", f"第{row}次", row]):
            sheet.write(row, column, value)
    out = io.BytesIO()
    book.save(out)
    data = bytearray(out.getvalue())
    label = b"\xfd\x00\x0a\x00\x00\x00\x03\x00"  # LABELSST, 10 bytes: row 0, column 3 (序号)
    assert data.count(label) == 1
    at = data.find(label)
    data[at + 6 : at + 8] = b"\xff\xff"  # column 65535
    path = tmp_path / "宽.xls"
    path.write_bytes(bytes(data))
    started = time.monotonic()
    ledger = read_ledger(path)
    assert time.monotonic() - started < 15
    assert ledger.rows == 5 and not ledger.rejected
    assert ledger.table["title"].to_pylist() == [f"第{n}次" for n in range(1, 6)]


def _fat_entry(data: bytearray, sector: int) -> int:
    """Offset of the FAT entry that says which sector follows `sector` (one FAT sector, 512-byte sectors)."""
    fat_sector = struct.unpack_from("<I", data, 76)[0]
    return 512 + 512 * fat_sector + 4 * sector


def _xls_400() -> bytearray:
    data = _xls_bytes(400)
    assert struct.unpack_from("<I", data, 48)[0] > 40  # xlwt: the workbook stream first, from sector 0 on
    return data


@pytest.mark.parametrize("follower", [5, 40, 0xFFFFFFFE], ids=["back", "skip", "end"])
def test_xls_whose_sector_chain_is_damaged_is_an_error_not_fewer_rows(tmp_path, follower):
    # The FAT says sector 30 of the workbook stream is followed by sector 5 (calamine then read 150
    # of the 399 rows and said nothing), by sector 40 (ten sectors skipped) or by nothing.
    data = _xls_400()
    struct.pack_into("<I", data, _fat_entry(data, 30), follower)
    err = _read_error(tmp_path, "断链.xls", bytes(data))
    assert err.problems[0].code == "ledger.excel_chain"


def test_xls_whose_records_break_off_is_an_error_not_fewer_rows(tmp_path):
    # One 4-byte overwrite (the fuzz campaign's shape): the header of row 61's 活动类型 cell record
    # becomes an EOF record, and calamine ends the sheet there, giving 61 of its 120 rows without a
    # word. The sheet's DIMENSIONS record claims 120 rows and records follow the false EOF.
    data = _xls_bytes()
    label = b"\xfd\x00\x0a\x00" + struct.pack("<HH", 60, 1)  # LABELSST, 10 bytes, row 60 (0-based), column 1
    assert data.count(label) == 1
    at = data.find(label)
    data[at : at + 4] = b"\x0a\x00\x00\x00"
    err = _read_error(tmp_path, "截断.xls", bytes(data))
    assert err.problems[0].code == "ledger.excel_cut"
    assert "台账" in str(err) and "120" in str(err) and "61" in str(err)


def test_xls_whose_workbook_records_break_off_is_an_error_not_fewer_rows(tmp_path):
    # Fuzz xls:24003341: four zero bytes over a record header among the workbook's own records (its
    # fonts, before the sheets are named) hid the sheets from the check, while calamine still read
    # the sheet and stopped at a damaged cell record: 15 of 26 rows, without a word.
    data = _xls_bytes()
    font = data.find(b"\x31\x00", 512)  # the first FONT record of the workbook stream (from sector 0)
    assert font > 0 and struct.unpack_from("<H", data, font + 2)[0] < 100
    data[font : font + 4] = b"\x00\x00\x00\x00"
    label = b"\xfd\x00\x0a\x00" + struct.pack("<HH", 60, 1)  # and row 61's 活动类型 cell record, as in the case
    at = data.find(label)
    data[at : at + 4] = b"\xff\xff\xff\xff"
    err = _read_error(tmp_path, "记录.xls", bytes(data))
    assert err.problems[0].code == "ledger.excel_records"


def test_xls_whose_stream_name_length_is_damaged_is_still_checked(tmp_path):
    # Fuzz xls:23006813: the directory entry's name length took in the NUL after "Workbook"; calamine
    # still finds the stream, so the check must too (here with the false EOF of the test above).
    data = _xls_bytes()
    entry = 512 + 512 * struct.unpack_from("<I", data, 48)[0] + 128  # the directory's second entry
    assert data[entry : entry + 16].decode("utf-16-le") == "Workbook"
    struct.pack_into("<H", data, entry + 64, struct.unpack_from("<H", data, entry + 64)[0] + 2)
    label = b"\xfd\x00\x0a\x00" + struct.pack("<HH", 60, 1)
    at = data.find(label)
    data[at : at + 4] = b"\x0a\x00\x00\x00"
    err = _read_error(tmp_path, "名称.xls", bytes(data))
    assert err.problems[0].code == "ledger.excel_cut"


def test_xls_with_formatted_blank_rows_below_its_data_is_not_taken_for_damage(tmp_path):
    # DIMENSIONS counts formatted empty cells (rows 11-30 here) that hold no value: not a loss.
    book = xlwt.Workbook()
    sheet = book.add_sheet("台账")
    yellow = xlwt.easyxf("pattern: pattern solid, fore_colour yellow")
    for column, header in enumerate(["日期", "活动类型"]):
        sheet.write(0, column, header)
    for row in range(1, 10):
        sheet.write(row, 0, f"2024-03-{row:02d}")
        sheet.write(row, 1, "三会一课")
    for row in range(10, 30):
        sheet.write(row, 0, "", yellow)
        sheet.write(row, 3, None, yellow)
    path = tmp_path / "格式.xls"
    book.save(str(path))
    assert read_ledger(path).rows == 9


def test_xls_whose_mini_stream_cutoff_is_damaged_is_an_error_not_fewer_rows(tmp_path):
    # The header's mini-stream cutoff is 4096 by the format; fuzz case xls:22004622 had it overwritten
    # with 0xFFFFFFFF and calamine gave 8 of 23 rows.
    data = _xls_400()
    struct.pack_into("<I", data, 56, 0xFFFFFFFF)
    err = _read_error(tmp_path, "文件头.xls", bytes(data))
    assert err.problems[0].code == "ledger.excel_chain"


def _record(kind: int, body: bytes) -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def test_a_damaged_record_posing_as_a_second_smaller_dimensions_does_not_hide_a_loss():
    # Fuzz xls:22004622: a ROW record's type became DIMENSIONS (claiming 3 rows) after the real one
    # (26 rows), and the records break off after row 11. The largest claim counts.
    from checklist.ledger._excel_child import _walk_sheet, lost_rows

    sheet = _record(0x0809, b"\x00" * 16)  # BOF
    sheet += _record(0x0200, struct.pack("<IIHHH", 0, 26, 0, 3, 0))  # DIMENSIONS: rows 0..25
    sheet += _record(0x0200, struct.pack("<IIHHH", 0, 3, 0, 3, 0))  # the fake one
    for row in range(11):
        sheet += _record(0x00FD, struct.pack("<HHHI", row, 0, 15, row))  # LABELSST
    sheet += struct.pack("<HH", 0, 0) + b"\x01" * 40  # a record header overwritten with zeros
    claimed, valued, end = _walk_sheet(sheet, 0)
    assert (claimed, valued, end) == (26, 11, None)
    lost = lost_rows("台账", 11, {"台账": (claimed, valued, end is not None)})
    assert lost is not None and lost["args"] == {"sheet": "台账", "claimed": 26, "read": 11}


def test_sound_xls_of_400_rows_reads_every_row(tmp_path):
    path = tmp_path / "台账.xls"
    path.write_bytes(bytes(_xls_400()))
    ledger = read_ledger(path)
    assert ledger.rows == 399 and not ledger.rejected


# ---------------------------------------------------------------- one child process for a folder's workbooks


def _loop_xls() -> bytes:
    data = _xls_bytes()
    directory = struct.unpack_from("<I", data, 48)[0]
    fat_sector = struct.unpack_from("<I", data, 76)[0]
    struct.pack_into("<I", data, 512 + 512 * fat_sector + 4 * directory, directory)
    return bytes(data)


def _unit_xlsx(unit: str, days: int) -> bytes:
    cells = [("A1", "日期"), ("B1", "活动类型"), ("C1", "单位")]
    for row in range(2, days + 2):
        cells += [(f"A{row}", f"2024-03-{row:02d}"), (f"B{row}", "三会一课"), (f"C{row}", unit)]
    return xlsx_bytes(_sheet_xml(cells))


@pytest.fixture
def children(monkeypatch):
    """How many reading child processes were started."""
    started: list[int] = []
    real = excel._Child

    def counted(*args, **kwargs):
        started.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(excel, "_Child", counted)
    return started


def test_a_folder_of_workbooks_is_read_by_a_child_per_core_not_per_workbook(tmp_path, children, monkeypatch):
    # Three towns' workbooks, an .xls and a CSV: every row read, and the two children (one on a
    # one-core machine) read all four workbooks.
    monkeypatch.setattr(ledger_module, "EXCEL_CHILDREN", 2)
    for n, unit in enumerate(["城关镇", "河口乡", "新华街道"]):
        (tmp_path / f"{n}.xlsx").write_bytes(_unit_xlsx(unit, n + 2))  # 2, 3 and 4 rows
    (tmp_path / "3.xls").write_bytes(bytes(_xls_bytes()))  # 119 rows
    (tmp_path / "4.csv").write_text("日期,活动类型,单位\n2024-05-06,三会一课,宣传科\n", encoding="utf-8")
    ledger = read_ledger(tmp_path)
    assert ledger.rows == 2 + 3 + 4 + 119 + 1
    assert len(children) == 2


def test_two_children_share_the_workbooks_and_a_failure_in_one_stays_its_own(tmp_path, children):
    # Five workbooks over two children, each to the one with fewer bytes still to read. The looping
    # .xls is refused naming itself; every other workbook gives its own rows.
    paths = [tmp_path / n for n in ("a.xls", "b.xlsx", "c.xls", "d.xlsx", "e.xlsx")]
    paths[0].write_bytes(bytes(_xls_bytes()))
    paths[1].write_bytes(_unit_xlsx("城关镇", 2))
    paths[2].write_bytes(_loop_xls())
    paths[3].write_bytes(_unit_xlsx("河口乡", 3))
    paths[4].write_bytes(_unit_xlsx("新华街道", 4))
    with excel.WorkbookReader(lanes=2) as reader:
        for path in paths:
            reader.submit(path.name, path)
        with pytest.raises(LedgerError) as caught:
            reader.load("c.xls", paths[2])
        rows = [len(reader.load(p.name, p).sheets[0].grid) for p in (paths[4], paths[3], paths[1], paths[0])]
    assert caught.value.problems[0].code == "ledger.excel_chain" and str(caught.value).startswith("c.xls")
    assert rows == [5, 4, 3, 120]  # a header row each, then 4, 3, 2 and 119 rows
    assert len(children) == 3  # two, and a fresh one for what was asked after the refusal


def test_a_workbook_that_fails_among_others_is_named_and_the_others_still_read(tmp_path, children, monkeypatch):
    # A workbook that takes the child past its memory (here a 1.6 KB sheet spanning 104 x 19,000
    # cells, ~90 MB to build, under a 40 MB budget the parent watches) between two sound ones.
    monkeypatch.setattr(excel, "MEMORY_FLOOR", 40 << 20)
    monkeypatch.setattr(excel, "POLL", 0.005)
    good, bad, after = tmp_path / "a.xlsx", tmp_path / "b.xlsx", tmp_path / "c.xlsx"
    good.write_bytes(_unit_xlsx("城关镇", 2))
    bad.write_bytes(xlsx_bytes(_sheet_xml([*LEDGER_CELLS, ("CZ19000", "x")])))
    after.write_bytes(_unit_xlsx("河口乡", 3))
    with excel.WorkbookReader(watch_memory=True) as reader:
        for path in (good, bad, after):
            reader.submit(path.name, path)
        assert len(reader.load(good.name, good).sheets[0].grid) == 3
        with pytest.raises(LedgerError) as caught:
            reader.load(bad.name, bad)
        assert len(reader.load(after.name, after).sheets[0].grid) == 4
    # the child that had read a.xlsx was ended on b.xlsx; b.xlsx was read again alone (so the error
    # is its own, not the leftovers of a.xlsx), and c.xlsx by a fresh child
    assert len(children) == 3
    assert str(caught.value).startswith("b.xlsx") and caught.value.problems[0].code == "ledger.excel_memory"


def test_workbooks_asked_after_a_refused_one_are_read_by_a_fresh_child(tmp_path, children):
    # The child is asked for several workbooks ahead and ends after a refusal: the two asked after
    # the looping .xls are asked again of a second child, and each gives its own rows (2, 3 and 4).
    paths = [tmp_path / name for name in ("a.xlsx", "b.xls", "c.xlsx", "d.xlsx")]
    paths[0].write_bytes(_unit_xlsx("城关镇", 1))
    paths[1].write_bytes(_loop_xls())
    paths[2].write_bytes(_unit_xlsx("河口乡", 2))
    paths[3].write_bytes(_unit_xlsx("新华街道", 3))
    with excel.WorkbookReader() as reader:
        for path in paths:
            reader.submit(path.name, path)
        with pytest.raises(LedgerError) as caught:
            reader.load("b.xls", paths[1])
        rows = [len(reader.load(p.name, p).sheets[0].grid) for p in (paths[3], paths[2], paths[0])]
    assert caught.value.problems[0].code == "ledger.excel_chain" and str(caught.value).startswith("b.xls")
    assert rows == [4, 3, 2] and len(children) == 2


def test_read_ledger_of_a_folder_names_the_workbook_that_cannot_be_read(tmp_path):
    (tmp_path / "000.xlsx").write_bytes(_unit_xlsx("城关镇", 2))
    (tmp_path / "001.xls").write_bytes(_loop_xls())
    (tmp_path / "002.xlsx").write_bytes(_unit_xlsx("河口乡", 2))
    with pytest.raises(LedgerError) as caught:
        read_ledger(tmp_path)
    message = str(caught.value)
    assert message.startswith(str(tmp_path / "001.xls") + ":") and "\n" not in message


def test_a_workbook_that_outruns_its_time_is_one_error_naming_it(tmp_path, monkeypatch):
    monkeypatch.setattr(excel, "TIME_FLOOR", 0.001)  # no child can start and answer in a millisecond
    path = tmp_path / "慢.xlsx"
    path.write_bytes(_unit_xlsx("城关镇", 2))
    with pytest.raises(LedgerError) as caught:
        excel.load_workbook(path.name, path)
    assert str(caught.value).startswith("慢.xlsx") and caught.value.problems[0].code == "ledger.excel_slow"


def test_memory_is_bounded_from_outside_where_the_child_has_no_address_space_limit(tmp_path, monkeypatch):
    # Windows has no RLIMIT_AS: there the parent watches the child's memory (psutil) and ends it.
    # The same path here: a 1.6 KB sheet whose range is 104 columns x 19,000 rows (allowed by the
    # range bound, ~90 MB to build) under a 40 MB budget; the sound workbook after it still reads.
    monkeypatch.setattr(excel, "MEMORY_FLOOR", 40 << 20)
    monkeypatch.setattr(excel, "POLL", 0.005)
    big, small = tmp_path / "大.xlsx", tmp_path / "小.xlsx"
    big.write_bytes(xlsx_bytes(_sheet_xml([*LEDGER_CELLS, ("CZ19000", "x")])))
    small.write_bytes(xlsx_bytes(_sheet_xml(LEDGER_CELLS)))
    with excel.WorkbookReader(watch_memory=True) as reader:
        with pytest.raises(LedgerError) as caught:
            reader.load(big.name, big)
        assert len(reader.load(small.name, small).sheets[0].grid) == 2
    assert str(caught.value).startswith("大.xlsx") and caught.value.problems[0].code == "ledger.excel_memory"
    assert "40" in str(caught.value)


def test_library_raises_only_checklist_errors_on_excel_garbage(tmp_path):
    path = tmp_path / "garbage.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8)
    with pytest.raises(ChecklistError):
        read_ledger(path)


# ---------------------------------------------------------------- SIGBUS: rewrite a path while it is hashed

_REWRITE = """
import sys
from pathlib import Path
from checklist.errors import LedgerError
from checklist.ledger import excel, read_ledger
path = Path(sys.argv[1])
big = b"\\x00" * (64 << 20)
for _ in range(3):
    path.write_bytes(big)  # binary: the read fails at once, the hash is still running
    try:
        read_ledger(path)
    except LedgerError:
        pass
    path.write_bytes("日期,活动类型\\n".encode())  # the next upload, saved to the same path at once
path.write_bytes("日期,活动类型\\n2024-03-15,三会一课\\n".encode())
print(read_ledger(path).rows)
"""


def test_rewriting_a_path_after_a_failed_read_does_not_kill_the_process(tmp_path):
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _REWRITE, str(tmp_path / "upload.csv")], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-500:]  # SIGBUS was returncode -7
    assert done.stdout.strip() == "1"


# ---------------------------------------------------------------- CSV shapes that raised tracebacks


def _read(tmp_path: Path, data: bytes, name: str = "台账.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return read_ledger(path)


def test_bare_cr_line_ends_read_like_any_other(tmp_path):
    ledger = _read(tmp_path, "日期,活动类型\r2024-01-01,x\n".encode())
    assert ledger.rows == 1 and ledger.table["activity"].to_pylist() == ["x"]


def test_python_csv_writer_with_cr_terminator(tmp_path):
    import csv

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r")
    writer.writerow(["日期", "活动类型", "主题"])
    for day in range(1, 6):
        writer.writerow([f"2024-03-{day:02d}", "三会一课", f"第{day}次"])
    ledger = _read(tmp_path, out.getvalue().encode())
    assert ledger.rows == 5 and ledger.table["row"].to_pylist() == [2, 3, 4, 5, 6]


def test_cell_over_the_csv_field_limit_is_read(tmp_path):
    ledger = _read(tmp_path, ("日期,活动类型,主题\n2024-01-01,x," + "a" * 200_000 + "\n").encode())
    assert ledger.rows == 1 and len(ledger.table["title"][0].as_py()) == 200_000


def test_cell_over_the_csv_field_limit_in_a_ragged_file_is_one_located_line(tmp_path):
    # A ragged row sends the file to the careful reader, which has the csv module's 128 KB limit.
    path = tmp_path / "big.csv"
    path.write_bytes(("日期,活动类型,主题\n2024-01-01,x,y,extra\n2024-01-02,x," + "a" * 200_000 + "\n").encode())
    with pytest.raises(LedgerError) as caught:
        read_ledger(path)
    assert str(caught.value).startswith(f"{path}:3: ") and "\n" not in str(caught.value)


def test_header_wider_than_the_csv_field_limit_is_sniffed(tmp_path):
    header = ";".join(["日期", "活动类型", *(f"补充说明信息第{i:05d}栏目" for i in range(10_000))])
    assert len(header) > 131_072  # one field over the csv module's limit when split on ','
    ledger = _read(tmp_path, f"{header}\n2024-03-15;三会一课\n".encode())
    assert ledger.rows == 1


def test_many_columns_are_read_in_linear_time(tmp_path):
    import time

    header = ",".join(["日期", "活动类型", *(f"备注{i}" for i in range(6000))])
    started = time.perf_counter()
    ledger = _read(tmp_path, f"{header}\n2024-03-15,三会一课\n".encode())
    assert ledger.rows == 1 and len(ledger.extra_columns) == 6000
    assert time.perf_counter() - started < 30  # was minutes: each extra column copied the table


def test_ragged_last_row_ending_in_half_a_character_prints_nothing(tmp_path, monkeypatch):
    seen = []
    monkeypatch.setattr("sys.unraisablehook", seen.append)
    data = "日期,活动类型,主题\n2024-01-01,x,y\n2024-01-02,x,y,z,中".encode()[:-1]
    ledger = _read(tmp_path, data)
    assert seen == []  # was "Exception ignored in: ... UnicodeDecodeError" from pyarrow's row handler
    assert ledger.rows == 2


# ---------------------------------------------------------------- packs and mapping files

YAML_SHAPES = {
    "nested": "pack: " + "[" * 2000 + "]" * 2000 + "\n",
    "nested_map": "date: " + "{a: " * 2000 + "1" + "}" * 2000 + "\n",
    "huge_integer": "pack: x\nversion: " + "9" * 4301 + "\nrules: []\n",
    "control_character": "pack: x\x01\nversion: 1\nrules: []\n",
}


@pytest.mark.parametrize("shape", sorted(YAML_SHAPES))
def test_hostile_pack_is_one_pack_error(tmp_path, shape):
    from checklist.errors import PackError
    from checklist.pack import load_pack

    path = tmp_path / "pack.yaml"
    path.write_text(YAML_SHAPES[shape], encoding="utf-8")
    with pytest.raises(PackError) as caught:
        load_pack(str(path))
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("shape", sorted(YAML_SHAPES))
def test_hostile_mapping_is_one_ledger_error(tmp_path, shape):
    from checklist.ledger.columns import load_mapping

    path = tmp_path / "mapping.yaml"
    path.write_text(YAML_SHAPES[shape], encoding="utf-8")
    with pytest.raises(LedgerError) as caught:
        load_mapping(path)
    assert "\n" not in str(caught.value) and str(caught.value).startswith(str(path))


# ---------------------------------------------------------------- JSON Lines (ledger and watch)


def test_json_lines_with_huge_integer_and_deep_nesting_are_rejected_rows_not_tracebacks(tmp_path):
    lines = [
        '{"日期": "2024-03-15", "活动类型": "三会一课", "序号": ' + "9" * 5000 + "}",
        '{"日期": "2024-03-16", "活动类型": "三会一课", "附件": ' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"日期": "2024-03-17", "活动类型": "主题党日"}',
    ]
    ledger = _read(tmp_path, "\n".join(lines).encode(), "台账.jsonl")
    # Line 1 is read (the long number is kept as its text), line 2 is rejected with a reason, line 3 read.
    assert ledger.rows == 3
    assert [r.row for r in ledger.rejected] == [2] and "nested" in ledger.rejected[0].reason
    assert ledger.table.num_rows == 2


def test_watch_reads_the_same_lines_without_tracebacks():
    from checklist.stream.watch import records

    stdin = io.StringIO('{"a": ' + "1" * 5000 + "}\n" + '{"a": ' + "[" * 50_000 + "\n[1]\n")
    got = list(records(stdin))
    assert [row for row, _value, _why in got] == [1, 2, 3]
    assert got[0][1] == {"a": "1" * 5000}
    assert got[1][1] is None and got[1][2]
    assert got[2][1] is None and "object" in got[2][2].text("en")  # a Message (both languages)


def test_watch_takes_a_circled_number_as_an_id_not_an_integer():
    import datetime as dt

    from checklist.pack import load_pack
    from checklist.stream.monitor import Monitor

    monitor = Monitor(load_pack("ideology-responsibility"), dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    monitor.feed({"序号": "①", "日期": "2024-03-15", "活动类型": "三会一课", "单位": "县委宣传部"}, 2)
    assert [r.ident for r in monitor.records] == ["①"]


# ---------------------------------------------------------------- control characters and escape sequences in reports

CONTROL_LEDGER = (
    "日期,活动类型,单位,主题\n"
    "2024-03-15,专题研究意识形态工作,县委\x01宣传部,主题\x1b]0;pwned\x07\x1b[2J\x0b\n"
    "2024-04-15,意识形态知识学习,县教育局党组,正常\n"
).encode()


def _result(tmp_path):
    from checklist import evaluate, load_pack

    path = tmp_path / "台账.csv"
    path.write_bytes(CONTROL_LEDGER)
    return evaluate(load_pack("ideology-responsibility"), read_ledger(path), year=2024)


def test_junit_is_well_formed_xml_with_control_characters_in_the_ledger(tmp_path):
    from xml.dom import minidom

    from checklist.render import RenderOptions, render

    text = render(_result(tmp_path), "junit", RenderOptions(lang="zh"))
    text = text.decode() if isinstance(text, bytes) else text
    minidom.parseString(text.encode())  # raised ExpatError: not well-formed (invalid token)
    assert "县委宣传部" in text


def test_docx_with_control_characters_in_unit_and_title(tmp_path):
    from checklist.render import RenderOptions, render

    data = render(_result(tmp_path), "docx", RenderOptions(lang="zh"))
    assert bytes(data[:2]) == b"PK"


def test_table_shows_escape_sequences_instead_of_obeying_them(tmp_path):
    from checklist.render import RenderOptions, render

    text = render(_result(tmp_path), "table", RenderOptions(lang="zh"))
    text = text.decode() if isinstance(text, bytes) else text
    assert "\x1b]" not in text and "\x1b[2J" not in text and "\x01" not in text
    assert "县委\\x01宣传部" in text


def test_header_with_a_line_break_gives_a_one_line_error(tmp_path):
    path = tmp_path / "台账.csv"
    path.write_bytes('"活动\n类别",主题\n三会一课,x\n'.encode())
    with pytest.raises(LedgerError) as caught:
        read_ledger(path)
    assert "\n" not in str(caught.value)


# ---------------------------------------------------------------- the library bounds the window


@pytest.mark.parametrize(
    ("start", "end"),
    [((1, 1, 1), (2024, 12, 31)), ((2024, 1, 1), (9999, 12, 31)), ((1950, 1, 1), (2024, 12, 31))],
)
def test_evaluate_refuses_a_window_it_cannot_mean(tmp_path, start, end):
    import datetime as dt

    from checklist import evaluate, load_pack
    from checklist.errors import UsageError

    path = tmp_path / "台账.csv"
    path.write_bytes("日期,活动类型\n2024-03-15,三会一课\n".encode())
    with pytest.raises(UsageError) as caught:
        evaluate(load_pack("branch-routines"), read_ledger(path), start=dt.date(*start), end=dt.date(*end))
    assert "1900" in str(caught.value) and "\n" not in str(caught.value)


# ---------------------------------------------------------------- memory exhaustion is a checklist error


def test_memory_exhaustion_while_reading_is_a_ledger_error_naming_the_file(tmp_path, monkeypatch):
    import numpy as np

    from checklist.ledger import ledger as module

    path = tmp_path / "台账.csv"
    path.write_bytes("日期,活动类型\n2024-03-15,三会一课\n".encode())

    def exhausted(*_args, **_kwargs):
        return np.empty(1 << 62, dtype=np.uint8)  # numpy's own MemoryError, as on a 2 GB ledger

    monkeypatch.setattr(module, "_read_files", exhausted)
    with pytest.raises(LedgerError) as caught:
        read_ledger([path])
    assert str(caught.value).startswith(str(path)) and "\n" not in str(caught.value)
