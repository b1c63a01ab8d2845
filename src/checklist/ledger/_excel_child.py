"""Read workbooks in a child process, one after another: `python -I _excel_child.py`.

Run as a script (no `checklist` import, only the standard library and python-calamine) so that a
hostile workbook can at worst end this process: a Rust abort, an allocation the memory limit
refuses, or a panic. The parent (checklist.ledger.excel) turns each outcome into one clean error
naming the workbook it had asked for, and starts a fresh child for the next one.

Before calamine builds a sheet's dense cell range, the sheet XML of an .xlsx is scanned from the
zip as a stream: the range calamine would allocate is bounded by the cells the file really holds,
so one cell at XFD1048576 is refused in milliseconds instead of asking for 549 GB.

Frames both ways are an 8-byte little-endian length and a pickle. A request is
{"path": str, "limit": bytes, "only": [sheet, ...], "text": bool, "self_limit": bool}; its reply is
{"names": [...], "sheets": [(name, grid, merged), ...]} or {"error": code, "args": {...}}. With
"text", merged cells are filled in and every cell is its text (what a CSV cell would hold), so the
parent has nothing left to convert. The address-space limit is set anew for each workbook. After
an error the child ends (calamine's state after a panic is not to be trusted); at the end of its
input it ends too.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
import re
import struct
import sys
import zipfile
from typing import Any

# A sheet may span more cells than it holds (blank cells are not stored), but not without bound.
AREA_FLOOR = 4_000_000
AREA_PER_CELL = 16
AREA_FLOOR_ANY = 2_000_000  # any workbook: cells of the range read, at least this many allowed
AREA_PER_BYTE = 40  # ... and more for bigger files (a dense 7.5 MB workbook has 1.6M cells)
_TOKEN = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)\b([^>]*)>")  # <x:c ...> is a cell to calamine too
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


# Cells the quick passes cannot place: a cell whose reference is not its first attribute (or that has
# none), and a cell whose name has a namespace prefix (<x:c r="GS200001">, which calamine reads as a
# cell all the same; ':c ' in a text sends a sheet to the careful scan needlessly, never wrongly).
_ODD_CELL = re.compile(rb'<c(?:[>/\t\r\n]| (?!r="))')
_PREFIXED_CELL = re.compile(rb":c[\s/>]")


def _odd(data: bytes) -> bool:
    return bool(_ODD_CELL.search(data) or _PREFIXED_CELL.search(data))


_REF_COLUMN = re.compile(rb'<c r="([A-Z]{1,3})[0-9]')
_REF_ROW = re.compile(rb'<c r="[A-Z]{1,3}([0-9]{1,7})"')


def _fast(extent: _Extent, data: bytes) -> bool:
    """Count and bound the cells of a chunk in C-speed passes; False when some cell's reference is
    not the first attribute (or missing), which only the token-by-token scan places right."""
    if _odd(data):
        return False
    extent.cells += data.count(b'<c r="')
    letters = set(_REF_COLUMN.findall(data))
    if letters:
        extent.max_col = max(extent.max_col, *(_column_number(c) for c in letters))
        row = max(map(int, set(_REF_ROW.findall(data))), default=0)  # each row's number once, not each cell's
        if row * extent.max_col > extent.area:
            extent.far = f"{max(letters, key=lambda c: (len(c), c)).decode()}{row}"
        extent.max_row = max(extent.max_row, row)
    return True


_CHUNK = 4 << 20
_LAST_REF = re.compile(rb'<c r="[A-Z]{1,3}([0-9]{1,7})"')
_THREE_LETTERS = re.compile(rb'<c r="[A-Z]{3}[0-9]')
_TWO_LETTERS = re.compile(rb'<c r="[A-Z]{2}[0-9]')
_DIGITS = [re.compile(rb'<c r="[A-Z]{1,3}[0-9]{%d}' % (n + 1)) for n in range(8)]  # more than n digits


def _bounded(data: bytes) -> bool:
    """Whether a whole sheet XML's cell references alone keep its range under AREA_FLOOR: every cell
    has its reference first, no reference has three letters (two at most: 702 columns), and none has
    more digits than the last one. A few searches that find nothing, instead of listing every
    reference as `_fast` does; False (then the cells are placed) says nothing about the sheet."""
    if _odd(data) or _THREE_LETTERS.search(data):
        return False
    last = _LAST_REF.match(data, max(data.rfind(b'<c r="'), 0))
    digits = len(last.group(1)) if last else 0
    if _DIGITS[digits].search(data):  # a reference with more digits than the last one
        return False
    rows = 10**digits - 1
    return 702 * rows <= AREA_FLOOR or (26 * rows <= AREA_FLOOR and not _TWO_LETTERS.search(data))


def _scan(stream: Any) -> _Extent | None:
    """The sheet's extent, or None when it is whole in one chunk and `_bounded`."""
    extent = _Extent()
    tail = b""
    slow = False
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            break
        if not tail and len(chunk) < _CHUNK and not extent.cells and _bounded(chunk):
            return None
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
            if extent is not None and extent.area > max(AREA_FLOOR, AREA_PER_CELL * extent.cells):
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


# ---------------------------------------------------------------- .xls: the compound file's sector chains

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FREE_OR_SPECIAL = 0xFFFFFFFA  # sector numbers from here up are markers (end of chain, FAT, free...)
_BOOK_STREAMS = ("workbook", "book")
_MINI_CUTOFF = 4096


class _Broken(Exception):
    """A sector chain of the compound file is damaged: it loops, ends early or leaves the file."""


class _Damaged(Exception):
    """The workbook's own records (before the sheets) break off: calamine may still read some rows
    of its sheets, but which sheets there are and what they hold can no longer be checked."""


def _chain(fat: list[int], start: int, sectors: int, limit: int) -> list[int]:
    """The sectors of a chain, at most `sectors` of them; _Broken when it revisits one or leaves the file."""
    out: list[int] = []
    seen: set[int] = set()
    at = start
    while len(out) < sectors and at < _FREE_OR_SPECIAL:
        if at >= limit or at >= len(fat) or at in seen:
            raise _Broken
        seen.add(at)
        out.append(at)
        at = fat[at]
    return out


def _fat(data: bytes, size: int, limit: int) -> list[int]:
    count = size // 4
    fat_sectors = list(struct.unpack_from("<109I", data, 76))[: struct.unpack_from("<I", data, 44)[0]]
    at, seen = struct.unpack_from("<I", data, 68)[0], set()
    while at < _FREE_OR_SPECIAL and len(fat_sectors) < limit:  # DIFAT sectors beyond the header's 109
        if at >= limit or at in seen:
            raise _Broken
        seen.add(at)
        entries = struct.unpack_from(f"<{count}I", data, (at + 1) * size)
        fat_sectors += entries[:-1]
        at = entries[-1]
    fat: list[int] = []
    for sector in fat_sectors:
        if sector >= _FREE_OR_SPECIAL:
            break
        if sector >= limit:
            raise _Broken
        fat += struct.unpack_from(f"<{count}I", data, (sector + 1) * size)
    return fat


def _book_stream(data: bytes) -> bytes | None:
    """The workbook stream's bytes, following its chain; None when it lives in the mini stream or
    the header cannot be made sense of (calamine then says what is wrong); _Broken for a bad chain."""
    if not data.startswith(_OLE) or len(data) < 512:
        return None
    size = 1 << struct.unpack_from("<H", data, 30)[0]
    if size not in (512, 4096) or len(data) < size:
        return None
    limit = len(data) // size - 1  # sectors the file holds after its header
    fat = _fat(data, size, limit)
    first = struct.unpack_from("<I", data, 48)[0]
    directory = b"".join(data[(s + 1) * size : (s + 2) * size] for s in _chain(fat, first, limit, limit))
    cutoff = struct.unpack_from("<I", data, 56)[0]
    if cutoff != _MINI_CUTOFF:  # fixed by the format: a damaged header (calamine then reads rows from the wrong place)
        raise _Broken
    for at in range(0, len(directory) - 127, 128):
        entry = directory[at : at + 128]
        length = min(struct.unpack_from("<H", entry, 64)[0], 64)
        # up to its first NUL, as calamine compares it (a damaged length may take the NUL in)
        name = entry[: max(length - 2, 0)].decode("utf-16-le", "replace").split("\x00")[0].casefold()
        if entry[66] != 2 or name not in _BOOK_STREAMS:
            continue
        start, stream_size = struct.unpack_from("<II", entry, 116)
        if stream_size < cutoff:
            return None
        needed = -(-stream_size // size)
        sectors = _chain(fat, start, needed, limit)
        if len(sectors) < needed:
            raise _Broken
        return b"".join(data[(s + 1) * size : (s + 2) * size] for s in sectors)[:stream_size]
    return None


# BIFF8 records: end of a substream, a sheet's place and name, a sheet's claimed extent, and the
# records that hold a value (a formatted blank cell holds none, so it is not counted).
_EOF, _BOUNDSHEET, _DIMENSIONS = 0x000A, 0x0085, 0x0200
_VALUE_RECORDS = frozenset({0x0203, 0x027E, 0x00FD, 0x0204, 0x0205, 0x0006, 0x00BD, 0x00D6})
_MAX_RECORD = 8224


def _records(book: bytes, at: int) -> tuple[list[tuple[int, int, int]], bool]:
    """(type, offset of its data, length) of each record of the substream from `at`, and whether it
    ended with its EOF record; a length no BIFF8 record has, a record type 0 or the stream's end
    before EOF mean the records themselves are damaged."""
    out: list[tuple[int, int, int]] = []
    while at + 4 <= len(book):
        kind, length = struct.unpack_from("<HH", book, at)
        if kind == 0 or length > _MAX_RECORD or at + 4 + length > len(book):
            return out, False
        out.append((kind, at + 4, length))
        if kind == _EOF:
            return out, True
        at += 4 + length
    return out, False


def _sheet_name(book: bytes, at: int, length: int) -> str:
    chars, wide = book[at + 6], book[at + 7] & 1
    raw = book[at + 8 : at + length]
    return raw[: chars * 2].decode("utf-16-le", "replace") if wide else raw[:chars].decode("latin-1")


_HEAD = struct.Struct("<HH")


def _walk_sheet(book: bytes, at: int) -> tuple[int, int, int | None]:
    """(rows DIMENSIONS claims, rows holding a value, where the sheet's EOF record ends or None when
    its records break off first). One tight loop: a 22,000-row sheet has 150,000 records."""
    unpack, size = _HEAD.unpack_from, len(book)
    claimed = valued = 0
    while at + 4 <= size:
        kind, length = unpack(book, at)
        if kind == 0 or length > _MAX_RECORD or at + 4 + length > size:
            return claimed, valued, None
        if kind in _VALUE_RECORDS:
            if length >= 2 and book[at + 4] | book[at + 5] << 8 >= valued:
                valued = (book[at + 4] | book[at + 5] << 8) + 1
        elif kind == _DIMENSIONS and length >= 8:  # the largest claim: a damaged record may pose as a second one
            claimed = max(claimed, struct.unpack_from("<I", book, at + 8)[0])
        elif kind == _EOF:
            return claimed, valued, at + 4 + length
        at += 4 + length
    return claimed, valued, None


def sheet_claims(book: bytes) -> dict[str, tuple[int, int, bool]]:
    """For each worksheet: (rows its DIMENSIONS record claims, rows that hold a value as far as its
    records can be followed, whether they could be followed to its end). A sheet whose EOF record
    is followed by more records before the next sheet begins was cut short by a damaged record."""
    sheets = []
    records, ended = _records(book, 0)
    if not ended:  # the workbook's own records break off: its sheets cannot be found to check them
        raise _Damaged
    for kind, at, length in records:
        if kind == _BOUNDSHEET and length >= 8 and book[at + 5] == 0:  # worksheets, not charts or macros
            sheets.append((_sheet_name(book, at, length), struct.unpack_from("<I", book, at)[0]))
    starts = sorted(start for _name, start in sheets)
    claims = {}
    for name, start in sheets:
        claimed, valued, end = _walk_sheet(book, start)
        whole = end is not None
        if end is not None:
            following = min((s for s in starts if s > start), default=len(book))
            whole = not book[end:following].strip(b"\x00")
        claims[name] = (claimed, valued, whole)
    return claims


def check_xls(path: str) -> tuple[dict[str, Any] | None, dict[str, tuple[int, int, bool]]]:
    """(error, each sheet's claims): an error when a sector chain of the compound file is damaged.

    calamine follows a chain that jumps back into the stream as if nothing were wrong and returns
    the rows it could make sense of: a damaged file read as 150 rows of 400, without a word. The
    chains are checked here first, as the compound file format defines them, and the sheets'
    records walked, so that `read` can compare the rows calamine gives with the rows the file
    claims. Streams small enough to live in the mini stream (under 4 KB) are left to calamine."""
    with open(path, "rb") as stream:
        data = stream.read()
    try:
        book = _book_stream(data)
        return None, sheet_claims(book) if book else {}
    except _Broken:
        return {"error": "ledger.excel_chain", "args": {}}, {}
    except _Damaged:
        return {"error": "ledger.excel_records", "args": {}}, {}
    except (struct.error, IndexError):  # a header or table cut short: calamine reports what it finds
        return None, {}


def lost_rows(name: str, rows: int, claims: dict[str, tuple[int, int, bool]]) -> dict[str, Any] | None:
    """An error when calamine gave fewer rows of a sheet than the file holds: rows with a value
    beyond the last one given, or (when its records break off) fewer than its DIMENSIONS claim.
    A sound sheet whose DIMENSIONS counts formatted blank rows below the data is not a loss."""
    claimed, valued, whole = claims.get(name, (0, 0, True))
    expected = valued if whole else max(valued, claimed)
    if rows >= expected:
        return None
    return {"error": "ledger.excel_cut", "args": {"sheet": name, "claimed": expected, "read": rows}}


def _trimmed(row: list[Any]) -> list[Any]:
    end = len(row)
    while end and (row[end - 1] is None or row[end - 1] == ""):
        end -= 1
    return row if end == len(row) else row[:end]


def cell_text(value: Any) -> str:
    """A cell as text, the way a CSV export writes it (also used by the parent for JSON values)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


Merged = list[tuple[tuple[int, int], tuple[int, int]]]


def fill_merged(grid: list[list[Any]], merged: Merged) -> None:
    """A merged cell's value belongs to every cell it covers (e.g. one 单位 spanning ten rows)."""
    for (r0, c0), (r1, c1) in merged:
        if r0 >= len(grid) or c0 >= len(grid[r0]):
            continue
        value = grid[r0][c0]
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            for c in range(c0, min(c1, len(grid[r]) - 1) + 1):
                grid[r][c] = value


def _as_text(grid: list[list[Any]], merged: Merged) -> list[list[str]]:
    fill_merged(grid, merged)
    # Most cells are text already: only the others go through cell_text (a third of the child's time otherwise).
    return [[v if type(v) is str else cell_text(v) for v in row] if row else row for row in grid]


def read(
    path: str, wanted: list[str], text: bool = False, claims: dict[str, tuple[int, int, bool]] | None = None
) -> dict[str, Any]:
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
        lost = lost_rows(name, len(grid), claims or {})
        if lost:
            return lost
        merged: Any = [tuple(map(tuple, m)) for m in (getattr(sheet, "merged_cell_ranges", None) or [])]
        if text:
            grid, merged = _as_text(grid, merged), []
        sheets.append((name, grid, merged))
    return {"names": names, "sheets": sheets}


def _hard_limit() -> int | None:
    """The address-space ceiling this process may set its limit up to (None: no such limit here)."""
    try:
        import resource
    except ImportError:  # Windows: the parent watches this process's memory instead
        return None
    return resource.getrlimit(resource.RLIMIT_AS)[1]


def _limit(limit: int, hard: int | None) -> None:
    """This workbook's own address-space limit; the hard limit stays where it was, so the next
    workbook can have a bigger one."""
    if hard is None:
        return
    import resource

    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def answer(request: dict[str, Any]) -> dict[str, Any]:
    path = request["path"]
    try:
        with open(path, "rb") as stream:
            zipped = stream.read(4) == b"PK\x03\x04"
        found, claims = (check_xlsx(path), {}) if zipped else check_xls(path)
        return found or read(path, list(request.get("only") or ()), bool(request.get("text")), claims)
    except MemoryError:
        return {"error": "ledger.excel_memory", "args": {}}
    except BaseException as err:  # calamine's errors, a Rust panic (a BaseException), zip and XML damage
        return {"error": "ledger.excel_damaged", "args": {"detail": f"{type(err).__name__}: {err}"[:300]}}


_LENGTH = struct.Struct("<Q")


def receive(stream: Any) -> Any:
    """One frame's object, or None at the end of the stream (or a frame cut short)."""
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (size,) = _LENGTH.unpack(head)
    body = stream.read(size)
    return pickle.loads(body) if len(body) == size else None


def send(stream: Any, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LENGTH.pack(len(data)))
    stream.write(data)
    stream.flush()


def main() -> None:
    hard = _hard_limit()
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while (request := receive(stdin)) is not None:
        if request.get("self_limit", True):
            _limit(int(request["limit"]), hard)
        out = answer(request)
        try:
            send(stdout, out)
        except MemoryError:
            out = {"error": "ledger.excel_memory", "args": {}}
            send(stdout, out)
        if "error" in out:
            return


if __name__ == "__main__":
    main()
