"""Read a ledger into one columnar table of usable rows, with every other row accounted for."""

from __future__ import annotations

import hashlib
import mmap
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, ConfigDict

from checklist.errors import LedgerError, Location, Problem
from checklist.ledger import arrays
from checklist.ledger.columns import NUMERIC, ColumnMap, load_mapping, map_columns, missing_columns_problem
from checklist.ledger.dates import parse_when_column
from checklist.ledger.readers import RawTable, read_raw
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
    digest = _Digest(path)
    kind, raw = read_raw(path, sheet=sheet, mapping=fields_map)
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
        try:
            with path.open("rb") as stream:
                if path.stat().st_size == 0:
                    return
                # Hash straight from the page cache; copying the file through read() costs more than hashing.
                with mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as view:
                    self._hash.update(view)
        except (OSError, ValueError):
            pass  # an unreadable file is reported by the reader, once, in one line

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
    return pc.utf8_trim_whitespace(array.fill_null(""))


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


def normalise(raw: RawTable, file: str, kind: str, mapping: dict[str, str] | None) -> Ledger:
    columns = map_columns(raw.headers, mapping)
    if any(f not in columns.fields for f in ("date", "activity")):
        raise LedgerError(missing_columns_problem(file, raw.header_row, columns, mapping))
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
    rejected = [RejectedRow(row=int(rows[i]), reason=reasons[i]) for i in reasons]
    rejected += [RejectedRow(row=r, reason=why) for r, why in raw.unreadable]
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
    mask: pa.Array,
    dates: pa.Array,
    minutes: pa.Array,
    activity: pa.DictionaryArray,
    numeric: dict[str, pa.Array],
    notices: list[Notice],
) -> pa.Table:
    rows = raw.rows.filter(mask)
    ident = _column(raw, columns, "id")
    ids = pc.cast(rows, pa.string()) if ident is None else _trimmed(ident.filter(mask).cast(pa.string()))
    if ident is not None and pc.any(pc.equal(ids, "")).as_py():  # a row without 序号 is known by its row
        ids = pc.if_else(pc.equal(ids, ""), pc.cast(rows, pa.string()), ids)
    data: dict[str, pa.Array] = {
        "row": rows,
        "id": ids,
        "date": dates.filter(mask),
        "minute": minutes.filter(mask),
        "unit": _units(raw, columns, mask, rows, notices),
        "activity": arrays.compact(activity.filter(mask)),
    }
    for name in ("title", "participants", "evidence"):
        col = _column(raw, columns, name)
        if col is None:
            data[name] = pa.nulls(len(rows), pa.string())
        elif pa.types.is_dictionary(col.type):  # few distinct values: trim those, keep the encoding
            data[name] = arrays.compact(arrays.trim(col.filter(mask)))
        else:
            data[name] = _trimmed(col.filter(mask))
    data["recorded_at"] = _recorded_at(raw, columns, mask, rows, notices)
    for name in NUMERIC:
        data[name] = numeric[name].filter(mask) if name in numeric else pa.nulls(len(rows), pa.float64())
    table = pa.table(data)
    table = table.append_column("duplicate", _duplicates(table, notices))
    for header, index in columns.extra.items():
        if header not in table.column_names:
            table = table.append_column(header, _trimmed(raw.columns[index].filter(mask).cast(pa.string())))
    return table


def _units(raw: RawTable, columns: ColumnMap, mask: pa.Array, rows: pa.Array, notices: list[Notice]) -> pa.Array:
    """Unit names compared after NFKC and trimming; a blank unit counts under '-' (and is reported)."""
    column = _column(raw, columns, "unit")
    if column is None:
        return pa.DictionaryArray.from_arrays(pa.array(np.zeros(len(rows), np.int32)), pa.array([NO_UNIT]))
    encoded = arrays.as_dict(column.filter(mask))
    units = arrays.compact(arrays.map_values(encoded, lambda d: pa.array([_nfkc(v) or NO_UNIT for v in d.to_pylist()])))
    blank_units = np.flatnonzero(arrays.blank(encoded))
    if len(blank_units):
        cited = rows.to_numpy()[blank_units].tolist()
        notices.append(
            Notice(kind="unit", rows=cited, message=f"{len(cited)} row(s) have no unit; counted under '{NO_UNIT}'")
        )
    return units


def _recorded_at(raw: RawTable, columns: ColumnMap, mask: pa.Array, rows: pa.Array, notices: list[Notice]) -> pa.Array:
    col = _column(raw, columns, "recorded_at")
    if col is None:
        return pa.nulls(len(rows), pa.date32())
    recorded, _minute, errors = parse_when_column(arrays.as_dict(col.filter(mask)))
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


def _repeated(key: np.ndarray) -> np.ndarray:
    """Indices (ascending) of the entries whose value occurs more than once."""
    if not len(key):
        return np.array([], dtype=np.int64)
    low, high = int(key.min()), int(key.max())
    if high - low < max(8 * len(key), 1 << 20):  # a small counting table beats hashing or sorting
        counts = np.bincount(key - low)
        return np.flatnonzero(counts[key - low] > 1)
    ordered = np.sort(key)
    shared = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    return np.flatnonzero(np.isin(key, shared))


def _duplicates(table: pa.Table, notices: list[Notice]) -> pa.Array:
    """Exact repeats of (unit, date, activity, title) after the first: counted once, warned about.

    Rows are first bucketed by an integer key of (unit, date, activity), counted by hash; only
    the few rows sharing a bucket have their titles compared.
    """
    n = table.num_rows
    duplicate = np.zeros(n, dtype=bool)
    if n < 2:
        return pa.array(duplicate)
    unit = arrays.codes(table["unit"].combine_chunks())
    day = table["date"].combine_chunks().cast(pa.int32()).to_numpy(zero_copy_only=False).astype(np.int64)
    day -= day.min()
    # Rows sharing a unit and a day; of those, the ones of the same type; of those, same title.
    candidates = _repeated(unit * (int(day.max()) + 1) + day)
    if not len(candidates):
        return pa.array(duplicate)
    act = arrays.codes(table["activity"].combine_chunks().take(pa.array(candidates)))
    _values, bucket = np.unique(unit[candidates] * (int(day.max()) + 1) + day[candidates], return_inverse=True)
    same_type = _repeated(bucket * (int(act.max()) + 1) + act)
    if not len(same_type):
        return pa.array(duplicate)
    candidates, bucket, act = candidates[same_type], bucket[same_type], act[same_type]
    titles = pc.dictionary_encode(table["title"].combine_chunks().take(pa.array(candidates)).fill_null(""))
    title = titles.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    key = (bucket * (int(act.max()) + 1) + act) * (len(titles.dictionary) + 1) + title
    groups: dict[int, list[int]] = {}
    for position in _repeated(key).tolist():
        groups.setdefault(int(key[position]), []).append(int(candidates[position]))
    row_numbers = table["row"].to_numpy()
    for members in groups.values():
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
