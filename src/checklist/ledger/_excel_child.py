"""Read a workbook in a child process: `python _excel_child.py PATH LIMIT_BYTES [SHEET ...]`.

Run as a script (no `checklist` import, only the standard library and python-calamine) so that a
hostile workbook can at worst end this process: a Rust abort, an allocation the memory limit
refuses, or a panic. The parent (checklist.ledger.excel) turns each outcome into one clean error.

Before calamine builds a sheet's dense cell range, the sheet XML of an .xlsx is scanned from the
zip as a stream: the range calamine would allocate is bounded by the cells the file really holds,
so one cell at XFD1048576 is refused in milliseconds instead of asking for 549 GB.

Writes one pickle to stdout: {"names": [...], "sheets": [(name, grid, merged), ...]} or
{"error": code, "args": {...}}.
"""

from __future__ import annotations

import pickle
import re
import sys
import zipfile
from typing import Any

# A sheet may span more cells than it holds (blank cells are not stored), but not without bound.
AREA_FLOOR = 4_000_000
AREA_PER_CELL = 16
AREA_FLOOR_ANY = 2_000_000  # any workbook: cells of the range read, at least this many allowed
AREA_PER_BYTE = 40  # ... and more for bigger files (a dense 7.5 MB workbook has 1.6M cells)
_TOKEN = re.compile(rb"<(row|c)\b([^>]*)>")
_R = re.compile(rb'\br="([A-Z]{1,3})?([0-9]{1,7})"')
_SHEET_PATH = re.compile(r"xl/worksheets/[^/]+\.xml")


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


class _Extent:
    """The cells of one sheet XML as calamine will place them: count, last row and last column."""

    def __init__(self) -> None:
        self.cells = 0
        self.row = 0
        self.col = 0
        self.max_row = 0
        self.max_col = 0
        self.far = ""

    def feed(self, kind: bytes, attrs: bytes) -> None:
        ref = _R.search(attrs)
        if kind == b"row":
            self.row = int(ref.group(2)) if ref else self.row + 1
            self.col = 0
            return
        self.cells += 1
        if ref and ref.group(1):
            self.row = int(ref.group(2))
            self.col = _column_number(ref.group(1))
        else:
            self.col += 1
        if self.row * self.col > self.max_row * self.max_col:
            self.far = (ref.group(1) + ref.group(2)).decode() if ref and ref.group(1) else f"R{self.row}C{self.col}"
        self.max_row = max(self.max_row, self.row)
        self.max_col = max(self.max_col, self.col)

    @property
    def area(self) -> int:
        return self.max_row * self.max_col


_CELL_OPEN = (b"<c ", b"<c>", b"<c/>")
_REF_COLUMN = re.compile(rb'<c r="([A-Z]{1,3})[0-9]')
_REF_ROW = re.compile(rb'<c r="[A-Z]{1,3}([0-9]{1,7})"')


def _fast(extent: _Extent, data: bytes) -> bool:
    """Count and bound the cells of a chunk in C-speed passes; False when some cell's reference is
    not the first attribute (or missing), which only the token-by-token scan places right."""
    cells = sum(data.count(p) for p in _CELL_OPEN)
    if data.count(b'<c r="') != cells:
        return False
    extent.cells += cells
    letters = set(_REF_COLUMN.findall(data))
    if letters:
        extent.max_col = max(extent.max_col, *(_column_number(c) for c in letters))
        row = max(map(int, _REF_ROW.findall(data)), default=0)
        if row * extent.max_col > extent.area:
            extent.far = f"{max(letters, key=lambda c: (len(c), c)).decode()}{row}"
        extent.max_row = max(extent.max_row, row)
    return True


def _scan(stream: Any) -> _Extent:
    extent = _Extent()
    tail = b""
    slow = False
    while True:
        chunk = stream.read(4 << 20)
        if not chunk:
            break
        data = tail + chunk
        cut = data.rfind(b">") + 1
        if slow or not _fast(extent, data[:cut]):
            slow = True  # rows and cells without references: place each one in order from here on
            for match in _TOKEN.finditer(data, 0, cut):
                extent.feed(match.group(1), match.group(2))
        tail = data[cut:]
        if len(tail) > 1 << 20:  # no tag closes within a megabyte: not a sheet calamine can read either
            raise ValueError("unterminated tag in sheet XML")
    return extent


def check_xlsx(path: str) -> dict[str, Any] | None:
    """None when every sheet's cell range is bounded by its cells, else the error to report."""
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if not _SHEET_PATH.fullmatch(info.filename):
                continue
            with archive.open(info) as stream:
                extent = _scan(stream)
            if extent.area > max(AREA_FLOOR, AREA_PER_CELL * extent.cells):
                return {
                    "error": "ledger.excel_sparse",
                    "args": {
                        "cell": extent.far,
                        "rows": extent.max_row,
                        "columns": extent.max_col,
                        "cells": extent.cells,
                    },
                }
    return None


def _trimmed(row: list[Any]) -> list[Any]:
    end = len(row)
    while end and (row[end - 1] is None or row[end - 1] == ""):
        end -= 1
    return row if end == len(row) else row[:end]


def read(path: str, wanted: list[str]) -> dict[str, Any]:
    import os

    from python_calamine import CalamineWorkbook

    size = os.path.getsize(path)

    book = CalamineWorkbook.from_path(path)
    names = list(book.sheet_names)
    sheets = []
    for name in names:
        if wanted and name not in wanted:
            continue
        sheet = book.get_sheet_by_name(name)
        area = sheet.height * sheet.width  # an .xls has no sheet XML to scan: bound its range by the file
        if area > max(AREA_FLOOR_ANY, AREA_PER_BYTE * size):
            return {"error": "ledger.excel_area", "args": {"sheet": name, "rows": sheet.height, "columns": sheet.width}}
        # Trailing blank cells dropped row by row: one stray cell far right must not make every row
        # (and the ledger) tens of thousands of columns wide. Readers pad rows to the header's width.
        grid = [_trimmed(row) for row in sheet.to_python(skip_empty_area=False)]
        merged = [tuple(map(tuple, m)) for m in (getattr(sheet, "merged_cell_ranges", None) or [])]
        sheets.append((name, grid, merged))
    return {"names": names, "sheets": sheets}


def _limit(limit: int) -> None:
    try:
        import resource
    except ImportError:  # Windows: no address-space limit; an abort still only ends this process
        return
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def main(argv: list[str]) -> None:
    path, limit, wanted = argv[0], int(argv[1]), argv[2:]
    _limit(limit)
    try:
        with open(path, "rb") as stream:
            zipped = stream.read(4) == b"PK\x03\x04"
        found = check_xlsx(path) if zipped else None
        out = found or read(path, wanted)
    except MemoryError:
        out = {"error": "ledger.excel_memory", "args": {}}
    except BaseException as err:  # calamine's errors, a Rust panic (a BaseException), zip and XML damage
        out = {"error": "ledger.excel_damaged", "args": {"detail": f"{type(err).__name__}: {err}"[:300]}}
    try:
        data = pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        data = pickle.dumps({"error": "ledger.excel_memory", "args": {}})
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
