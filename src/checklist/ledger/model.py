"""The Ledger: one table of usable rows from every file and sheet read, and their accounting."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from checklist.ledger.sources import Source
from checklist.notice import Notice, RejectedRow, RowRef
from checklist.text import Message

NO_UNIT = "-"  # a row without a unit, when nothing names one
PART = "_part"  # table column: which part (file or sheet) a row came from, when there are several


@dataclass(frozen=True)
class PartContext:
    """One table read: a sheet of a workbook, or a whole CSV/JSON Lines file."""

    source: Source
    sheet: str | None
    several_sheets: bool  # the file had several sheets read: references name the sheet
    kind: str
    named: bool = True  # the input has a name (rows given without one have none)


@dataclass(frozen=True)
class PartInfo:
    """Where a part's rows are, as references and the rejected/unmatched entries say it."""

    file: str | None  # the file's name when several files are read, else None
    sheet: str | None  # the sheet when its file has several sheets read, else None
    prefix: str  # `FILE:` and/or `SHEET!` before the row number


@dataclass(frozen=True)
class TableRead:
    """One table as it was read (a sheet of a workbook, a CSV or JSON Lines file): what `log check`
    tells a clerk about each file of a folder."""

    file: str  # the file's name, as row references give it (its path below the folder when names repeat)
    sheet: str | None  # the sheet of a workbook; None for a CSV or JSON Lines file
    kind: str
    header_row: int
    columns: dict[str, str]  # field -> the header it was read from, in this table
    rows: int  # usable + rejected (blank rows excluded)
    rejected: int
    blank_rows: int
    unit: str | None = None  # the one unit of a table without a unit column
    unit_source: Message | None = None  # where that unit was found (填报单位 line, --unit-name, file name)


@dataclass
class Ledger:
    """Usable rows as an Arrow table plus the accounting of everything that was read.

    Table columns: row, id, date (date32), minute (int32, null without a time), unit, activity,
    title, participants, evidence, recorded_at (date32), hours/present/expected (float64),
    duplicate (bool: an exact repeat of an earlier row), then extra columns by their header, and
    `_part` (int32, an index into `parts`) when several files or sheets were read.
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
    parts: list[PartInfo] = field(default_factory=list)
    several_files: bool = False
    part_blank: list[int] = field(default_factory=list)  # blank rows of each part
    tables: list[TableRead] = field(default_factory=list)  # each table read, in order (part i is tables[i])

    @property
    def rows(self) -> int:
        """Rows read (blank rows excluded): usable + rejected."""
        return self.table.num_rows + len(self.rejected)

    @property
    def has_evidence(self) -> bool:
        return "evidence" in self.columns

    @property
    def has_id(self) -> bool:
        """Record ids come from the `id` column: a 序号 column, or references `[FILE:][SHEET!]ROW`."""
        return "id" in self.columns or len(self.parts) > 1

    def _part_of(self, indices: np.ndarray) -> np.ndarray:
        if PART not in self.table.column_names:
            return np.zeros(len(indices), dtype=np.int64)
        return self.table[PART].to_numpy()[indices]

    def cite(self, indices: np.ndarray) -> list[RowRef]:
        """How warnings cite table rows: row numbers, or `[FILE:][SHEET!]ROW` when several tables were read."""
        indices = np.asarray(indices, dtype=np.int64)
        rows = self.table["row"].to_numpy()[indices].tolist()
        if not self.parts:
            return rows
        infos = [self.parts[p] for p in self._part_of(indices).tolist()]
        return [f"{i.prefix}{r}" for i, r in zip(infos, rows, strict=True)]

    def places(self, indices: np.ndarray) -> list[tuple[str | None, str | None, RowRef]]:
        """(file, sheet, reference) of table rows, as rejected and unmatched entries give them: a
        single table's rows are referenced by their row number, with no file or sheet."""
        indices = np.asarray(indices, dtype=np.int64)
        rows = self.table["row"].to_numpy()[indices].tolist()
        if not self.parts:
            return [(None, None, r) for r in rows]
        infos = [self.parts[p] for p in self._part_of(indices).tolist()]
        return [(i.file, i.sheet, f"{i.prefix}{r}") for i, r in zip(infos, rows, strict=True)]

    def table_rows(self) -> list[np.ndarray]:
        """For each table read (`tables`), the indices of its usable rows in `table`."""
        part = self._part_of(np.arange(self.table.num_rows))
        return [np.flatnonzero(part == p) for p in range(len(self.tables))]

    def file_counts(self, matched: np.ndarray) -> list[dict[str, object]] | None:
        """Each file's own rows, matched, unmatched and rejected (DESIGN §4.1), when several were read."""
        if not self.several_files:
            return None
        part = self._part_of(np.arange(self.table.num_rows))
        tally: dict[str | None, list[int]] = {}  # file -> [rows, matched, unmatched, rejected, blank]
        for p, info in enumerate(self.parts):
            here = part == p
            used, hit = int(here.sum()), int((matched & here).sum())
            blank = self.part_blank[p] if p < len(self.part_blank) else 0
            counts = tally.setdefault(info.file, [0, 0, 0, 0, 0])
            for i, value in enumerate((used, hit, used - hit, 0, blank)):
                counts[i] += value
        for r in self.rejected:
            tally[r.file][0] += 1
            tally[r.file][3] += 1
        keys = ("rows", "matched", "unmatched", "rejected", "blank")
        return [{"file": file, **dict(zip(keys, counts, strict=True))} for file, counts in tally.items()]
