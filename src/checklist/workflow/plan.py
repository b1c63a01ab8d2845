"""The rectification ledger (整改台账): created from violations, closed item by item on re-evaluation (对账销号).

An item's id is derived from unit, rule and period, so a later evaluation finds the same item.
What people edit — 整改措施, 责任人, 整改时限, 状态 (未整改/整改中), 备注 — is carried over untouched.
The sheet's shape is checklist.rectify.sheet's, the same as the 整改台账 sheet of `evaluate --format xlsx`.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from checklist.errors import LedgerError, Location, Problem
from checklist.ledger.dates import DateError, parse_when
from checklist.rectify import (
    CLOSED,
    LEGACY_OVERDUE,
    OPEN,
    STATUSES,
    Deadline,
    Item,
    item_id,
    records_text,
    rectifications,
)
from checklist.rectify.sheet import FIELDS, headers, write_sheet
from checklist.result import Result
from checklist.text import say

OVERDUE = LEGACY_OVERDUE  # kept for callers of earlier versions (serve): lateness now shows on 整改时限
__all__ = ["CLOSED", "OPEN", "OVERDUE", "Item", "PlanChanges", "read_plan", "update_plan", "write_plan"]
REQUIRED = ("item", "unit", "problem", "measure", "owner", "deadline", "status")
LEGACY = {"规则": "duty"}  # ledgers written by earlier versions named the duty column 规则 (and held the rule id)


@dataclass
class PlanChanges:
    items: list[Item]
    opened: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    overdue: list[str] = field(default_factory=list)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _day(file: str, row: int, column: str, value: object) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return parse_when(str(value)).day
    except DateError as err:
        raise LedgerError(Problem(Location(file, row), f"{column}: {err}")) from None


def _columns(file: str, header: list[str]) -> dict[str, int]:
    """field -> column index, from the header in either language (or an earlier version's)."""
    names = {h: f for lang in ("zh", "en") for h, f in zip(headers(lang), FIELDS, strict=True)}
    names.update(LEGACY)
    at: dict[str, int] = {}
    for i, h in enumerate(header):
        if h in names and names[h] not in at:
            at[names[h]] = i
    missing = [headers("zh")[FIELDS.index(f)] for f in REQUIRED if f not in at]
    if missing:
        raise LedgerError(Problem(Location(file, 1), say("doc.plan.columns", missing=missing, expected=headers("zh"))))
    return at


def _status(text: str) -> str:
    """状态 as written, in either language; an earlier version's 逾期 is an open item."""
    for i, state in enumerate(STATUSES):
        if text in (state, say(f"doc.state.{i}", "en")):
            return state
    return OPEN if text in ("", LEGACY_OVERDUE) else text


def read_plan(path: str | Path) -> list[Item]:
    """Read a rectification ledger written by `checklist plan` (and edited by people since)."""
    from checklist.ledger.excel import load_workbook

    file = str(path)
    try:
        book = load_workbook(file, Path(path))
    except OSError as err:
        raise LedgerError(Problem(Location(file), say("doc.plan.unreadable", error=err))) from None
    grid = book.sheets[0].grid if book.sheets else []
    if not grid:
        raise LedgerError(Problem(Location(file, 1), say("doc.plan.empty")))
    at = _columns(file, [_text(h) for h in grid[0]])
    items: list[Item] = []
    seen: dict[str, int] = {}
    for number, values in enumerate(grid[1:], start=2):
        cell = {name: values[i] if i < len(values) else None for name, i in at.items()}
        if not any(_text(v) for v in cell.values()):
            continue
        ident = _text(cell["item"])
        if not ident:
            raise LedgerError(Problem(Location(file, number), say("doc.plan.no_id")))
        if ident in seen:
            raise LedgerError(Problem(Location(file, number), say("doc.plan.repeat", id=ident, row=seen[ident])))
        seen[ident] = number
        items.append(_item(file, number, ident, cell))
    return items


def _item(file: str, number: int, ident: str, cell: dict[str, object]) -> Item:
    def text(name: str) -> str:
        return _text(cell.get(name))

    def day(name: str) -> dt.date | None:
        return _day(file, number, headers("zh")[FIELDS.index(name)], cell.get(name))

    return Item(
        item=ident,
        unit=text("unit"),
        duty=text("duty"),
        period=text("period"),
        problem=text("problem"),
        severity=text("severity"),
        measure=text("measure"),
        owner=text("owner"),
        deadline=day("deadline"),
        status=_status(text("status")),
        closed_on=day("closed_on"),
        closed_by=text("closed_by"),
        notes=text("notes"),
        row=number,
    )


def update_plan(
    result: Result,
    existing: list[Item],
    lang: str = "zh",
    deadline: Deadline = None,
    records: Mapping[str, tuple[dt.date | None, str]] | None = None,
) -> PlanChanges:
    """Close items whose violation is gone, count overdue ones, append new violations.

    New items get DESIGN §10's 整改时限 (never before as_of) or `deadline`; existing items keep
    theirs and what people wrote (整改中 stays 整改中). `records` (checklist.rectify.record_lookup)
    lets the 销号 basis name the records that closed an item by date and activity."""
    by_id = {item_id(f.unit, f.rule, f.period, f.person): f for f in result.findings}
    changes = PlanChanges(items=[])
    known = set()
    for item in existing:
        known.add(item.item)
        finding = by_id.get(item.item)
        if item.status != CLOSED and finding is None and _checked_again(result, item):
            # A record-level problem (evidence, response) leaves no finding once it is fixed.
            item = replace(item, status=CLOSED, closed_on=result.as_of, closed_by=say("doc.plan.gone", lang))
            changes.closed.append(item.item)
        elif item.status != CLOSED and finding is not None and finding.status in ("met", "waived"):
            cited = records_text(finding.records, records, lang)
            basis = say("doc.plan.records", lang, records=cited) if finding.records else ""
            if finding.waiver:
                basis = say("doc.plan.waived", lang, reason=finding.waiver.reason)
            item = replace(item, status=CLOSED, closed_on=result.as_of, closed_by=basis)
            changes.closed.append(item.item)
        elif item.status != CLOSED and item.deadline is not None and item.deadline < result.as_of:
            changes.overdue.append(item.item)
        changes.items.append(item)
    for new in rectifications(result, lang, deadline):
        if new.item in known:
            continue
        changes.items.append(new)
        changes.opened.append(new.item)
    return changes


def _checked_again(result: Result, item: Item) -> bool:
    """Whether this evaluation looked at the item's unit, duty and day again (record-level items
    only: their period is one day; a period such as 2024年第三季度 always has a finding when evaluated)."""
    try:
        day = parse_when(item.period.split(" ")[0]).day
    except DateError:
        return False
    titles = {r["id"] for r in result.rules} | {r["title"] for r in result.rules}
    titles |= {r.get("title_en") for r in result.rules if r.get("title_en")}
    evaluated = any(u.unit == item.unit for u in result.units) and (item.duty in titles or item.rule in titles)
    return evaluated and result.window.from_ <= day <= min(result.window.to, result.as_of)


def write_plan(items: list[Item], lang: str = "zh") -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    write_sheet(book, say("doc.plan.sheet", lang), items, lang)
    book.close()
    return buffer.getvalue()
