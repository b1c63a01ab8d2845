"""One report per unit (`--split-by unit`, DESIGN §7.1): a Result cut down to one unit, and safe file names.

Each unit's Result holds only that unit: its findings, its summary (rating and its 名次 in the whole
run), its unmatched and rejected rows, warnings that concern it alone, and its own accounting
(rows = matched + unmatched + rejected of its rows). Nothing of another unit: not its name, rows or counts.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping

from checklist.notice import Notice, RejectedRow, RowRef
from checklist.result import Comparison, Finding, InputCounts, Result, UnitSummary, UnmatchedRow

# Characters Windows refuses in a file name, path separators, and control characters.
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
MAX_NAME = 80  # characters; a Chinese character is 3 bytes in UTF-8, and names stay under 255 bytes


def safe_file_name(unit: str) -> str:
    """A unit name as a file name on Windows, macOS and Linux: no separators, no reserved names."""
    name = _UNSAFE.sub("_", unicodedata.normalize("NFKC", unit)).strip().rstrip(". ")
    name = re.sub(r"^\.+", "_", name)[:MAX_NAME].rstrip(". ")
    if not name:
        return "_"
    if name.split(".")[0].upper() in _RESERVED:
        return "_" + name
    return name


def file_names(units: list[str]) -> dict[str, str]:
    """unit -> a distinct safe name (case-insensitively distinct: Windows and macOS fold case)."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for unit in units:
        base = safe_file_name(unit)
        name, n = base, 1
        while name.casefold() in taken:
            n += 1
            name = f"{base}~{n}"
        taken.add(name.casefold())
        out[unit] = name
    return out


def _owner_of_unknown(result: Result) -> str | None:
    """A rejected row with no unit cell belongs to the only unit that has rows, if there is one."""
    with_rows = [u.unit for u in result.units if u.input is None or u.input.rows > 0]
    return with_rows[0] if len(with_rows) == 1 else None


def _mentions_other(message: str, unit: str, others: list[str]) -> bool:
    return any(o in message for o in others if o != unit and o not in unit)


def _notices(notes: list[Notice], unit: str, names: list[str], rows: set[RowRef] | None) -> list[Notice]:
    """Warnings that concern this unit alone: rows all its own (when rows are known), no other unit named."""
    kept = []
    for n in notes:
        if _mentions_other(n.message, unit, names):
            continue
        if n.rows and rows is not None and not set(n.rows) <= rows:
            continue
        kept.append(n)
    return kept


def split_by_unit(result: Result, row_units: Mapping[RowRef, str] | None = None) -> dict[str, Result]:
    """unit -> a Result of that unit only, in the order of result.units.

    `row_units` (ledger row -> unit) lets warnings citing rows stay with their unit; without it a
    warning citing rows is kept only when it names no other unit.
    """
    findings: dict[str, list[Finding]] = defaultdict(list)
    for f in result.findings:
        findings[f.unit].append(f)
    unmatched: dict[str | None, list[UnmatchedRow]] = defaultdict(list)
    for u in result.unmatched:
        unmatched[u.unit].append(u)
    rejected: dict[str | None, list[RejectedRow]] = defaultdict(list)
    orphan_owner = _owner_of_unknown(result)
    for r in result.rejected:
        rejected[r.unit if r.unit is not None else orphan_owner].append(r)
    own_rows: dict[str, set[RowRef]] = defaultdict(set)
    for row, unit in (row_units or {}).items():
        own_rows[unit].add(row)
    names = [u.unit for u in result.units]
    out = {}
    for summary in result.units:
        unit = summary.unit
        mine_rows = own_rows[unit] | {r.ref or r.row for r in rejected[unit]} if row_units is not None else None
        out[unit] = _one(result, summary, findings[unit], unmatched[unit], rejected[unit], names, mine_rows)
    return out


def _one(
    result: Result,
    summary: UnitSummary,
    findings: list[Finding],
    unmatched: list[UnmatchedRow],
    rejected: list[RejectedRow],
    names: list[str],
    rows: set[RowRef] | None,
) -> Result:
    unit = summary.unit
    matched = summary.input.matched if summary.input is not None else 0
    counts = InputCounts(
        rows=matched + len(unmatched) + len(rejected),
        matched=matched,
        unmatched=len(unmatched),
        rejected=len(rejected),
    )
    previous = None
    if result.previous is not None:
        previous = Comparison(
            window=result.previous.window,
            as_of=result.previous.as_of,
            units=[u for u in result.previous.units if u.unit == unit],
        )
    return result.model_copy(
        update={
            "input": counts,
            "rejected": rejected,
            "unmatched": unmatched,
            "findings": findings,
            "units": [summary],
            "warnings": _notices(result.warnings, unit, names, rows),
            "groups": [],
            "previous": previous,
            "integrity": [
                n for n in result.integrity if n.unit == unit and not _mentions_other(n.message, unit, names)
            ],
        }
    )


__all__ = ["file_names", "safe_file_name", "split_by_unit"]
