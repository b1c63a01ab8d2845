"""Turn a ledger file (CSV in any common encoding, XLSX/XLS, JSON Lines) into string columns."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from checklist.errors import LedgerError, Location, Problem, UsageError
from checklist.ledger._excel_child import cell_text
from checklist.ledger.columns import find_header_row, first_nonblank_row
from checklist.notice import Notice
from checklist.text import LANGS, Message, msg, one_line, os_reason, template

if TYPE_CHECKING:
    from checklist.ledger.excel import WorkbookReader

SNIFF_BYTES = 256 * 1024
PREVIEW_CAP = 16 << 20  # the first rows of a CSV are looked for in at most this much
CHUNK_ROWS = 100_000
DELIMITERS = (",", ";", "\t")
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"
_LINE_BREAK = re.compile(r"[\r\n]")
_PHYSICAL_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


@dataclass
class RawTable:
    """What every reader produces: header names, string columns and spreadsheet row numbers."""

    headers: list[str]
    header_row: int  # 1-based, as the spreadsheet shows it
    columns: list[pa.Array | pa.ChunkedArray]  # one string column per header, same length as `rows`
    rows: pa.Array  # int32 spreadsheet row number of each record
    notices: list[Notice] = field(default_factory=list)
    preamble: list[list[str]] = field(default_factory=list)  # rows above the header
    unreadable: list[tuple[int, Message]] = field(default_factory=list)  # (row, reason): no cells to use
    one_line_each: bool = False  # every physical line below the header was one record (no value spans lines)


def sniff_kind(path: Path, head: bytes) -> str:
    """The format by content, not by name: 'xlsx', 'xls', 'jsonl' or 'csv'."""
    if head.startswith(_ZIP):
        return "xlsx"
    if head.startswith(_OLE):
        return "xls"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"{"):
        return "jsonl"
    return "csv"


def check_text(file: str, head: bytes) -> None:
    """Refuse binary data early: NUL bytes never occur in CSV exports (UTF-16 aside, handled first)."""
    if b"\x00" in head[:4096]:
        raise LedgerError(Problem(Location(file), msg("ledger.binary")))


def detect_encoding(head: bytes) -> str:
    """BOMs first, then strict UTF-8 over the sample, else GB18030 (a superset of GBK/GB2312)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as err:
        # A multi-byte character cut by the sample's end is not evidence against UTF-8.
        if err.start < len(head) - 4:
            return "gb18030"
    return "utf-8"


def sniff_delimiter(sample: str) -> str:
    lines = [line for line in _first_lines(sample, HEADER_LINES) if line.strip()]
    best, best_score = ",", -1
    for delim in DELIMITERS:
        counts = [_cells_in(line, delim) for line in lines]
        score = max(counts, default=0)
        if score > best_score:
            best, best_score = delim, score
    return best


HEADER_LINES = 20


def _first_lines(text: str, count: int) -> list[str]:
    """`text.splitlines()[:count]` without splitting all of it (half the sniffing time of a 14 KB file).
    Every line a prefix splits into but the last is whole, and the same as in the whole text."""
    size = 4096
    while size < len(text):
        lines = text[:size].splitlines()
        if len(lines) > count:
            return lines[:count]
        size *= 4
    return text.splitlines()[:count]


def _cells_in(line: str, delimiter: str) -> int:
    if '"' not in line and line.strip("\r\n"):  # no quotes: the csv module splits at every delimiter
        return line.count(delimiter) + 1
    try:
        return len(next(csv.reader([line], delimiter=delimiter), []))
    except csv.Error:  # a field over the csv module's limit, or a stray quote: count roughly
        return line.count(delimiter) + 1


class _Transcoder(io.RawIOBase):
    """A byte stream re-encoded to UTF-8 on the fly; undecodable bytes become U+FFFD and are noted."""

    def __init__(self, raw: IO[bytes], encoding: str) -> None:
        self._raw = raw
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        self._pending = b""
        self.replaced = False

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._raw.close()
        super().close()

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            chunk = self._raw.read(1 << 20)
            text = self._decoder.decode(chunk, final=not chunk)
            if "\ufffd" in text:
                self.replaced = True
            self._pending = text.encode("utf-8")
            if not chunk:
                break
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


def _text_stream(path: Path, encoding: str) -> _Transcoder:
    return _Transcoder(path.open("rb"), encoding)


# ---------------------------------------------------------------- CSV


@dataclass(frozen=True)
class _CsvBytes:
    """Where a CSV's bytes are read from: its file, or `data`, the whole file already in memory, with
    `text` its decoded text. Every reader below takes either and reads the same bytes the same way."""

    path: Path
    data: bytes | None = None
    text: str = ""

    def open(self) -> IO[bytes]:
        return self.path.open("rb") if self.data is None else io.BytesIO(self.data)


def _in_memory(path: Path, head: bytes, text: str) -> _CsvBytes:
    """A file shorter than the head read to sniff it is all in `head` (a read stops short only at the
    end): it is parsed from there, not opened and decoded again for each step. A county's folder holds
    a hundred 14 KB ledgers, and opening, decoding and thread set-up cost more than parsing them."""
    return _CsvBytes(path, head, text) if len(head) < SNIFF_BYTES else _CsvBytes(path)


def _preview_rows(file: str, source: _CsvBytes, encoding: str, delimiter: str) -> tuple[list[list[str]], list[int]]:
    """The first records, and the physical line each ends on (they differ when a value spans lines)."""
    text = source.text if source.data is not None else _preview_text(source.path, encoding)
    # newline="": a bare CR ends a line too (old Mac exports, Python's csv writer with lineterminator='\\r')
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    ends: list[int] = []
    try:
        for record in reader:
            rows.append(record)
            ends.append(reader.line_num)
            if len(rows) == HEADER_LINES:
                break
    except csv.Error as err:
        if not rows:
            raise _csv_problem(file, reader.line_num, err) from None
        # A cell over the csv module's limit below the first rows: the header is found without it,
        # and pyarrow, which has no such limit, reads the file.
    return rows, ends


def _preview_text(path: Path, encoding: str) -> str:
    """The text of the file's first lines, whole lines only."""
    with path.open("rb") as raw:
        head = raw.read(SNIFF_BYTES)
        while len(head) < PREVIEW_CAP and head.count(b"\n") + head.count(b"\r") < 2 * HEADER_LINES:
            more = raw.read(len(head))  # very wide lines: read on until the first rows are whole
            head += more
            if not more:
                break
        whole = not raw.read(1)
    text = head.decode(encoding, errors="replace")
    if not whole:  # drop a last line that the sample cut in half (a bare CR ends lines too)
        text = text[: max(text.rfind("\n"), text.rfind("\r")) + 1]
    return text


def _csv_problem(file: str, line: int, err: csv.Error) -> LedgerError:
    """The csv module's complaint as one located line (its only complaint on text is a field over its limit)."""
    if "field larger than field limit" in str(err):
        return LedgerError(
            Problem(Location(file, line), msg("ledger.csv_field_limit", kb=csv.field_size_limit() >> 10))
        )
    return LedgerError(Problem(Location(file, line), msg("ledger.csv_unreadable", detail=str(err))))


def _locate_header(file: str, preview: list[list[str]], mapping: dict[str, str] | None) -> int:
    if not any(any(cell.strip() for cell in row) for row in preview):
        raise LedgerError(Problem(Location(file), msg("ledger.no_data")))
    found = find_header_row(preview, mapping)
    return first_nonblank_row(preview) if found is None else found


LineCount = Callable[[], int]
READ_SLICE = 4 << 20
SMALL_SLICE = 64 << 10  # the least slice: a file that grows, or reports no size (a pipe), is still read in few calls


def count_lines(path: Path) -> int:
    """Physical lines of a file: newline bytes, plus one for a last line without its newline."""
    return read_chunks(path)


def read_chunks(path: Path, consume: Callable[[memoryview], Any] | None = None) -> int:
    """Read a file once in slices of at most 4 MB (never memory-mapped: a mapped file rewritten meanwhile raises
    SIGBUS), passing each to `consume`; return its physical lines as `count_lines` counts them."""
    newlines, last = 0, b"\n"
    with path.open("rb") as stream:
        # The slice no bigger than the file: zeroing 4 MB for a 14 KB file took 0.2 ms, longer than hashing it.
        buffer = bytearray(min(READ_SLICE, max(os.fstat(stream.fileno()).st_size + 1, SMALL_SLICE)))
        view = memoryview(buffer)
        while n := stream.readinto(buffer):
            chunk = view[:n]
            if consume is not None:
                consume(chunk)
            newlines += _newlines(chunk)
            last = bytes(chunk[n - 1 :])
    return newlines + (last != b"\n")


def lines_in(view: Any) -> int:
    """Physical lines in a non-empty buffer: its newline bytes, plus a last line without one."""
    return _newlines(view) + (view[len(view) - 1 :] != b"\n")


def _newlines(view: Any) -> int:
    """Newline bytes in a buffer, counted in slices so no file-sized temporary is made."""
    data = np.frombuffer(view, dtype=np.uint8)
    step = 8 << 20
    try:
        return sum(int(np.count_nonzero(data[i : i + step] == 10)) for i in range(0, len(data), step))
    finally:
        del data  # release the buffer export


def read_csv(
    file: str, path: Path, head: bytes, mapping: dict[str, str] | None, lines: LineCount | None = None
) -> RawTable:
    encoding = detect_encoding(head)
    sample = head.decode(encoding, errors="replace")
    delimiter = sniff_delimiter(sample.lstrip("\ufeff"))
    source = _in_memory(path, head, sample)
    preview, line_ends = _preview_rows(file, source, encoding, delimiter)
    header_index = _locate_header(file, preview, mapping)
    headers = [h.lstrip("\ufeff").strip() for h in preview[header_index]]
    # Values spanning lines are rare, and parsing for them costs pyarrow a third of its speed: read line by line
    # first, and keep that only when every physical line below the header became exactly one record.
    skip = line_ends[header_index]  # pyarrow skips physical lines, even those inside a quoted title
    physical = partial(lines_in, source.data) if source.data is not None else lines or partial(count_lines, path)
    try:
        raw = None
        if encoding != "utf-16":
            raw = _read_csv_arrow(source, encoding, delimiter, skip, header_index, headers, multiline=False)
            if len(raw.rows) != physical() - skip:
                raw = None  # a quoted value held a newline: read again, minding quotes across lines
            else:
                raw.one_line_each = True
        if raw is None:
            raw = _read_csv_arrow(source, encoding, delimiter, skip, header_index, headers, multiline=True)
    except _NeedsCarefulRead:
        raw = _read_csv_python(file, source, encoding, delimiter, header_index, headers)
    # Only a read that minded quotes across lines can have swallowed some (the first one had none).
    if not raw.one_line_each and _swallowed_lines(raw, delimiter):  # a lone quote ate line breaks: read line by line
        raw = _read_csv_recovering(file, source, encoding, delimiter, header_index, headers)
    raw.preamble = [list(r) for r in preview[:header_index]]
    if encoding == "gb18030":
        raw.notices.append(Notice.of("encoding", "warn.encoding", file=file))
    return raw


def _looks_swallowed(value: str, delimiter: str, width: int) -> bool:
    """A value holding a line break and delimiters enough for a whole row: the work of a quote that
    opened and never closed (the rest of its own line, then the lines up to the next quote, maybe
    half a row), not of a title written on two lines. A bare CR breaks lines too (a file saved with
    CR line ends swallows its rows the same way)."""
    return _LINE_BREAK.search(value) is not None and value.count(delimiter) >= max(1, width - 1)


def _swallowed_lines(raw: RawTable, delimiter: str) -> bool:
    """Whether any value looks swallowed; all columns searched at once (one search per column cost
    seconds on a header line of 100,000 delimiters)."""
    width = len(raw.columns)
    chunks = [c for column in raw.columns for c in getattr(column, "chunks", [column]) if len(c)]
    if not chunks:
        return False
    values = pa.chunked_array(chunks, type=pa.string())
    broken = pc.match_substring_regex(values, "[\r\n]")
    if not pc.any(broken).as_py():
        return False
    return any(_looks_swallowed(v, delimiter, width) for v in values.filter(broken).to_pylist())


def _read_csv_recovering(
    file: str, source: _CsvBytes, encoding: str, delimiter: str, header_index: int, headers: list[str]
) -> RawTable:
    """Records by the quotes, except where a quote swallowed whole rows: those physical lines are read
    again one by one (a lone quote taken literally), and a `quote` warning names the lines."""
    width = len(headers)
    with source.open() as stream:
        lines = _physical_lines(stream.read().decode(encoding, errors="replace").lstrip("\ufeff"))
    reader = csv.reader(iter(lines), delimiter=delimiter)
    records: list[list[str]] = []
    notices: list[Notice] = []
    done = 0
    for record in reader:
        start, done = done + 1, reader.line_num
        if done > start and any(_looks_swallowed(c, delimiter, width) for c in record):
            row = len(records) + 1
            records += [_one_line(line, delimiter) for line in lines[start - 1 : done]]
            notices.append(Notice.of("quote", "quote.stray", [row], file=file, first=start, last=done, row=row))
        else:
            records.append(record)
    body = records[header_index + 1 :]
    columns = _text_columns(body, width)
    first = header_index + 2
    rows = pa.array(np.arange(first, first + len(body), dtype=np.int32))
    return RawTable(headers, header_index + 1, columns, rows, notices)


def _text_columns(body: list[list[str]], width: int) -> list[pa.Array]:
    """Records as `width` string columns, short records padded with "", long ones cut. Each record is
    padded once (padding it again for every column was quadratic in the width)."""
    if not body:
        return [pa.array([], type=pa.string()) for _ in range(width)]
    padded = [r[:width] if len(r) >= width else r + [""] * (width - len(r)) for r in body]
    return [pa.array(column, type=pa.string()) for column in zip(*padded, strict=True)]


def _physical_lines(text: str) -> list[str]:
    """Lines as the csv module and pyarrow end them (CRLF, LF or a bare CR), ends kept; not
    str.splitlines, which also breaks at \\x1c-\\x1e, \\x85 and \\u2028 inside a title."""
    return _PHYSICAL_LINE.findall(text)


def _one_line(line: str, delimiter: str) -> list[str]:
    """One physical line as a record; with an unpaired quote, the quote is taken as a character."""
    text = line.rstrip("\r\n")
    quoting: Literal[0, 1, 2, 3] = csv.QUOTE_NONE if text.count('"') % 2 else csv.QUOTE_MINIMAL
    return next(csv.reader([text], delimiter=delimiter, quoting=quoting), [])


class _NeedsCarefulRead(Exception):
    """The fast reader met something it cannot number exactly (ragged rows, bad bytes)."""


def _read_csv_arrow(
    source: _CsvBytes,
    encoding: str,
    delimiter: str,
    skip: int,
    header_index: int,
    headers: list[str],
    *,
    multiline: bool,
) -> RawTable:
    """pyarrow's multi-threaded reader, every column as text (inferring types, or dictionary-encoding
    while parsing, both cost more than they save); columns stay in the reader's chunks. Threads even
    for a 14 KB file: without them pyarrow still hands blocks between threads, and on a busy machine
    that took 1.8-1.9 ms a file (median) against 0.3 ms with them."""
    names = [f"c{i}" for i in range(len(headers))]
    read = pacsv.ReadOptions(skip_rows=skip, column_names=names)
    parse = pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=multiline, ignore_empty_lines=False)
    types = dict.fromkeys(names, pa.string())
    convert = pacsv.ConvertOptions(column_types=types, strings_can_be_null=False, quoted_strings_can_be_null=False)
    stream = _arrow_input(source, encoding)
    try:
        with stream:
            table = pacsv.read_csv(stream, read_options=read, parse_options=parse, convert_options=convert)
    except pa.ArrowInvalid as err:
        raise _NeedsCarefulRead(str(err)) from None
    if isinstance(stream, _Transcoder) and stream.replaced:
        raise _NeedsCarefulRead("ragged rows or undecodable bytes")
    first = header_index + 2
    rows = pa.array(np.arange(first, first + table.num_rows, dtype=np.int32))
    return RawTable(headers, header_index + 1, list(table.columns), rows)


def _arrow_input(source: _CsvBytes, encoding: str) -> pa.NativeFile | _Transcoder:
    """The bytes for pyarrow, which reads UTF-8 only: other encodings re-encoded as they are read.

    An opened file, never its name: from a name pyarrow guesses compression by the suffix, and a
    text upload named 台账.gz failed with "zlib inflate failed" (an OSError, not a ledger error)."""
    utf8 = encoding in ("utf-8", "utf-8-sig")
    if source.data is None:
        return pa.OSFile(str(source.path)) if utf8 else _text_stream(source.path, encoding)
    if utf8:
        return pa.BufferReader(source.data)
    if "\ufffd" in source.text:  # as the stream would find: the careful reader says which rows
        raise _NeedsCarefulRead("undecodable bytes")
    return pa.BufferReader(source.text.encode("utf-8"))


def _read_csv_python(
    file: str, source: _CsvBytes, encoding: str, delimiter: str, header_index: int, headers: list[str]
) -> RawTable:
    """Slow but exact: every record keeps its spreadsheet row; ragged and garbled rows are reported.

    Cells move into Arrow every CHUNK_ROWS records, so Python holds one chunk of strings at a time.
    """
    width = len(headers)
    cells: list[list[str]] = [[] for _ in range(width)]
    chunks: list[list[pa.Array]] = [[] for _ in range(width)]
    rows: list[int] = []
    notices: list[Notice] = []
    garbled: list[int] = []
    too_long: list[int] = []
    with source.open() as raw:
        stream = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
        reader = csv.reader(stream, delimiter=delimiter)
        for number, record in _records(file, reader):
            if number <= header_index + 1:
                continue
            if len(record) > width and any(c.strip() for c in record[width:]):
                too_long.append(number)
            if any("\ufffd" in c for c in record):
                garbled.append(number)
            record = (record + [""] * width)[:width]
            for i, value in enumerate(record):
                cells[i].append(value)
            rows.append(number)
            if len(cells[0]) >= CHUNK_ROWS:
                _flush(cells, chunks)
    _flush(cells, chunks)
    if garbled:
        notices.append(Notice.of("encoding", "warn.garbled", garbled, count=len(garbled), encoding=encoding))
    if too_long:
        notices.append(Notice.of("ragged", "warn.ragged", too_long, count=len(too_long), width=width))
    columns = [pa.concat_arrays(c) if c else pa.array([], type=pa.string()) for c in chunks]
    return RawTable(headers, header_index + 1, columns, pa.array(rows, type=pa.int32()), notices)


def _records(file: str, reader: Any) -> Iterator[tuple[int, list[str]]]:
    """(record number, cells) of a csv reader; its errors become one located LedgerError."""
    number = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            raise _csv_problem(file, reader.line_num, err) from None
        number += 1
        yield number, record


def _flush(cells: list[list[str]], chunks: list[list[pa.Array]]) -> None:
    if cells and cells[0]:
        for i, column in enumerate(cells):
            chunks[i].append(pa.array(column, type=pa.string()))
            column.clear()


# ---------------------------------------------------------------- Excel


_cell_text = cell_text  # one definition, shared with the child that reads workbooks


@dataclass
class SheetTables:
    """What a workbook gave: the sheets read (name, table), the sheets skipped, and every sheet's name;
    `instructions`: the 填表说明 sheets `checklist template` wrote, not read and not warned about."""

    read: list[tuple[str, RawTable]]
    skipped: list[str]
    names: list[str]
    instructions: list[str] = field(default_factory=list)


def _pattern(code: str, lang: str) -> re.Pattern[str]:
    """A catalogue template as a regular expression: its words literally, each {field} any text."""
    parts = re.split(r"\{[^{}]*\}", template(code, lang))
    return re.compile("^" + ".+".join(map(re.escape, parts)) + "$")


# How the template's instructions sheet is known (checklist.template): its name, and its first cell
# the instructions' title (填表说明（…）), in either language. A clerk's own sheet of notes is neither.
_NOTES_SHEET = {template("template.notes_sheet", lang) for lang in LANGS}
_NOTES_TITLE = [_pattern("template.notes_title", lang) for lang in LANGS]


def is_instructions(name: str, text: list[list[str]]) -> bool:
    """Whether a sheet is the 填表说明 sheet `checklist template` wrote (nothing to read, nothing to warn)."""
    first = text[0][0].strip() if text and text[0] else ""
    return name in _NOTES_SHEET and any(p.match(first) for p in _NOTES_TITLE)


def read_excel(
    file: str,
    path: Path,
    sheets: Sequence[str] | None,
    mapping: dict[str, str] | None,
    books: WorkbookReader | None = None,
) -> SheetTables:
    """Every sheet whose header row is recognised (DESIGN §4.1), or only `sheets` when given.
    `books`, when given, is the reader that may already have read this workbook ahead.

    When no sheet has a recognised header, the first non-empty one is returned with its first
    non-blank row as the header, so that the caller's error lists the headers that were found."""
    from checklist.ledger.excel import load_workbook

    only = list(sheets or ()) or None
    book = books.load(file, path, only) if books else load_workbook(file, path, only, text=True)
    names = book.names
    if not names:
        raise LedgerError(Problem(Location(file), msg("sheet.none")))
    unknown = [s for s in sheets or () if s not in names]
    if unknown:  # a usage error: the caller named a sheet this workbook does not have
        raise UsageError(msg("sheet.unknown_in", file=file, sheet=unknown[0], sheets=names))
    found = SheetTables([], [], names)
    first: tuple[str, list[list[str]]] | None = None
    for sheet in book.sheets:
        name, text = sheet.name, sheet.grid  # text already: merged cells filled in by the child
        header_index = find_header_row(text, mapping)
        if header_index is None and is_instructions(name, text):
            found.instructions.append(name)
            continue
        if header_index is None:
            found.skipped.append(name)
            if first is None and any(any(c.strip() for c in row) for row in text):
                first = (name, text)
            continue
        found.read.append((name, _sheet_table(text, header_index)))
    if not found.read:
        if first is None:
            raise LedgerError(Problem(Location(file), msg("ledger.no_data")))
        name, text = first
        found.read.append((name, _sheet_table(text, first_nonblank_row(text))))
        found.skipped.remove(name)
    return found


def _sheet_table(text: list[list[str]], header_index: int) -> RawTable:
    headers = [h.strip() for h in text[header_index]]
    width = len(headers)
    body = text[header_index + 1 :]
    # Rows padded to the header's width once, then turned into columns in one pass: a header row
    # 65,536 cells wide (a damaged .xls) took minutes when each column copied every row again.
    padded = [r + [""] * (width - len(r)) if len(r) < width else r for r in body]
    cells = list(itertools.islice(zip(*padded, strict=False), width)) if padded else [()] * width
    # A column blank from its header down holds nothing to read or to account for: left out, so a
    # row of 65,536 mostly empty header cells is a few columns, not 65,536 of them.
    kept = [i for i, column in enumerate(cells) if headers[i] or any(column)]
    if len(kept) < width:
        headers, cells = [headers[i] for i in kept], [cells[i] for i in kept]
    columns = [pa.array(column, type=pa.string()) for column in cells]
    first = header_index + 2
    raw = RawTable(headers, header_index + 1, columns, pa.array(range(first, first + len(body)), type=pa.int32()))
    raw.preamble = text[:header_index]
    return raw


# ---------------------------------------------------------------- JSON Lines


def read_jsonl(file: str, path: Path) -> RawTable:
    headers: dict[str, int] = {}
    records: list[dict[str, Any]] = []
    rows: list[int] = []
    bad: list[tuple[int, Message]] = []
    with path.open("r", encoding="utf-8-sig", errors="replace") as stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            got = json_record(line)  # indexed, not unpacked: mypy narrows the pair as a whole
            if got[0] is None:
                bad.append((number, got[1]))
                continue
            obj = got[0]
            for key in obj:
                headers.setdefault(str(key), len(headers))
            records.append(obj)
            rows.append(number)
    if not records and not bad:
        raise LedgerError(Problem(Location(file), msg("ledger.empty_jsonl")))
    names = list(headers)
    columns = [pa.array([_cell_text(_json_value(r.get(n))) for r in records], type=pa.string()) for n in names]
    return RawTable(names, 0, columns, pa.array(rows, type=pa.int32()), unreadable=bad)


def _json_int(text: str) -> int | str:
    """Integers as numbers while they are ordinary; a 4,301-digit one stays text (int() refuses it)."""
    return int(text) if len(text) <= 18 else text


# The json module's problems carry no code, only these fixed sentences: said in the reader's language by
# their opening words; any other is shown as the module wrote it.
_JSON_PROBLEMS = (
    ("Expecting value", "json.value"),
    ("Expecting property name", "json.name"),
    ("Expecting ':'", "json.colon"),
    ("Expecting ','", "json.comma"),
    ("Unterminated string", "json.string"),
    ("Invalid control character", "json.control"),
    ("Invalid \\", "json.escape"),
    ("Extra data", "json.extra"),
    ("Illegal trailing comma", "json.trailing_comma"),
)


def _json_problem(text: str) -> Message | str:
    code = next((code for start, code in _JSON_PROBLEMS if text.startswith(start)), None)
    return msg(code) if code else text


def json_record(line: str) -> tuple[dict[str, Any], None] | tuple[None, Message]:
    """One JSON Lines record, or (None, why not): bad JSON, deep nesting and huge numbers are reasons,
    never exceptions (the ledger reader and `checklist watch` both read lines from strangers)."""
    try:
        value = json.loads(line, parse_int=_json_int)
    except json.JSONDecodeError as err:
        return None, msg("row.invalid_json", detail=_json_problem(err.msg), column=err.colno)
    except RecursionError:
        return None, msg("ledger.json_deep")
    except ValueError as err:
        return None, msg("ledger.json_value", detail=one_line(err, 120))
    if not isinstance(value, dict):
        return None, msg("row.json_not_object")
    return value, None


def _json_value(value: Any) -> Any:
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return value


# ---------------------------------------------------------------- any file


def read_raw(
    path: Path,
    *,
    noun: str = "ledger",
    mapping: dict[str, str] | None = None,
    lines: LineCount | None = None,
    shown: str | None = None,
) -> tuple[str, RawTable]:
    """Open any supported file by its content: (kind, string columns); a workbook's first sheet with a
    recognised header. `noun` names it in errors; `shown` is its name in messages (default: the path)."""
    kind, tables = read_tables(path, noun=noun, mapping=mapping, lines=lines, shown=shown)
    return kind, tables.read[0][1]


def read_tables(
    path: Path,
    *,
    noun: str = "ledger",
    sheets: Sequence[str] | None = None,
    mapping: dict[str, str] | None = None,
    lines: LineCount | None = None,
    shown: str | None = None,
    books: WorkbookReader | None = None,
) -> tuple[str, SheetTables]:
    """Open any supported file by its content: (kind, its tables). A CSV or JSON Lines file is one
    table (named ''); a workbook gives its sheets with a recognised header. `lines`, when given,
    returns the file's physical line count (counted elsewhere, in parallel); `books`, when given,
    reads workbooks (one child process for all the workbooks of a folder, see ledger/excel.py)."""
    file = str(path) if shown is None else shown
    try:
        with path.open("rb") as stream:
            head = stream.read(SNIFF_BYTES)
    except OSError as err:
        raise LedgerError(
            Problem(Location(file), msg("file.cannot_read", noun=msg(f"noun.{noun}"), reason=os_reason(err)))
        ) from None
    if not head.strip(b" \t\r\n\xef\xbb\xbf"):
        raise LedgerError(Problem(Location(file), msg("file.empty", noun=msg(f"noun.{noun}"))))
    kind = sniff_kind(path, head)
    if kind in ("xlsx", "xls"):
        return kind, read_excel(file, path, sheets, mapping, books)
    if not head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 has NUL bytes by nature
        check_text(file, head)
    raw = read_jsonl(file, path) if kind == "jsonl" else read_csv(file, path, head, mapping, lines)
    return kind, SheetTables([("", raw)], [], [])
