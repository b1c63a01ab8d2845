"""The rectification ledger (整改台账): created from violations, closed item by item on re-evaluation (对账销号).

An item's id is derived from unit, rule and period, so a later evaluation finds the same item.
Columns people edit — 整改措施, 责任人, 整改时限, 备注 — are carried over untouched.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field, replace
from pathlib import Path

from checklist.errors import LedgerError, Location, Problem
from checklist.ledger.dates import DateError, parse_when
from checklist.render.common import item_id, problem_text, rectifications
from checklist.result import Result

COLUMNS = [
    "编号",
    "单位",
    "规则",
    "期间",
    "问题",
    "整改措施",
    "责任人",
    "整改时限",
    "状态",
    "销号日期",
    "销号依据",
    "备注",
]
OPEN, CLOSED, OVERDUE = "未整改", "已销号", "逾期"
EDITABLE = ("整改措施", "责任人", "整改时限", "备注")
LEDGER_TEXT = {1, 4}  # 单位, 问题


@dataclass
class Item:
    item: str
    unit: str
    rule: str
    period: str
    problem: str
    measure: str = ""
    owner: str = ""
    deadline: dt.date | None = None
    status: str = OPEN
    closed_on: dt.date | None = None
    closed_by: str = ""
    notes: str = ""
    row: int = 0  # where it stood in the ledger that was read (0: new)

    def cells(self) -> list[object]:
        return [
            self.item,
            self.unit,
            self.rule,
            self.period,
            self.problem,
            self.measure,
            self.owner,
            self.deadline,
            self.status,
            self.closed_on,
            self.closed_by,
            self.notes,
        ]


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


def read_plan(path: str | Path) -> list[Item]:
    """Read a rectification ledger written by `checklist plan` (and edited by people since)."""
    from checklist.ledger.excel import load_workbook

    file = str(path)
    try:
        book = load_workbook(file, Path(path))
    except OSError as err:
        raise LedgerError(Problem(Location(file), f"cannot read the rectification ledger: {err}")) from None
    grid = book.sheets[0].grid if book.sheets else []
    if not grid:
        raise LedgerError(Problem(Location(file, 1), "empty rectification ledger: expected the header row"))
    header = [_text(h) for h in grid[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise LedgerError(
            Problem(Location(file, 1), f"missing column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)}")
        )
    at = {name: header.index(name) for name in COLUMNS}
    items, seen = [], {}
    for number, values in enumerate(grid[1:], start=2):
        cell = {name: values[i] if i < len(values) else None for name, i in at.items()}
        if not any(_text(v) for v in cell.values()):
            continue
        ident = _text(cell["编号"])
        if not ident:
            raise LedgerError(Problem(Location(file, number), "编号 is empty: the item cannot be matched"))
        if ident in seen:
            raise LedgerError(Problem(Location(file, number), f"编号 {ident} repeats row {seen[ident]}"))
        seen[ident] = number
        items.append(
            Item(
                item=ident,
                unit=_text(cell["单位"]),
                rule=_text(cell["规则"]),
                period=_text(cell["期间"]),
                problem=_text(cell["问题"]),
                measure=_text(cell["整改措施"]),
                owner=_text(cell["责任人"]),
                deadline=_day(file, number, "整改时限", cell["整改时限"]),
                status=_text(cell["状态"]) or OPEN,
                closed_on=_day(file, number, "销号日期", cell["销号日期"]),
                closed_by=_text(cell["销号依据"]),
                notes=_text(cell["备注"]),
                row=number,
            )
        )
    return items


def update_plan(result: Result, existing: list[Item], lang: str = "zh") -> PlanChanges:
    """Close items whose violation is gone, flag overdue ones, append new violations."""
    by_id = {item_id(f.unit, f.rule, f.period, f.person): f for f in result.findings}
    changes = PlanChanges(items=[])
    known = set()
    for item in existing:
        known.add(item.item)
        finding = by_id.get(item.item)
        if item.status != CLOSED and finding is None and _checked_again(result, item):
            # A record-level problem (evidence, response) leaves no finding once it is fixed.
            item = replace(item, status=CLOSED, closed_on=result.as_of, closed_by="复核已无此问题")
            changes.closed.append(item.item)
        elif item.status != CLOSED and finding is not None and finding.status in ("met", "waived"):
            basis = "记录 " + ", ".join(map(str, finding.records)) if finding.records else finding.status
            if finding.waiver:
                basis = f"豁免: {finding.waiver.reason}"
            item = replace(item, status=CLOSED, closed_on=result.as_of, closed_by=basis)
            changes.closed.append(item.item)
        elif item.status != CLOSED:
            late = item.deadline is not None and item.deadline < result.as_of
            item = replace(item, status=OVERDUE if late else OPEN)
            if late:
                changes.overdue.append(item.item)
        changes.items.append(item)
    for r in rectifications(result, lang):
        if r.item in known:
            continue
        late = r.deadline < result.as_of
        changes.items.append(
            Item(
                item=r.item,
                unit=r.unit,
                rule=r.rule,
                period=r.period,
                problem=problem_text(result, r.finding, lang),
                deadline=r.deadline,
                status=OVERDUE if late else OPEN,
            )
        )
        changes.opened.append(r.item)
        if late:
            changes.overdue.append(r.item)
    return changes


def _checked_again(result: Result, item: Item) -> bool:
    """Whether this evaluation looked at the item's unit, rule and day again (record-level items only:
    their period is a date; a period label such as 2024-Q3 always has a finding when evaluated)."""
    try:
        day = dt.date.fromisoformat(item.period)
    except ValueError:
        return False
    evaluated = any(u.unit == item.unit for u in result.units) and any(r["id"] == item.rule for r in result.rules)
    return evaluated and result.window.from_ <= day <= min(result.window.to, result.as_of)


def write_plan(items: list[Item]) -> bytes:
    import xlsxwriter

    from checklist.render.common import safe_text

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet("整改台账")
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    widths = [16, 14, 24, 12, 60, 30, 10, 12, 8, 12, 24, 20]
    for col, (name, width) in enumerate(zip(COLUMNS, widths, strict=True)):
        sheet.write_string(0, col, name, bold)
        sheet.set_column(col, col, width)
    for r, item in enumerate(items, start=1):
        for col, value in enumerate(item.cells()):
            if isinstance(value, dt.date):
                sheet.write_datetime(r, col, dt.datetime.combine(value, dt.time()), date)
            elif value:
                # Ledger-derived text is made inert; what people typed is written back as they typed it
                # (as a string cell, so it cannot run as a formula either way).
                sheet.write_string(r, col, safe_text(value) if col in LEDGER_TEXT else str(value))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(items), 1), len(COLUMNS) - 1)
    book.close()
    return buffer.getvalue()
