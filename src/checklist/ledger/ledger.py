"""Read a ledger into one columnar table of usable rows, with every other row accounted for."""

from __future__ import annotations

import contextlib
import os
import re
import threading
import unicodedata
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, TypeAlias, cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import xxhash

from checklist.errors import LedgerError, Location, Problem, UsageError
from checklist.ledger import arrays
from checklist.ledger.columns import NUMERIC, ColumnMap, load_mapping, map_columns, missing_columns_problem
from checklist.ledger.combine import Part, combine
from checklist.ledger.dates import parse_when_column
from checklist.ledger.excel import WorkbookReader, is_workbook
from checklist.ledger.hints import is_yearless, rows_above_header, unit_line, with_year, year_hint
from checklist.ledger.model import NO_UNIT, Ledger, PartContext, TableRead
from checklist.ledger.readers import RawTable, SheetTables, _cell_text, lines_in, read_chunks, read_tables
from checklist.ledger.sources import Source, from_bytes, from_paths, read_binary
from checklist.notice import Notice, RejectedRow
from checklist.text import Message, msg, tidy

SUMMARY_WORDS = ("合计", "总计", "小计", "共计", "total")
_NAME_SPLIT = re.compile(r"[、,，;；\s]+")


def split_names(text: str | None) -> list[str]:
    """参加人员 '张三、李四, 王五' -> ['张三', '李四', '王五']."""
    return [n for n in _NAME_SPLIT.split(text or "") if n]


LedgerInput: TypeAlias = (
    str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | bytes | BinaryIO | list[dict] | pa.Table
)


@dataclass(frozen=True)
class ReadOptions:
    """How every file of one read is read (DESIGN §4.1)."""

    sheets: tuple[str, ...] = ()
    mapping: dict[str, str] | None = None
    unit_name: str | None = None
    year: int | None = None


def read_ledger(
    source: LedgerInput,
    *,
    sheet: str | Sequence[str] | None = None,
    mapping: str | Path | dict[str, str] | None = None,
    unit_name: str | None = None,
    year: int | None = None,
    name: str | None = None,
    empty_ok: bool = False,
) -> Ledger:
    """Read a ledger: a CSV/XLSX/XLS/JSONL file (by content), several, a folder of them, bytes or a
    binary file object (`name` names it in messages), rows (`list[dict]`) or an Arrow table.

    `sheet` restricts workbooks to those sheets; `unit_name` names the unit of files without a unit
    column; `year` is the year of dates written without one when neither the sheet name nor the
    title rows give it. A ledger with a header but no rows is an error unless `empty_ok` (the
    caller evaluates listed units anyway). Raises LedgerError when the input is unusable."""
    try:
        return _read_ledger(source, sheet, mapping, unit_name, year, name, empty_ok)
    except (MemoryError, RecursionError) as err:  # numpy's and Arrow's memory errors are MemoryErrors too
        code = "ledger.memory" if isinstance(err, MemoryError) else "ledger.too_deep"
        raise LedgerError(Problem(Location(_shown(source, name)), msg(code))) from None


def _shown(source: LedgerInput, name: str | None) -> str:
    """How an input is named in an error raised before any file was opened by name."""
    if name or isinstance(source, str | os.PathLike):
        return name or str(source)
    paths = [p for p in source if isinstance(p, str | os.PathLike)] if isinstance(source, list | tuple) else []
    return ", ".join(map(str, paths)) if paths else "ledger"


def _read_ledger(
    source: LedgerInput,
    sheet: str | Sequence[str] | None,
    mapping: str | Path | dict[str, str] | None,
    unit_name: str | None,
    year: int | None,
    name: str | None,
    empty_ok: bool,
) -> Ledger:
    options = ReadOptions(
        sheets=(sheet,) if isinstance(sheet, str) else tuple(sheet or ()),
        mapping=load_mapping(mapping) if isinstance(mapping, str | Path) else mapping,
        unit_name=tidy(unit_name) or None,
        year=year,
    )
    if isinstance(source, pa.Table) or (isinstance(source, list) and all(isinstance(r, dict) for r in source)):
        ledger = _from_rows(source, name, options)
    elif isinstance(source, bytes | bytearray | memoryview) or hasattr(source, "read"):
        data = bytes(source) if isinstance(source, bytes | bytearray | memoryview) else read_binary(source)
        with from_bytes(data, name or getattr(source, "name", None)) as found:
            ledger = _read_files(found, options, found[0].shown)
    elif isinstance(source, str | os.PathLike):
        ledger = _read_files(from_paths([source]), options, str(source))
    elif isinstance(source, Sequence):
        # bytes and lists of records were taken above: what is left is a sequence of paths
        paths = cast("Sequence[str | os.PathLike[str]]", source)
        ledger = _read_files(from_paths(list(paths)), options, ", ".join(map(str, paths)))
    else:
        raise LedgerError(Problem(Location(name or "ledger"), msg("input.type", kind=type(source).__name__)))
    return _finish(ledger, empty_ok)


def _finish(ledger: Ledger, empty_ok: bool) -> Ledger:
    if not ledger.rows:
        if not empty_ok:
            raise LedgerError(Problem(Location(ledger.source, ledger.header_row), msg("input.no_rows")))
        ledger.notices.append(Notice.of("empty", "ledger.empty"))
    # Give back what parsing used and no longer needs (the raw text columns): Arrow's allocator
    # keeps freed pages for reuse, and evaluation would otherwise start on top of them.
    pa.default_memory_pool().release_unused()
    return ledger


READERS = 4  # text files read at once (Arrow's parse lets go of the GIL)
SHEET_READERS = 2  # threads turning the workbooks the child processes send into tables
EXCEL_CHILDREN = min(2, os.cpu_count() or 1)  # child processes reading a folder's workbooks at once


def _read_one(source: Source, options: ReadOptions, books: WorkbookReader) -> tuple[str, SheetTables, str]:
    digest = _Digest(source.path)
    kind, tables = read_tables(
        source.path,
        sheets=options.sheets,
        mapping=options.mapping,
        lines=digest.lines,
        shown=source.shown,
        books=books,
    )
    return kind, tables, digest.result()


def _read_all(sources: list[Source], options: ReadOptions) -> Iterator[tuple[str, SheetTables, str]]:
    """Each file's tables, in order. Every workbook is handed at once to child processes (two on a
    machine with two cores or more) that read them one after another (ledger/excel.py) while the
    text files are read here, a few at a time. Text files and workbooks have threads of their own:
    text files queued behind threads waiting for a child would be read only as fast as it reads."""
    with WorkbookReader(lanes=EXCEL_CHILDREN) as books:
        if len(sources) == 1:
            yield _read_one(sources[0], options, books)
            return
        workbooks = [is_workbook(s.path) for s in sources]
        for source, workbook in zip(sources, workbooks, strict=True):
            if workbook:
                books.submit(source.shown, source.path, options.sheets)
        with ThreadPoolExecutor(READERS) as texts, ThreadPoolExecutor(SHEET_READERS) as sheets:
            futures = [
                (sheets if workbook else texts).submit(_read_one, source, options, books)
                for source, workbook in zip(sources, workbooks, strict=True)
            ]
            for future in futures:
                yield future.result()


def _read_files(sources: list[Source], options: ReadOptions, shown: str) -> Ledger:
    tables: list[tuple[RawTable, PartContext]] = []
    later: dict[int, Notice] = {}  # a notice about a file, given after its last table's own
    digests = []
    known: dict[tuple[str, ...], ColumnMap] = {}
    for source, (kind, read, digest) in zip(sources, _read_all(sources, options), strict=True):
        several = len(read.read) > 1
        _note_misnamed(read.read[0][1], source.shown, Path(source.name), kind)
        for sheet, raw in read.read:
            context = PartContext(source=source, sheet=sheet or None, several_sheets=several, kind=kind)
            _usable_columns(raw, context, options, known)  # a file's error before the next file is read
            tables.append((raw, context))
        if read.skipped:
            later[len(tables) - 1] = Notice.of(
                "sheets", "sheets.skipped", file=source.shown, count=len(read.skipped), sheets=read.skipped
            )
        digests.append(digest)
    ledgers = normalise(tables, options, known)
    for at, notice in later.items():
        ledgers[at].notices.append(notice)
    parts = [Part(context, ledger) for (_raw, context), ledger in zip(tables, ledgers, strict=True)]
    ledger = combine(parts, several_files=len(sources) > 1, source=shown)
    ledger.digest = digests[0] if len(digests) == 1 else xxhash.xxh3_128("|".join(digests).encode()).hexdigest()
    return ledger


def _from_rows(rows: list[dict] | pa.Table, name: str | None, options: ReadOptions) -> Ledger:
    """Rows given as dicts or an Arrow table with the §4 field names (or any accepted header)."""
    if isinstance(rows, pa.Table):
        headers = list(rows.column_names)
        columns = [_as_text(rows[h]) for h in headers]
        size = rows.num_rows
    else:
        headers = list(dict.fromkeys(str(k) for r in rows for k in r))
        columns = [pa.array([_value_text(r.get(h)) for r in rows], type=pa.string()) for h in headers]
        size = len(rows)
    raw = RawTable(headers, 1, columns, pa.array(np.arange(2, 2 + size, dtype=np.int32)))
    shown = name or "rows"
    source = Source(path=Path(shown), shown=shown, name=shown)
    context = PartContext(source=source, sheet=None, several_sheets=False, kind="rows", named=name is not None)
    ledger = combine([Part(context, normalise([(raw, context)], options)[0])], several_files=False, source=shown)
    ledger.digest = xxhash.xxh3_128(repr([c.to_pylist() for c in columns]).encode()).hexdigest()
    return ledger


def _value_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return "、".join(map(str, value))
    return _cell_text(value)


def _as_text(column: pa.ChunkedArray) -> pa.Array:
    """Any Arrow column as text, as a reader would give it (dates ISO, whole floats without .0)."""
    array = column.combine_chunks()
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    if pa.types.is_string(array.type):
        return array
    if pa.types.is_floating(array.type):
        return pa.array([_cell_text(v) for v in array.to_pylist()], type=pa.string())
    if pa.types.is_list(array.type) or pa.types.is_large_list(array.type):
        return pa.array(["、".join(map(str, v)) if v else None for v in array.to_pylist()], type=pa.string())
    try:
        return array.cast(pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pa.array([None if v is None else str(v) for v in array.to_pylist()], type=pa.string())


class _Digest:
    """The file's hash and line count, computed on a thread while the file is parsed.

    XXH3-128, not SHA-256: the fingerprint says "same bytes", it is not a signature, and on a
    150 MB ledger SHA-256 takes half as long as parsing while competing for the same cores.
    """

    SMALL = 1 << 20  # a file up to this size is hashed at once, here: a thread and a 4 MB buffer cost more

    def __init__(self, path: Path) -> None:
        self._hash = xxhash.xxh3_128()
        self._lines = 0
        self._thread: threading.Thread | None = None
        with contextlib.suppress(OSError):  # an unreadable file is reported by the reader, once
            if path.stat().st_size <= self.SMALL:
                data = path.read_bytes()
                self._hash.update(data)
                self._lines = lines_in(data) if data else 0
                return
        self._thread = threading.Thread(target=self._run, args=(path,), daemon=True)
        self._thread.start()

    def _run(self, path: Path) -> None:
        # Read, never memory-map: a mapped file that is truncated or rewritten meanwhile (the next
        # upload saved to the same path after this one failed) kills the process with SIGBUS.
        with contextlib.suppress(OSError, ValueError):  # an unreadable file is reported by the reader, once
            self._lines = read_chunks(path, self._hash.update)

    def lines(self) -> int:
        if self._thread:
            self._thread.join()
        return self._lines

    def result(self) -> str:
        if self._thread:
            self._thread.join()
        return self._hash.hexdigest()


def _note_misnamed(raw: RawTable, file: str, path: Path, kind: str) -> None:
    suffix = path.suffix.lower().lstrip(".")
    expected = {"xlsx": "xlsx", "xlsm": "xlsx", "xls": "xls", "csv": "csv", "txt": "csv", "jsonl": "jsonl"}
    if suffix in expected and expected[suffix] != kind:
        raw.notices.append(Notice.of("format", "warn.format", file=file, suffix=suffix, content=kind))


# ---------------------------------------------------------------- normalisation


def _column(raw: RawTable, columns: ColumnMap, name: str) -> pa.Array | None:
    index = columns.fields.get(name)
    return None if index is None else raw.columns[index]


def _keep(column: pa.Array, mask: pa.Array | None) -> pa.Array:
    """The kept rows of a column (no copy when every row is kept)."""
    return column if mask is None else column.filter(mask)


def _nfkc(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def _number(text: str | None) -> float | str | None:
    """A float, None for blank, or the text itself when it is not a number."""
    cleaned = _nfkc(text)
    if not cleaned:
        return None
    try:
        return float(cleaned)
    except ValueError:
        return cleaned


def _numbers(array: pa.DictionaryArray) -> tuple[pa.Array, dict[int, str]]:
    """Parse a numeric column once per distinct text; unparseable texts are errors by row index."""
    parsed = [_number(v) for v in array.dictionary.to_pylist()]
    values = pa.array([v if isinstance(v, float) else None for v in parsed], type=pa.float64())
    bad = [i for i, v in enumerate(parsed) if isinstance(v, str)]
    errors: dict[int, str] = {}
    if bad:
        idx = array.indices.to_numpy(zero_copy_only=False)
        for row in np.flatnonzero(np.isin(idx, bad)):
            errors[int(row)] = str(parsed[idx[row]])
    return pc.take(values, array.indices), errors


Said: TypeAlias = tuple[str, str, np.ndarray, dict[str, object]]  # (kind, code, indices of kept rows, arguments)

ENCODED = ("date", "activity", "unit", "evidence", "recorded_at", *NUMERIC)


def _encode_repetitive(raw: RawTable, columns: ColumnMap) -> None:
    """Dictionary-encode the columns whose values repeat (dates, types, units, numbers) up front, two
    at a time: Arrow's kernels free the GIL, and everything after works on each distinct value once."""
    todo = [columns.fields[name] for name in ENCODED if name in columns.fields]
    if len(raw.rows) < 50_000:
        for i in todo:
            raw.columns[i] = arrays.as_dict(raw.columns[i])
        return
    with ThreadPoolExecutor(max_workers=2) as pool:
        for i, encoded in zip(todo, pool.map(lambda i: arrays.as_dict(raw.columns[i]), todo), strict=True):
            raw.columns[i] = encoded


def _usable_columns(
    raw: RawTable, context: PartContext, options: ReadOptions, known: dict[tuple[str, ...], ColumnMap]
) -> ColumnMap:
    """The table's columns, or the error that it lacks a date or activity column or has a unit
    column beside --unit-name. Tables with the same headers are mapped once."""
    key = tuple(raw.headers)
    columns = known.get(key) or known.setdefault(key, map_columns(raw.headers, options.mapping))
    if any(f not in columns.fields for f in ("date", "activity")):
        raise LedgerError(missing_columns_problem(_where(context), raw.header_row, columns, options.mapping))
    if options.unit_name and "unit" in columns.fields:
        raise UsageError(msg("unit_name.with_column", file=context.source.shown, header=columns.header_of("unit")))
    return columns


def normalise(
    tables: Sequence[tuple[RawTable, PartContext]],
    options: ReadOptions,
    known: dict[tuple[str, ...], ColumnMap] | None = None,
) -> list[Ledger]:
    """Each table read (a sheet, a CSV) into usable rows and rejected rows, one ledger per table, in
    order; duplicates are found later, over everything read (`combine`).

    Tables with the same headers (a county's folder: 200 files from one template) are stacked and
    parsed as one, then cut apart again: the work per table is then a few Python calls, not the
    ~40 Arrow calls of a whole parse, which made 320 small tables take 1.4 s (bench/folder.py).
    `known` holds the header layouts already mapped (by the reader, which checks each table as it comes)."""
    known = {} if known is None else known
    groups: dict[tuple[str, ...], list[int]] = {}
    for i, (raw, context) in enumerate(tables):
        _usable_columns(raw, context, options, known)
        groups.setdefault(tuple(raw.headers), []).append(i)
    out: dict[int, Ledger] = {}
    for key, members in groups.items():
        group = _Group([tables[i][0] for i in members], [tables[i][1] for i in members])
        out.update(zip(members, _normalise_group(group, known[key], options), strict=True))
    return [out[i] for i in range(len(tables))]


@dataclass
class _Group:
    """Tables with the same headers, stacked: `raw` holds their rows one table after another."""

    raws: list[RawTable]
    contexts: list[PartContext]
    raw: RawTable = field(init=False)
    starts: np.ndarray = field(init=False)  # where each table's rows begin, and the end
    part: np.ndarray = field(init=False)  # the table of each row

    def __post_init__(self) -> None:
        self.raw = self.raws[0] if len(self.raws) == 1 else _stack_tables(self.raws)
        sizes = [len(r.rows) for r in self.raws]
        self.starts = np.cumsum([0, *sizes])
        self.part = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)

    def split(self, indices: np.ndarray | list[int]) -> list[np.ndarray]:
        """Row indices (ascending) of the stacked table, cut per table."""
        indices = np.asarray(indices, dtype=np.int64)
        return np.split(indices, np.searchsorted(indices, self.starts[1:-1]))


def _stack_tables(raws: list[RawTable]) -> RawTable:
    """One table of the rows of tables with the same headers, one after another."""
    columns = [_stacked_column([r.columns[j] for r in raws]) for j in range(len(raws[0].headers))]
    rows = pa.concat_arrays([r.rows.cast(pa.int32()) for r in raws])
    return RawTable(list(raws[0].headers), raws[0].header_row, columns, rows)


def _stacked_column(columns: list[pa.Array | pa.ChunkedArray]) -> pa.ChunkedArray:
    chunks = [c for column in columns for c in (column.chunks if isinstance(column, pa.ChunkedArray) else [column])]
    if len({c.type for c in chunks}) > 1:  # a CSV's text beside a workbook's dictionary or null column
        chunks = [(c.dictionary_decode() if pa.types.is_dictionary(c.type) else c).cast(pa.string()) for c in chunks]
    return pa.chunked_array(chunks, chunks[0].type if chunks else pa.string())


def _normalise_group(group: _Group, columns: ColumnMap, options: ReadOptions) -> list[Ledger]:
    raw, part = group.raw, group.part
    _encode_repetitive(raw, columns)
    notices = [list(r.notices) for r in group.raws]
    date_text, yearless = _with_years(group, columns, options, notices)
    activity = arrays.trim(arrays.as_dict(_column(raw, columns, "activity")))
    no_date, no_activity = arrays.blank(date_text), arrays.blank(activity)
    blank = _blank_rows(raw, no_date & no_activity)
    dates, minutes, date_errors = parse_when_column(date_text)
    reasons: dict[int, Message] = dict(date_errors)
    for i in yearless:
        reasons[i] = msg("date.no_year", text=date_text[i].as_py())
    numeric = _reasons(group, columns, reasons, np.flatnonzero(no_date & ~blank), no_activity & ~blank, blank)
    keep = ~blank
    if reasons:
        keep[list(reasons)] = False
    rows = raw.rows.to_numpy()
    sources = [
        _unit_source(r, columns, c, options, n) for r, c, n in zip(group.raws, group.contexts, notices, strict=True)
    ]
    units = [unit for unit, _source in sources]
    rejected: list[list[RejectedRow]] = [[] for _ in group.raws]
    cells = _rejected_units(raw, columns, list(reasons), [units[p] for p in part[list(reasons)].tolist()])
    for i, why in reasons.items():
        rejected[part[i]].append(_rejected(int(rows[i]), why, cells.get(i)))
    for own, r, unit in zip(rejected, group.raws, units, strict=True):
        own += [_rejected(row, why, None) for row, why in r.unreadable]
        above = msg("row.above_header", header=r.header_row)
        own += [_rejected(row, above, unit) for row in rows_above_header(r.preamble)]
        own.sort(key=lambda r: r.row)
    mask = None if keep.all() else pa.array(keep)
    kept = part if mask is None else part[keep]
    table, said = _build_table(raw, columns, mask, dates, minutes, activity, numeric, _part_units(kept, units))
    blanks = np.concatenate([[0], np.cumsum(blank)])[group.starts]
    sizes = np.bincount(kept, minlength=len(group.raws))
    starts = np.concatenate([[0], np.cumsum(sizes)])
    headers = {f: columns.header_of(f) for f in columns.fields}
    out = []
    for p, (r, context) in enumerate(zip(group.raws, group.contexts, strict=True)):
        own = table if len(group.raws) == 1 else table.slice(int(starts[p]), int(sizes[p]))
        for kind, code, at, args in said:  # notices citing kept rows, each table its own
            here = at[(at >= starts[p]) & (at < starts[p + 1])]
            if len(here):
                cited = own["row"].to_numpy()[here - starts[p]].tolist()
                notices[p].append(Notice.of(kind, code, cited, count=len(cited), **args))
        read = TableRead(
            file=context.source.name,
            sheet=context.sheet,
            kind=context.kind,
            header_row=r.header_row,
            columns=headers,
            rows=own.num_rows + len(rejected[p]),
            rejected=len(rejected[p]),
            blank_rows=int(blanks[p + 1] - blanks[p]),
            unit=units[p],
            unit_source=sources[p][1],
        )
        out.append(
            Ledger(
                source=context.source.shown,
                kind=context.kind,
                table=own,
                rejected=rejected[p],
                notices=notices[p],
                columns=headers,
                header_row=r.header_row,
                blank_rows=read.blank_rows,
                digest="",
                extra_columns=list(columns.extra),
                tables=[read],
            )
        )
    return out


def _reasons(
    group: _Group,
    columns: ColumnMap,
    reasons: dict[int, Message],
    undated: np.ndarray,
    no_activity: np.ndarray,
    blank: np.ndarray,
) -> dict[str, pa.Array]:
    """Why rows without a date or activity or with a bad number are rejected (added to `reasons`,
    by index in the stacked table); returns the numeric columns."""
    summary = _summary_rows(group.raw, np.concatenate([here[:1000] for here in group.split(undated)]))
    for i in undated.tolist():
        reasons.setdefault(i, summary.get(i) or msg("row.no_date"))
    for i in np.flatnonzero(no_activity).tolist():
        reasons.setdefault(i, msg("row.empty_activity"))
    numeric: dict[str, pa.Array] = {}
    for name in NUMERIC:
        array = _column(group.raw, columns, name)
        if array is None:
            continue
        numeric[name], errors = _numbers(arrays.as_dict(array))
        header = columns.header_of(name)
        for i, text in errors.items():
            if not blank[i]:
                reasons.setdefault(i, msg("row.not_a_number", header=header, text=text))
    return numeric


def _part_units(kept: np.ndarray, units: list[str | None]) -> pa.DictionaryArray | None:
    """The unit of each kept row of tables without a unit column (each table's one unit); None
    when the tables have a unit column."""
    if units[0] is None:
        return None
    names = list(dict.fromkeys(u or NO_UNIT for u in units))
    code = np.array([names.index(u or NO_UNIT) for u in units], dtype=np.int32)
    return pa.DictionaryArray.from_arrays(pa.array(code[kept]), pa.array(names, pa.string()))


def _rejected_units(raw: RawTable, columns: ColumnMap, indices: list[int], units: list[str | None]) -> dict[int, str]:
    """The unit of each rejected row (so a per-unit report can show it): its unit cell, or its
    table's unit (`units`, one per index) when the ledger has no unit column."""
    column = _column(raw, columns, "unit")
    if column is None:
        return {i: u for i, u in zip(indices, units, strict=True) if u}
    if not indices:
        return {}
    cells = pc.take(column, pa.array(indices, pa.int64())).cast(pa.string()).to_pylist()
    return {i: _nfkc(c) for i, c in zip(indices, cells, strict=True) if _nfkc(c)}


def _where(context: PartContext) -> str:
    """How an error names a table: the file, and the sheet when the workbook has several."""
    file = context.source.shown
    return f"{file}[{context.sheet}]" if context.sheet and context.several_sheets else file


def _rejected(row: int, why: Message, unit: str | None) -> RejectedRow:
    return RejectedRow.of(row, why.code, unit_cell=unit, **why.args)


def _with_years(
    group: _Group, columns: ColumnMap, options: ReadOptions, notices: list[list[Notice]]
) -> tuple[pa.DictionaryArray, list[int]]:
    """The date column with the year written into dates that have none (3月28日), when the sheet
    name, the title rows or --year give it (each table its own); else the indices of the rows
    whose year is unknown."""
    date_text = arrays.as_dict(_column(group.raw, columns, "date"))
    values = date_text.dictionary.to_pylist()
    yearless = [i for i, v in enumerate(values) if v and is_yearless(v)]
    if not yearless:
        return date_text, []
    codes = date_text.indices.to_numpy(zero_copy_only=False).astype(np.int32)
    rows = group.raw.rows.to_numpy()
    unknown: list[int] = []
    added: dict[tuple[int, int], int] = {}
    for p, here in enumerate(group.split(np.flatnonzero(np.isin(codes, yearless)))):
        if not len(here):
            continue
        hint = year_hint(group.contexts[p].sheet, group.raws[p].preamble, options.year)
        if hint is None:
            unknown += here.tolist()
            continue
        distinct, inverse = np.unique(codes[here], return_inverse=True)
        dated = [added.setdefault((int(c), hint.year), len(values) + len(added)) for c in distinct.tolist()]
        codes[here] = np.array(dated, dtype=np.int32)[inverse]
        cited = rows[here].tolist()
        notices[p].append(
            Notice.of("date", "date.year_from", cited, count=len(cited), year=hint.year, source=hint.source)
        )
    values += [with_year(values[c], year) for (c, year) in added]
    dated_text = pa.DictionaryArray.from_arrays(pa.array(codes), pa.array(values, type=pa.string()))
    return dated_text, unknown


def _unit_source(
    raw: RawTable, columns: ColumnMap, context: PartContext, options: ReadOptions, notices: list[Notice]
) -> tuple[str | None, Message | None]:
    """The unit of a table without a unit column and where it was found: its 填报单位 line, else
    --unit-name, else the file name; (None, None) when the table has a unit column."""
    if "unit" in columns.fields:
        return None, None
    file = context.source.shown
    line = unit_line(raw.preamble)
    if line is not None:
        notices.append(Notice.of("unit", "unit.from_line", file=file, unit=line.unit, label=line.label, row=line.row))
        return line.unit, msg("unit.source.line", label=line.label, row=line.row)
    if options.unit_name:
        notices.append(Notice.of("unit", "unit.from_option", file=file, unit=options.unit_name))
        return options.unit_name, msg("unit.source.option")
    if not context.named:
        return NO_UNIT, None
    unit = tidy(context.source.stem) or NO_UNIT
    notices.append(Notice.of("unit", "unit.from_file", file=file, unit=unit))
    return unit, msg("unit.source.file")


def _blank_rows(raw: RawTable, candidates: np.ndarray) -> np.ndarray:
    """Rows whose every cell is blank: not rows at all (Excel exports end with many)."""
    blank = candidates.copy()
    if not blank.any():
        return blank
    idx = pa.array(np.flatnonzero(blank))
    still = np.ones(len(idx), dtype=bool)
    for column in raw.columns:
        still &= pc.equal(arrays.trimmed(pc.take(column, idx).cast(pa.string())), "").to_numpy(zero_copy_only=False)
        if not still.any():  # every candidate has a value: the other columns (100,000 in a damaged file) can wait
            break
    blank[:] = False
    blank[idx.to_numpy()[still]] = True
    return blank


def _summary_rows(raw: RawTable, no_date: np.ndarray) -> dict[int, Message]:
    """A 合计/总计 line at the bottom is bookkeeping, not an activity: say so rather than 'no date'."""
    found: dict[int, Message] = {}
    for i in no_date[:1000]:
        for column in raw.columns:
            text = _nfkc(column[int(i)].as_py()).casefold()
            if text:
                if any(text.startswith(w) for w in SUMMARY_WORDS):
                    found[int(i)] = msg("row.summary", text=text[:20])
                break
    return found


def _build_table(
    raw: RawTable,
    columns: ColumnMap,
    mask: pa.Array | None,
    dates: pa.Array,
    minutes: pa.Array,
    activity: pa.DictionaryArray,
    numeric: dict[str, pa.Array],
    units: pa.DictionaryArray | None,
) -> tuple[pa.Table, list[Said]]:
    """The table of kept rows, and what to say about some of them (their indices in it)."""
    rows = _keep(raw.rows, mask)
    ident = _column(raw, columns, "id")
    ids = pc.cast(rows, pa.string()) if ident is None else arrays.trimmed(_keep(ident, mask).cast(pa.string()))
    if ident is not None and pc.any(pc.equal(ids, "")).as_py():  # a row without 序号 is known by its row
        ids = pc.if_else(pc.equal(ids, ""), pc.cast(rows, pa.string()), ids)
    said: list[Said] = []
    if units is None:  # the tables have a unit column
        units, said = _units(raw, columns, mask)
    data: dict[str, pa.Array] = {
        "row": rows,
        "id": ids,
        "date": _keep(dates, mask),
        "minute": _keep(minutes, mask),
        "unit": units,
        "activity": arrays.compact(_keep(activity, mask)),
    }
    for name in ("title", "participants", "evidence"):
        col = _column(raw, columns, name)
        if col is None:
            data[name] = pa.nulls(len(rows), pa.string())
        elif pa.types.is_dictionary(col.type):  # few distinct values: trim those, keep the encoding
            data[name] = arrays.compact(arrays.trim(_keep(col, mask)))
        else:
            data[name] = arrays.trimmed(_keep(col, mask))
    data["recorded_at"] = _recorded_at(raw, columns, mask, rows, said)
    for name in NUMERIC:
        data[name] = _keep(numeric[name], mask) if name in numeric else pa.nulls(len(rows), pa.float64())
    # Extra columns gathered first and the table built once: appending one at a time copied the
    # column list each time (15,000 columns took minutes).
    for header, index in columns.extra.items():
        if header not in data:
            data[header] = arrays.trimmed(_keep(raw.columns[index], mask).cast(pa.string()))
    return pa.table(data), said


def _units(raw: RawTable, columns: ColumnMap, mask: pa.Array | None) -> tuple[pa.Array, list[Said]]:
    """Unit names compared after NFKC and trimming; a blank unit counts under '-' (and is reported)."""
    encoded = arrays.as_dict(_keep(_column(raw, columns, "unit"), mask))
    # Typed as text even when there are no rows: a dictionary of nulls cannot be stacked with others
    # (a county folder holding one unit's blank template crashed the read).
    names = arrays.map_values(encoded, lambda d: pa.array([_nfkc(v) or NO_UNIT for v in d.to_pylist()], pa.string()))
    units = arrays.compact(names)
    blank_units = np.flatnonzero(arrays.blank(encoded))
    return units, [("unit", "warn.no_unit", blank_units, {"name": NO_UNIT})] if len(blank_units) else []


def _recorded_at(
    raw: RawTable, columns: ColumnMap, mask: pa.Array | None, rows: pa.Array, said: list[Said]
) -> pa.Array:
    col = _column(raw, columns, "recorded_at")
    if col is None:
        return pa.nulls(len(rows), pa.date32())
    recorded, _minute, errors = parse_when_column(arrays.as_dict(_keep(col, mask)))
    if errors:
        at = np.array(sorted(errors), dtype=np.int64)
        said.append(("recorded_at", "warn.recorded_at", at, {"header": columns.header_of("recorded_at")}))
    return recorded
