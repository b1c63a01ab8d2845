"""Hostile and broken inputs (issue 11): each shape ends in one clean checklist error or a correct
result; never a traceback, an abort, unbounded memory or a silently lost row."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest
import xlwt

from checklist.errors import ChecklistError, LedgerError
from checklist.ledger import read_ledger

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


def _xls_bytes() -> bytearray:
    book = xlwt.Workbook()
    sheet = book.add_sheet("台账")
    for column, header in enumerate(["日期", "活动类型", "主题"]):
        sheet.write(0, column, header)
    for row in range(1, 120):
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
from checklist.ledger import read_ledger
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
