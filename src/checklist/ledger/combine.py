"""Several tables read (sheets of a workbook, files of a folder) into one ledger (DESIGN §4.1):
one table, rows referenced as `[FILE:][SHEET!]ROW`, duplicates found across all of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from checklist.ledger import arrays
from checklist.ledger.model import PART, Ledger, PartContext, PartInfo
from checklist.notice import Notice, RowRef

Cite = Callable[[np.ndarray], list[RowRef]]


@dataclass
class Part:
    context: PartContext
    ledger: Ledger


def _info(context: PartContext, several_files: bool) -> PartInfo:
    file = context.source.name if several_files else None
    sheet = context.sheet if context.several_sheets else None
    prefix = (f"{file}:" if file else "") + (f"{sheet}!" if sheet else "")
    return PartInfo(file=file, sheet=sheet, prefix=prefix)


def combine(parts: list[Part], *, several_files: bool, source: str) -> Ledger:
    """One ledger from the parts read, in order; a single part keeps its plain row numbers."""
    infos = [_info(p.context, several_files) for p in parts] if len(parts) > 1 else []
    ledgers = [p.ledger for p in parts]
    table = ledgers[0].table if not infos else _concat(ledgers, infos)
    cite = _citer(table, infos)
    rejected = [r.placed(None, None, r.row) for lg in ledgers for r in lg.rejected]
    notices = [n for lg in ledgers for n in lg.notices]
    if infos:
        rejected = [
            r.placed(info.file, info.sheet, f"{info.prefix}{r.row}")
            for info, lg in zip(infos, ledgers, strict=True)
            for r in lg.rejected
        ]
        notices = [
            n.citing([f"{info.prefix}{r}" for r in n.rows]) if n.rows else n
            for info, lg in zip(infos, ledgers, strict=True)
            for n in lg.notices
        ]
    notices = _merged(notices)
    at = table.column_names.index("expected") + 1
    table = table.add_column(at, "duplicate", _duplicates(table, notices, cite))
    first = ledgers[0]
    columns: dict[str, str] = {}
    for ledger in ledgers:
        columns = {**ledger.columns, **columns}
    return Ledger(
        source=source,
        kind=first.kind if len({lg.kind for lg in ledgers}) == 1 else "mixed",
        table=table,
        rejected=rejected,
        notices=notices,
        columns=columns,
        header_row=first.header_row,
        blank_rows=sum(lg.blank_rows for lg in ledgers),
        digest="",
        extra_columns=list(dict.fromkeys(c for lg in ledgers for c in lg.extra_columns)),
        parts=infos,
        several_files=several_files,
        part_blank=[lg.blank_rows for lg in ledgers],
        tables=[t for lg in ledgers for t in lg.tables],
    )


def _merged(notices: list[Notice]) -> list[Notice]:
    """One notice where the sheets of a workbook each said the same: the unit's source once, and one
    `date` notice per year and source citing every row it covers."""
    out: list[Notice] = []
    seen: dict[tuple, int] = {}
    for n in notices:
        said = n.said
        if said is not None and n.code == "date.year_from":
            key: tuple = (n.code, said.args["year"], said.args["source"].text("en"))
        elif not n.rows:
            key = (n.kind, n.message)
        else:
            out.append(n)
            continue
        if key not in seen:
            seen[key] = len(out)
            out.append(n)
        elif n.rows:
            first = out[seen[key]]
            rows = [*first.rows, *n.rows]
            args = {**first.said.args, "count": len(rows)} if first.said else {}
            out[seen[key]] = Notice.of(first.kind, str(first.code), rows, **args)
    return out


def _citer(table: pa.Table, infos: list[PartInfo]) -> Cite:
    """How notices cite table rows: row numbers, or references when several tables were read."""
    rows = table["row"].to_numpy()
    if not infos:
        return lambda idx: rows[idx].tolist()
    prefixes = [i.prefix for i in infos]
    part = table[PART].to_numpy()
    return lambda idx: [f"{prefixes[p]}{r}" for p, r in zip(part[idx].tolist(), rows[idx].tolist(), strict=True)]


def _concat(ledgers: list[Ledger], infos: list[PartInfo]) -> pa.Table:
    """Tables stacked: every column of any of them (nulls where a table lacks it), one type each."""
    data = _alike(ledgers) if _same_schema(ledgers) else _unlike(ledgers)
    data["id"] = _ids(ledgers, infos, data["id"])
    part = np.repeat(np.arange(len(ledgers), dtype=np.int32), [lg.table.num_rows for lg in ledgers])
    data[PART] = pa.array(part)
    return pa.table(data)


def _same_schema(ledgers: list[Ledger]) -> bool:
    first = ledgers[0].table.schema
    return all(lg.table.schema.equals(first) for lg in ledgers[1:])


def _alike(ledgers: list[Ledger]) -> dict[str, pa.Array]:
    """Tables of one schema (a folder from one template) stacked by Arrow at once."""
    stacked = pa.concat_tables([lg.table for lg in ledgers])
    return {
        name: arrays.compact(arrays.as_dict(column)) if pa.types.is_dictionary(column.type) else column.combine_chunks()
        for name, column in zip(stacked.column_names, stacked.columns, strict=True)
    }


def _unlike(ledgers: list[Ledger]) -> dict[str, pa.Array]:
    """Tables stacked column by column, with nulls where a table lacks a column and one type each."""
    # Each table's columns looked up once: asking a table for its names and a column by name for
    # every column of every table cost 0.4 s of a 200-file folder's 3 s (excel helper, small edit).
    tables = [dict(zip(lg.table.column_names, lg.table.columns, strict=True)) for lg in ledgers]
    names = list(dict.fromkeys(n for columns in tables for n in columns))
    sizes = [lg.table.num_rows for lg in ledgers]
    return {name: _stack(name, [_one_array(columns.get(name)) for columns in tables], sizes) for name in names}


def _one_array(column: pa.ChunkedArray | None) -> pa.Array | None:
    if column is None:
        return None
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


def _stack(name: str, chunks: list[pa.Array | None], sizes: list[int]) -> pa.Array:
    present = [c for c in chunks if c is not None]
    kinds = {c.type for c in present}
    if len(kinds) > 1:  # e.g. a title column dictionary-encoded in one table, plain in another
        present = [c.dictionary_decode() if pa.types.is_dictionary(c.type) else c for c in present]
        kinds = {c.type for c in present}
        if len(kinds) > 1:
            present = [c.cast(pa.string()) for c in present]
        chunks = [c if c is None else present.pop(0) for c in chunks]
    kind = next(c.type for c in chunks if c is not None)
    filled = [pa.nulls(n, kind) if c is None else c for c, n in zip(chunks, sizes, strict=True)]
    if pa.types.is_dictionary(kind):
        return arrays.compact(arrays.as_dict(pa.chunked_array(filled, kind)))
    return pa.concat_arrays(filled)


def _ids(ledgers: list[Ledger], infos: list[PartInfo], ids: pa.Array) -> pa.Array:
    """Record ids: a 序号 column's values when unique across the whole input, else each prefixed
    like the row references (序号 restarts on every sheet); rows without 序号 by their reference."""
    given = np.array([("id" in lg.columns) for lg in ledgers])
    sizes = [lg.table.num_rows for lg in ledgers]
    part = np.repeat(np.arange(len(ledgers)), sizes)
    with_id = ids.filter(pa.array(given[part])) if given.any() else None
    unique = with_id is not None and pc.count_distinct(with_id).as_py() == len(with_id)
    prefixes = pa.array(["" if has and unique else i.prefix for i, has in zip(infos, given.tolist(), strict=True)])
    return pc.binary_join_element_wise(prefixes.take(pa.array(part)), ids.cast(pa.string()), "")


def _shared(key: np.ndarray) -> np.ndarray:
    """Indices (ascending) of the entries whose value occurs more than once."""
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    same = ordered[1:] == ordered[:-1]
    flag = np.zeros(len(key), dtype=bool)
    flag[1:] |= same
    flag[:-1] |= same
    return np.sort(order[flag])


def _duplicates(table: pa.Table, notices: list[Notice], cite: Cite) -> pa.Array:
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
    titles = pc.dictionary_encode(arrays.trimmed(table["title"].take(pa.array(candidates))).combine_chunks())
    title = titles.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    _buckets, bucket = np.unique(key[candidates], return_inverse=True)
    same = bucket.astype(np.int64) * (len(titles.dictionary) + 1) + title
    groups: dict[int, list[int]] = {}
    repeated = _shared(same)
    for value, row in zip(same[repeated].tolist(), candidates[repeated].tolist(), strict=True):
        groups.setdefault(value, []).append(row)
    for members in sorted(m for m in groups.values() if len(m) > 1):
        duplicate[members[1:]] = True
        cited = cite(np.array(members))
        notices.append(Notice.of("duplicate", "warn.duplicate", cited, cited=cited))
    return pa.array(duplicate)
