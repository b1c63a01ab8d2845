"""Read a ledger into one columnar table of usable rows, with every other row accounted for."""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, ConfigDict

from checklist.errors import LedgerError, Location, Problem
from checklist.ledger.columns import NUMERIC, ColumnMap, load_mapping, map_columns, missing_columns_problem
from checklist.ledger.dates import parse_when_column
from checklist.ledger.readers import RawTable, check_text, read_csv, read_excel, read_jsonl, sniff_kind
from checklist.notice import Notice

NO_UNIT = "-"
SUMMARY_WORDS = ("合计", "总计", "小计", "共计", "total")
_NAME_SPLIT = re.compile(r"[、,，;；\s]+")


class RejectedRow(BaseModel):
    """A row that cannot be used, with its spreadsheet row number and why (DESIGN §6 `rejected`)."""

    model_config = ConfigDict(frozen=True)

    row: int
    reason: str


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
    try:
        with path.open("rb") as stream:
            head = stream.read(256 * 1024)
    except OSError as err:
        raise LedgerError(Problem(Location(file), f"cannot read ledger: {err.strerror or err}")) from None
    if not head.strip(b" \t\r\n\xef\xbb\xbf"):
        raise LedgerError(Problem(Location(file), "empty ledger: the file has no content"))
    kind = sniff_kind(path, head)
    digest = _Digest(path)
    if kind in ("xlsx", "xls"):
        raw = read_excel(file, path, sheet, fields_map)
    else:
        if not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            check_text(file, head)
        raw = read_jsonl(file, path) if kind == "jsonl" else read_csv(file, path, head, fields_map)
    _note_misnamed(raw, file, path, kind)
    ledger = normalise(raw, file, kind, fields_map)
    ledger.digest = digest.result()
    return ledger


class _Digest:
    """SHA-256 of the file, computed on a thread while the file is parsed (hashlib frees the GIL)."""

    def __init__(self, path: Path) -> None:
        self._hash = hashlib.sha256()
        self._thread = threading.Thread(target=self._run, args=(path,), daemon=True)
        self._thread.start()

    def _run(self, path: Path) -> None:
        with path.open("rb") as stream:
            while chunk := stream.read(4 << 20):
                self._hash.update(chunk)

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


def _trimmed(array: pa.Array) -> pa.Array:
    return pc.utf8_trim_whitespace(array)


def _per_distinct(array: pa.Array, fn: Callable[[str | None], str]) -> pa.Array:
    """Apply a Python function to each distinct value only; ledgers repeat units and types a lot."""
    encoded = pc.dictionary_encode(array)
    mapped = pa.array([fn(v) for v in encoded.dictionary.to_pylist()], type=pa.string())
    return pc.take(mapped, encoded.indices)


def _nfkc(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def _numbers(array: pa.Array) -> tuple[pa.Array, dict[int, str]]:
    """Parse a numeric column; blank is null; anything else unparseable is an error by index."""
    trimmed = _trimmed(array)
    values = trimmed.to_pylist() if len(trimmed) < 10_000 else None
    if values is None:
        casted = pc.cast(pc.if_else(pc.equal(trimmed, ""), None, trimmed), pa.float64(), safe=False)
        return casted, {}
    out: list[float | None] = []
    errors: dict[int, str] = {}
    for i, text in enumerate(values):
        text = unicodedata.normalize("NFKC", text or "").strip()
        if not text:
            out.append(None)
            continue
        try:
            out.append(float(text))
        except ValueError:
            out.append(None)
            errors[i] = text
    return pa.array(out, type=pa.float64()), errors


def normalise(raw: RawTable, file: str, kind: str, mapping: dict[str, str] | None) -> Ledger:
    columns = map_columns(raw.headers, mapping)
    if any(f not in columns.fields for f in ("date", "activity")):
        raise LedgerError(missing_columns_problem(file, raw.header_row, columns, mapping))
    date_text = _trimmed(_column(raw, columns, "date"))
    activity = _trimmed(_column(raw, columns, "activity"))
    blank = _blank_rows(raw, date_text, activity)
    dates, minutes, date_errors = parse_when_column(date_text)
    reasons: dict[int, str] = {}
    reasons.update({i: r for i, r in date_errors.items()})
    no_date = np.flatnonzero(pc.equal(date_text, "").to_numpy(zero_copy_only=False))
    no_activity = np.flatnonzero(pc.equal(activity, "").to_numpy(zero_copy_only=False))
    summary = _summary_rows(raw, no_date)
    for i in no_date:
        reasons.setdefault(int(i), summary.get(int(i), "no date"))
    for i in no_activity:
        reasons.setdefault(int(i), "empty activity")
    numeric: dict[str, pa.Array] = {}
    for name in NUMERIC:
        array = _column(raw, columns, name)
        if array is None:
            continue
        numeric[name], errors = _numbers(array)
        header = columns.header_of(name)
        for i, text in errors.items():
            reasons.setdefault(i, f"{header} '{text}' is not a number")
    for i in np.flatnonzero(blank):
        reasons.pop(int(i), None)
    keep = ~blank
    if reasons:
        keep[list(reasons)] = False
    rows = raw.rows.to_numpy()
    rejected = [RejectedRow(row=int(rows[i]), reason=reasons[i]) for i in sorted(reasons)]
    rejected = [RejectedRow(row=r, reason=why) for r, why in raw.unreadable] + rejected
    rejected.sort(key=lambda r: r.row)
    if not keep.any() and not reasons and not raw.unreadable:
        raise LedgerError(Problem(Location(file, raw.header_row), "ledger has a header but no rows"))
    mask = pa.array(keep)
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


def _blank_rows(raw: RawTable, date_text: pa.Array, activity: pa.Array) -> np.ndarray:
    """Rows whose every cell is blank: not rows at all (Excel exports end with many)."""
    candidates = pc.and_(pc.equal(date_text, ""), pc.equal(activity, ""))
    blank = candidates.to_numpy(zero_copy_only=False).copy()
    if not blank.any():
        return blank
    idx = pa.array(np.flatnonzero(blank))
    still = np.ones(len(idx), dtype=bool)
    for column in raw.columns:
        still &= pc.equal(_trimmed(pc.take(column, idx)), "").to_numpy(zero_copy_only=False)
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
    mask: pa.Array,
    dates: pa.Array,
    minutes: pa.Array,
    activity: pa.Array,
    numeric: dict[str, pa.Array],
    notices: list[Notice],
) -> pa.Table:
    rows = raw.rows.filter(mask)
    ident = _column(raw, columns, "id")
    ids = pc.cast(rows, pa.string()) if ident is None else _trimmed(ident).filter(mask)
    if ident is not None:
        ids = pc.if_else(pc.equal(ids, ""), pc.cast(rows, pa.string()), ids)
    unit_col = _column(raw, columns, "unit")
    if unit_col is None:
        units = pa.array([NO_UNIT] * len(rows), type=pa.string())
    else:
        units = _per_distinct(unit_col.filter(mask), lambda v: _nfkc(v) or NO_UNIT)
        blank_units = np.flatnonzero(pc.equal(units, NO_UNIT).to_numpy(zero_copy_only=False))
        if len(blank_units) and len(blank_units) < len(units):
            cited = rows.to_numpy()[blank_units].tolist()
            notices.append(
                Notice(kind="unit", rows=cited, message=f"{len(cited)} row(s) have no unit; counted under '{NO_UNIT}'")
            )
    data: dict[str, pa.Array] = {
        "row": rows,
        "id": ids,
        "date": dates.filter(mask),
        "minute": minutes.filter(mask),
        "unit": units,
        "activity": activity.filter(mask),
    }
    for name in ("title", "participants", "evidence"):
        col = _column(raw, columns, name)
        data[name] = _trimmed(col).filter(mask) if col is not None else pa.nulls(len(rows), pa.string())
    data["recorded_at"] = _recorded_at(raw, columns, mask, rows, notices)
    for name in NUMERIC:
        data[name] = numeric[name].filter(mask) if name in numeric else pa.nulls(len(rows), pa.float64())
    table = pa.table(data)
    table = table.append_column("duplicate", _duplicates(table, notices))
    for header, index in columns.extra.items():
        if header not in table.column_names:
            table = table.append_column(header, _trimmed(raw.columns[index]).filter(mask))
    return table


def _recorded_at(raw: RawTable, columns: ColumnMap, mask: pa.Array, rows: pa.Array, notices: list[Notice]) -> pa.Array:
    col = _column(raw, columns, "recorded_at")
    if col is None:
        return pa.nulls(len(rows), pa.date32())
    recorded, _minute, errors = parse_when_column(_trimmed(col).filter(mask))
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


def _codes(array: pa.Array) -> np.ndarray:
    encoded = pc.dictionary_encode(array.fill_null(""))
    return encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)


def _duplicates(table: pa.Table, notices: list[Notice]) -> pa.Array:
    """Exact repeats of (unit, date, activity, title) after the first: counted once, warned about."""
    n = table.num_rows
    if n == 0:
        return pa.array([], type=pa.bool_())
    keys = [
        _codes(table["unit"].combine_chunks()),
        table["date"].combine_chunks().cast(pa.int32()).to_numpy(zero_copy_only=False).astype(np.int64),
        _codes(table["activity"].combine_chunks()),
        _codes(table["title"].combine_chunks()),
    ]
    order = np.lexsort(keys[::-1])
    sorted_keys = [k[order] for k in keys]
    same = np.ones(n - 1, dtype=bool)
    for k in sorted_keys:
        same &= k[1:] == k[:-1]
    duplicate = np.zeros(n, dtype=bool)
    if not same.any():
        return pa.array(duplicate)
    rows = table["row"].to_numpy()
    starts = np.flatnonzero(np.diff(np.concatenate(([False], same, [False])).astype(np.int8)) == 1)
    ends = np.flatnonzero(np.diff(np.concatenate(([False], same, [False])).astype(np.int8)) == -1)
    for start, end in zip(starts, ends, strict=True):
        group = np.sort(order[start : end + 1])
        duplicate[group[1:]] = True
        cited = [int(r) for r in rows[group]]
        notices.append(
            Notice(
                kind="duplicate",
                rows=cited,
                message=f"rows {', '.join(map(str, cited))} are the same activity (unit, date, type, title); "
                "counted once",
            )
        )
    return pa.array(duplicate)
