"""The rectification item (整改事项): one violation to fix, with its owner, measure and deadline.

Shared by the documents (the 自查报告's 整改措施 and its annex, the workbook's 整改台账 sheet) and
the `plan` workflow (create, reread and close items: 对账销号). It sits after `result` and before
`render` and `workflow`, which both import it; it imports neither.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from checklist.errors import UsageError
from checklist.result import Finding, Result
from checklist.text import own_words, record_kind, say
from checklist.text.periods import date_name, period_name

OPEN, DOING, CLOSED = "未整改", "整改中", "已销号"
STATUSES = (OPEN, DOING, CLOSED)  # the 状态 drop-down, in the order people move through it
LEGACY_OVERDUE = "逾期"  # written by earlier versions into 状态; read as 未整改 (lateness is the deadline's colour now)
GRACE_DAYS = 30  # an item is never due sooner than this after the day it is created

# A deadline option: None (the default rule), a fixed day, or a number of days after as_of.
Deadline = dt.date | int | None


def item_id(unit: str, rule: str, period: str, person: str | None = None) -> str:
    """Stable: the same unit, rule, period (and person) give the same id in every run."""
    key = "\x1f".join([unit, rule, period, person or ""])
    return "ZG-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:10].upper()


def end_of_next_month(day: dt.date) -> dt.date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return dt.date(year, month, calendar.monthrange(year, month)[1])


_RELATIVE = re.compile(r"^\+(\d{1,4})$")


def parse_deadline(text: str) -> dt.date | int:
    """`--deadline`: a day (2025-03-31) or +N days after the evaluation date (+30)."""
    value = text.strip()
    relative = _RELATIVE.match(value)
    if relative:
        return int(relative[1])
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(say("doc.deadline.bad", value=text)) from None


def deadline_for(end: dt.date, as_of: dt.date, deadline: Deadline = None) -> dt.date:
    """整改时限 of an item whose violated period ends on `end`, created on `as_of` (DESIGN §10):
    the later of the end of the next month and as_of + 30 days, unless `deadline` says otherwise.
    A fixed day before as_of is refused: an item cannot be overdue the day it is made."""
    if isinstance(deadline, int):
        if deadline < 1:
            raise UsageError(say("doc.deadline.bad", value=f"+{deadline}"))
        return as_of + dt.timedelta(days=deadline)
    if isinstance(deadline, dt.date):
        if deadline < as_of:
            raise UsageError(say("doc.deadline.past", day=deadline, as_of=as_of))
        return deadline
    return max(end_of_next_month(end), as_of + dt.timedelta(days=GRACE_DAYS))


def rule_title(result: Result, rule_id: str, lang: str) -> str:
    for rule in result.rules:
        if rule["id"] == rule_id:
            return own_words(rule, lang)
    return rule_id


def severity_name(severity: str, lang: str) -> str:
    code = f"doc.severity.{severity}"
    try:
        return say(code, lang)
    except KeyError:
        return severity


def status_name(status: str, lang: str) -> str:
    """A finding's status as people say it (达标, 未达标, 逾期 …)."""
    return say(f"doc.status.{status}", lang)


def period_text(f: Finding, lang: str) -> str:
    """The period in words, with the person for per-person duties: 2024年第三季度 张三."""
    return period_name(f.period, lang) + (f" {f.person}" if f.person else "")


def problem_text(result: Result, f: Finding, lang: str) -> str:
    """One line for the 问题 cell: what was required, what the ledger shows."""
    title = rule_title(result, f.rule, lang)
    period = period_text(f, lang)
    if f.kind in ("frequency", "deadline") and f.status == "exceeded":
        return say("doc.problem.exceeded", lang, period=period, title=title, count=f.count, limit=f.required)
    if f.kind in ("frequency", "deadline") and f.status in ("gap", "due"):
        return say("doc.problem.short", lang, period=period, title=title, required=f.required, count=f.count)
    return say("doc.problem.other", lang, period=period, title=title, status=status_name(f.status, lang))


@dataclass
class Item:
    """One row of the 整改台账. People fill in 整改措施 and 责任人 and move 状态; a later run
    closes the item when its gap is gone (对账销号)."""

    item: str
    unit: str
    period: str
    problem: str
    duty: str = ""
    severity: str = ""
    measure: str = ""
    owner: str = ""
    deadline: dt.date | None = None
    status: str = OPEN
    closed_on: dt.date | None = None
    closed_by: str = ""
    notes: str = ""
    rule: str = ""  # the rule id (not shown: titles are what people read)
    row: int = 0  # where it stood in the ledger that was read (0: new)
    finding: Finding | None = field(default=None, repr=False, compare=False)

    def cells(self) -> list[object]:
        return [
            self.item,
            self.unit,
            self.duty or self.rule,  # an item stored without its title (serve's) shows its rule
            self.period,
            self.problem,
            self.severity,
            self.measure,
            self.owner,
            self.deadline,
            self.status,
            self.closed_on,
            self.closed_by,
            self.notes,
        ]


def rectifications(result: Result, lang: str = "zh", deadline: Deadline = None) -> list[Item]:
    """Every violation of `result` as a new item, in result order."""
    return [
        Item(
            item=item_id(f.unit, f.rule, f.period, f.person),
            unit=f.unit,
            duty=rule_title(result, f.rule, lang),
            period=period_text(f, lang),
            problem=problem_text(result, f, lang),
            severity=severity_name(f.severity, lang),
            deadline=deadline_for(f.end, result.as_of, deadline),
            rule=f.rule,
            finding=f,
        )
        for f in result.findings
        if f.is_violation
    ]


class Citations(dict[str, tuple[dt.date | None, str]]):
    """Record id -> (date, activity name) for the records findings cite, and which numbering the ids
    are: the ledger's 序号 column, or (`by_row`, a ledger without one) its Excel row numbers."""

    def __init__(self, names: Mapping[str, tuple[dt.date | None, str]] | None = None, *, by_row: bool = False) -> None:
        super().__init__(names or {})
        self.by_row = by_row


def by_row(lookup: object) -> bool:
    """Whether cited record ids are Excel row numbers (a ledger without a 序号 column)."""
    return bool(getattr(lookup, "by_row", False))


def records_text(records: list, lookup: Mapping[str, tuple[dt.date | None, str]] | None, lang: str) -> str:
    """Record references a person can find: 2024年3月15日“专题研究…”，序号7 (or 第7行 when the ledger
    has no 序号 column and ids are its rows), or the number alone, saying which numbering it is."""
    rows = by_row(lookup)
    parts = []
    for record in records:
        known = (lookup or {}).get(str(record))
        kind = record_kind(record, by_row=rows)
        if known is None:
            parts.append(say(f"doc.record.{kind}", lang, id=record))
            continue
        day, name = known
        code = f"doc.record.full_{kind}"
        parts.append(say(code, lang, id=record, day=date_name(day, lang) if day else "", name=name))
    return say("list.clauses", lang).join(parts)


__all__ = [
    "CLOSED",
    "DOING",
    "GRACE_DAYS",
    "OPEN",
    "STATUSES",
    "Citations",
    "Deadline",
    "Item",
    "by_row",
    "deadline_for",
    "end_of_next_month",
    "item_id",
    "parse_deadline",
    "period_text",
    "problem_text",
    "record_lookup",
    "records_text",
    "rectifications",
    "rule_title",
    "severity_name",
    "status_name",
]


def record_lookup(ledger: object, result: Result) -> Citations:
    """序号 -> (date, activity name) for the records the findings cite, read from a Ledger's table
    (its `id`, `date`, `title` and `activity` columns): references can then say which activity."""
    import pyarrow as pa
    import pyarrow.compute as pc

    wanted = {str(r) for f in result.findings for r in f.records}
    wanted |= {str(m.record) for f in result.findings for m in f.near_misses}
    table = getattr(ledger, "table", None)
    # ids are row numbers when the ledger has no 序号 column (several files' ids name their file and row)
    rows_only = "id" not in getattr(ledger, "columns", {"id": ""})
    if not wanted or table is None:
        return Citations(by_row=rows_only)
    rows = table.filter(pc.is_in(table.column("id"), value_set=pa.array(sorted(wanted), pa.string())))
    out = Citations(by_row=rows_only)
    for ident, day, title, activity in zip(
        rows.column("id").to_pylist(),
        rows.column("date").to_pylist(),
        rows.column("title").to_pylist(),
        rows.column("activity").to_pylist(),
        strict=True,
    ):
        out.setdefault(str(ident), (day, str(title or activity or "")))
    return out
