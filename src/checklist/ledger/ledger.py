"""Read a ledger into one columnar table of usable rows, with every other row accounted for."""

from __future__ import annotations

import mmap
import re
import threading
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import xxhash

from checklist.errors import LedgerError, Location, Problem
from checklist.ledger import arrays
from checklist.ledger.columns import NUMERIC, ColumnMap, load_mapping, map_columns, missing_columns_problem
from checklist.ledger.dates import parse_when_column
from checklist.ledger.readers import RawTable, lines_in, read_raw
from checklist.notice import Notice, RejectedRow

NO_UNIT = "-"
SUMMARY_WORDS = ("合计", "总计", "小计", "共计", "total")
_NAME_SPLIT = re.compile(r"[、,，;；\s]+")


@dataclass
class Ledger:
    """Usable rows as an Arrow table plus the accounting of everything that was read.

    Table columns: row, id, date (date32), minute (int32, null without a time), unit, activity,
    title, participants, evidence, recorded_at (date32), hours/present/expected (float64),
    duplicate (bool: an exact repeat of an earlier row), then extra columns by their header.
    """

    source: str
    kind: str
    table: pa.Table
    rejected: list[RejectedRow]
    notices: list[Notice]
    columns: dict[str, str]  # field -> header it was read from
    header_row: int
    blank_rows: int
    digest: str
    extra_columns: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        """Rows read (blank rows excluded): usable + rejected."""
        return self.table.num_rows + len(self.rejected)

    @property
    def has_evidence(self) -> bool:
        return "evidence" in self.columns

    @property
    def has_id(self) -> bool:
        return "id" in self.columns


def split_names(text: str | None) -> list[str]:
    """参加人员 '张三、李四, 王五' -> ['张三', '李四', '王五']."""
    return [n for n in _NAME_SPLIT.split(text or "") if n]


def read_ledger(
    path: str | Path,
    *,
    sheet: str | None = None,
    mapping: str | Path | dict[str, str] | None = None,
) -> Ledger:
    """Read CSV/XLSX/XLS/JSONL by content; raise LedgerError only when the file is unusable."""
    path = Path(path)
    file = str(path)
    fields_map = load_mapping(mapping) if isinstance(mapping, str | Path) else mapping
    digest = _Digest(path)
    kind, raw = read_raw(path, sheet=sheet, mapping=fields_map, lines=digest.lines)
    _note_misnamed(raw, file, path, kind)
    ledger = normalise(raw, file, kind, fields_map)
    ledger.digest = digest.result()
    # Give back what parsing used and no longer needs (the raw text columns): Arrow's allocator
    # keeps freed pages for reuse, and evaluation would otherwise start on top of them.
    pa.default_memory_pool().release_unused()
    return ledger


class _Digest:
    """The file's hash and line count, computed on a thread while the file is parsed.

    XXH3-128, not SHA-256: the fingerprint says "same bytes", it is not a signature, and on a
    150 MB ledger SHA-256 takes half as long as parsing while competing for the same cores.
    """

    def __init__(self, path: Path) -> None:
        self._hash = xxhash.xxh3_128()
        self._lines = 0
        self._thread = threading.Thread(target=self._run, args=(path,), daemon=True)
        self._thread.start()

    def _run(self, path: Path) -> None:
        try:
            with path.open("rb") as stream:
                if path.stat().st_size == 0:
                    return
                # Straight from the page cache; copying the file through read() costs more than hashing.
                with mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as view:
                    self._hash.update(view)
                    self._lines = lines_in(view)
        except (OSError, ValueError):
            pass  # an unreadable file is reported by the reader, once, in one line

    def lines(self) -> int:
        self._thread.join()
        return self._lines

    def result(self) -> str:
        self._thread.join()
        return self._hash.hexdigest()


def _note_misnamed(raw: RawTable, file: str, path: Path, kind: str) -> None:
    suffix = path.suffix.lower().lstrip(".")
    expected = {"xlsx": "xlsx", "xlsm": "xlsx", "xls": "xls", "csv": "csv", "txt": "csv", "jsonl": "jsonl"}
    if suffix in expected and expected[suffix] != kind:
        raw.notices.append(
            Notice(kind="format", rows=[], message=f"{file}: named .{suffix} but the content is {kind}; read as {kind}")
        )


# ---------------------------------------------------------------- normalisation


def _column(raw: RawTable, columns: ColumnMap, name: str) -> pa.Array | None:
    index = columns.fields.get(name)
    return None if index is None else raw.columns[index]


def _keep(column: pa.Array, mask: pa.Array | None) -> pa.Array:
    """The kept rows of a column (no copy when every row is kept)."""
    return column if mask is None else column.filter(mask)


def _trimmed(array: pa.Array) -> pa.Array:
    """Nulls as '' and whitespace trimmed. When trimming changed nothing (most ledgers) the column
    itself is kept and the copy dropped at once, so the table shares the reader's buffers."""
    array = array.fill_null("")  # zero-copy without nulls
    trimmed = pc.utf8_trim_whitespace(array)
    same = pc.sum(pc.binary_length(trimmed)).as_py() == pc.sum(pc.binary_length(array)).as_py()
    return array if same else trimmed


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


def normalise(raw: RawTable, file: str, kind: str, mapping: dict[str, str] | None) -> Ledger:
    columns = map_columns(raw.headers, mapping)
    if any(f not in columns.fields for f in ("date", "activity")):
        raise LedgerError(missing_columns_problem(file, raw.header_row, columns, mapping))
    _encode_repetitive(raw, columns)
    date_text = arrays.as_dict(_column(raw, columns, "date"))
    activity = arrays.trim(arrays.as_dict(_column(raw, columns, "activity")))
    no_date, no_activity = arrays.blank(date_text), arrays.blank(activity)
    blank = _blank_rows(raw, no_date & no_activity)
    dates, minutes, date_errors = parse_when_column(date_text)
    reasons: dict[int, str] = dict(date_errors)
    summary = _summary_rows(raw, np.flatnonzero(no_date & ~blank))
    for i in np.flatnonzero(no_date & ~blank):
        reasons.setdefault(int(i), summary.get(int(i), "no date"))
    for i in np.flatnonzero(no_activity & ~blank):
        reasons.setdefault(int(i), "empty activity")
    numeric: dict[str, pa.Array] = {}
    for name in NUMERIC:
        array = _column(raw, columns, name)
        if array is None:
            continue
        numeric[name], errors = _numbers(arrays.as_dict(array))
        header = columns.header_of(name)
        for i, text in errors.items():
            if not blank[i]:
                reasons.setdefault(i, f"{header} '{text}' is not a number")
    keep = ~blank
    if reasons:
        keep[list(reasons)] = False
    rows = raw.rows.to_numpy()
    units = _rejected_units(raw, columns, list(reasons))
    rejected = [RejectedRow(row=int(rows[i]), reason=reasons[i], unit=units.get(i)) for i in reasons]
    rejected += [RejectedRow(row=r, reason=why) for r, why in raw.unreadable]
    rejected.sort(key=lambda r: r.row)
    if not keep.any() and not reasons and not raw.unreadable:
        raise LedgerError(Problem(Location(file, raw.header_row), "ledger has a header but no rows"))
    mask = None if keep.all() else pa.array(keep)
    notices = list(raw.notices)
    table = _build_table(raw, columns, mask, dates, minutes, activity, numeric, notices)
    return Ledger(
        source=file,
        kind=kind,
        table=table,
        rejected=rejected,
        notices=notices,
        columns={f: columns.header_of(f) for f in columns.fields},
        header_row=raw.header_row,
        blank_rows=int(blank.sum()),
        digest="",
        extra_columns=list(columns.extra),
    )


def _rejected_units(raw: RawTable, columns: ColumnMap, indices: list[int]) -> dict[int, str]:
    """The unit cell of each rejected row (so a per-unit report can show it), when the ledger has one."""
    column = _column(raw, columns, "unit")
    if column is None or not indices:
        return {}
    cells = pc.take(column, pa.array(indices, pa.int64())).cast(pa.string()).to_pylist()
    return {i: _nfkc(c) for i, c in zip(indices, cells, strict=True) if _nfkc(c)}


def _blank_rows(raw: RawTable, candidates: np.ndarray) -> np.ndarray:
    """Rows whose every cell is blank: not rows at all (Excel exports end with many)."""
    blank = candidates.copy()
    if not blank.any():
        return blank
    idx = pa.array(np.flatnonzero(blank))
    still = np.ones(len(idx), dtype=bool)
    for column in raw.columns:
        still &= pc.equal(_trimmed(pc.take(column, idx).cast(pa.string())), "").to_numpy(zero_copy_only=False)
    blank[:] = False
    blank[idx.to_numpy()[still]] = True
    return blank


def _summary_rows(raw: RawTable, no_date: np.ndarray) -> dict[int, str]:
    """A 合计/总计 line at the bottom is bookkeeping, not an activity: say so rather than 'no date'."""
    found: dict[int, str] = {}
    for i in no_date[:1000]:
        for column in raw.columns:
            text = _nfkc(column[int(i)].as_py()).casefold()
            if text:
                if any(text.startswith(w) for w in SUMMARY_WORDS):
                    found[int(i)] = f"summary row '{text[:20]}', not an activity"
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
    notices: list[Notice],
) -> pa.Table:
    rows = _keep(raw.rows, mask)
    ident = _column(raw, columns, "id")
    ids = pc.cast(rows, pa.string()) if ident is None else _trimmed(_keep(ident, mask).cast(pa.string()))
    if ident is not None and pc.any(pc.equal(ids, "")).as_py():  # a row without 序号 is known by its row
        ids = pc.if_else(pc.equal(ids, ""), pc.cast(rows, pa.string()), ids)
    data: dict[str, pa.Array] = {
        "row": rows,
        "id": ids,
        "date": _keep(dates, mask),
        "minute": _keep(minutes, mask),
        "unit": _units(raw, columns, mask, rows, notices),
        "activity": arrays.compact(_keep(activity, mask)),
    }
    for name in ("title", "participants", "evidence"):
        col = _column(raw, columns, name)
        if col is None:
            data[name] = pa.nulls(len(rows), pa.string())
        elif pa.types.is_dictionary(col.type):  # few distinct values: trim those, keep the encoding
            data[name] = arrays.compact(arrays.trim(_keep(col, mask)))
        else:
            data[name] = _trimmed(_keep(col, mask))
    data["recorded_at"] = _recorded_at(raw, columns, mask, rows, notices)
    for name in NUMERIC:
        data[name] = _keep(numeric[name], mask) if name in numeric else pa.nulls(len(rows), pa.float64())
    table = pa.table(data)
    table = table.append_column("duplicate", _duplicates(table, notices))
    for header, index in columns.extra.items():
        if header not in table.column_names:
            table = table.append_column(header, _trimmed(_keep(raw.columns[index], mask).cast(pa.string())))
    return table


def _units(raw: RawTable, columns: ColumnMap, mask: pa.Array | None, rows: pa.Array, notices: list[Notice]) -> pa.Array:
    """Unit names compared after NFKC and trimming; a blank unit counts under '-' (and is reported)."""
    column = _column(raw, columns, "unit")
    if column is None:
        return pa.DictionaryArray.from_arrays(pa.array(np.zeros(len(rows), np.int32)), pa.array([NO_UNIT]))
    encoded = arrays.as_dict(_keep(column, mask))
    units = arrays.compact(arrays.map_values(encoded, lambda d: pa.array([_nfkc(v) or NO_UNIT for v in d.to_pylist()])))
    blank_units = np.flatnonzero(arrays.blank(encoded))
    if len(blank_units):
        cited = rows.to_numpy()[blank_units].tolist()
        notices.append(
            Notice(kind="unit", rows=cited, message=f"{len(cited)} row(s) have no unit; counted under '{NO_UNIT}'")
        )
    return units


def _recorded_at(
    raw: RawTable, columns: ColumnMap, mask: pa.Array | None, rows: pa.Array, notices: list[Notice]
) -> pa.Array:
    col = _column(raw, columns, "recorded_at")
    if col is None:
        return pa.nulls(len(rows), pa.date32())
    recorded, _minute, errors = parse_when_column(arrays.as_dict(_keep(col, mask)))
    if errors:
        cited = [int(rows[i].as_py()) for i in sorted(errors)]
        notices.append(
            Notice(
                kind="recorded_at",
                rows=cited,
                message=f"{len(cited)} row(s) have an unreadable {columns.header_of('recorded_at')}; "
                "the rows are kept without it",
            )
        )
    return recorded


def _shared(key: np.ndarray) -> np.ndarray:
    """Indices (ascending) of the entries whose value occurs more than once."""
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    same = ordered[1:] == ordered[:-1]
    flag = np.zeros(len(key), dtype=bool)
    flag[1:] |= same
    flag[:-1] |= same
    return np.sort(order[flag])


def _duplicates(table: pa.Table, notices: list[Notice]) -> pa.Array:
    """Exact repeats of (unit, date, activity, title) after the first: counted once, warned about.

    Rows are bucketed by one integer key of (unit, date, activity); only the few rows sharing a
    bucket have their titles compared.
    """
    n = table.num_rows
    duplicate = np.zeros(n, dtype=bool)
    if n < 2:
        return pa.array(duplicate)
    unit = arrays.codes(table["unit"].combine_chunks())
    act = arrays.codes(table["activity"].combine_chunks())
    day = table["date"].combine_chunks().cast(pa.int32()).to_numpy(zero_copy_only=False).astype(np.int64)
    day -= day.min()
    key = (unit * (int(day.max()) + 1) + day) * (int(act.max()) + 1) + act
    candidates = _shared(key)
    if not len(candidates):
        return pa.array(duplicate)
    titles = pc.dictionary_encode(_trimmed(table["title"].take(pa.array(candidates))).combine_chunks())
    title = titles.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    _buckets, bucket = np.unique(key[candidates], return_inverse=True)
    same = bucket.astype(np.int64) * (len(titles.dictionary) + 1) + title
    groups: dict[int, list[int]] = {}
    repeated = _shared(same)
    for value, row in zip(same[repeated].tolist(), candidates[repeated].tolist(), strict=True):
        groups.setdefault(value, []).append(row)
    row_numbers = table["row"].to_numpy()
    for members in sorted(m for m in groups.values() if len(m) > 1):
        duplicate[members[1:]] = True
        cited = [int(row_numbers[i]) for i in members]
        notices.append(
            Notice(
                kind="duplicate",
                rows=cited,
                message=f"rows {', '.join(map(str, cited))} are the same activity (unit, date, type, title); "
                "counted once",
            )
        )
    return pa.array(duplicate)
