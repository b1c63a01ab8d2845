"""The streaming monitor's state: records arrive one at a time; counts per unit × duty × period move.

Kept in plain Python dictionaries keyed by (unit, rule, period), so the rule engine that turns
changes into alerts (durable-rules, in `alerts.py`) holds no per-key state: its C core has a fixed
table of 1,024 live states, which a county's units × duties × periods would exceed at once.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from checklist.engine.match import Matcher
from checklist.errors import UsageError
from checklist.kinds.deadline import DeadlineRule
from checklist.kinds.evidence import EvidenceRule
from checklist.kinds.frequency import FrequencyRule
from checklist.kinds.response import ResponseRule
from checklist.ledger.columns import ColumnMap, map_columns
from checklist.ledger.dates import DateError, parse_when
from checklist.ledger.side import UnitInfo
from checklist.pack.model import Pack, RuleBase
from checklist.periods import Period, counting_interval, periods
from checklist.text import Message, Pair, msg

NO_UNIT = "-"


@dataclass(frozen=True)
class Record:
    row: int
    ident: int | str
    unit: str
    day: dt.date
    activity: str
    title: str
    evidence: str
    categories: tuple[str, ...]


@dataclass
class Verdict:
    """What the batch engine calls a finding, reduced to what the monitor is held equal on."""

    unit: str
    rule: str
    period: str
    start: dt.date
    status: str
    count: float
    missing: float
    records: list[int | str] = field(default_factory=list)


@dataclass
class Change:
    """Something that moved: fed to the alert rules."""

    type: str  # progress | clock | response | rejected
    data: dict[str, Any]


def rejected(row: int, why: Message | Pair) -> Change:
    """A row that counts in nothing, with its reason in both languages (the alert rules pass plain
    data only; the CLI picks the reader's language) and the reason's catalogue code."""
    return Change("rejected", {"row": row, "code": why.code, "reason_zh": why.text("zh"), "reason_en": why.text("en")})


def unsupported(rule: RuleBase) -> str | None:
    """Why the monitor cannot follow this rule yet (the batch `evaluate` can)."""
    if isinstance(rule, FrequencyRule):
        for name in ("sum", "where", "min_interval_days", "holiday_tolerance_days"):
            if getattr(rule, name):
                return f"'{name}'"
        if rule.per == "person":
            return "'per: person'"
        return None
    if isinstance(rule, ResponseRule):
        return "'within_hours'" if rule.within_hours is not None else None
    if isinstance(rule, EvidenceRule):
        extra = [f for f in rule.require if f not in ("evidence", "title", "activity")]
        return f"require: {', '.join(extra)}" if extra else None
    if isinstance(rule, DeadlineRule):
        return None
    return f"kind '{getattr(rule, 'kind', '?')}'"


def _status(count: float, required: float, maximum: float | None, last_day: dt.date, as_of: dt.date) -> str:
    """DESIGN §5, as the monitor applies it (kept here so the differential test compares two codes)."""
    if maximum is not None and count > maximum:
        return "exceeded"
    if count >= required:
        return "met"
    return "gap" if last_day <= as_of else "due"


class Monitor:
    """Follow a ledger as it grows; say what changed; give verdicts equal to the batch engine's."""

    def __init__(self, pack: Pack, start: dt.date, end: dt.date, units: list[UnitInfo] | None = None) -> None:
        problems = [f"{r.id} ({why})" for r in pack.active_rules if (why := unsupported(r))]
        if problems:
            raise UsageError(msg("watch.unsupported", rules=problems))
        self.pack, self.start, self.end = pack, start, end
        self.matcher = Matcher(pack)
        self.info = {u.unit: u for u in units or []}
        self.units: dict[str, None] = dict.fromkeys(self.info)
        self.records: list[Record] = []
        self.seen: set[tuple[str, dt.date, str, str]] = set()
        self.groups: dict[tuple[str, str, int], list[Record]] = defaultdict(list)
        self.by_category: dict[tuple[str, str], list[Record]] = defaultdict(list)
        self.now: dt.date | None = None
        self.outside: list[int] = []  # rows dated outside the watched year: counted in no verdict
        self.has_evidence = False  # as in batch: no evidence column at all, no evidence findings
        month = pack.calendar.year_start_month
        self.plans: dict[str, list[tuple[Period, dt.date, dt.date]]] = {}
        for rule in pack.active_rules:
            if isinstance(rule, FrequencyRule):
                self.plans[rule.id] = [
                    (p, *counting_interval(p, rule.window, month)) for p in periods(rule.every, start, end, month)
                ]
        self.starts = {rid: [cs for _p, cs, _ce in plan] for rid, plan in self.plans.items()}

    # ------------------------------------------------------------ records

    def feed(self, values: dict[str, Any], row: int) -> list[Change]:
        """One ledger row (English field names or Chinese headers); returns what changed."""
        columns = _columns(tuple(values))
        get = {f: values[columns.headers[i]] for f, i in columns.fields.items()}
        self.has_evidence = self.has_evidence or "evidence" in get
        text = {f: "" if v is None else str(v).strip() for f, v in get.items()}
        if not text.get("date"):
            return [rejected(row, msg("row.no_date"))]
        try:
            day = parse_when(text["date"]).day
        except DateError as err:
            return [rejected(row, err.message)]
        if not text.get("activity"):
            return [rejected(row, msg("row.empty_activity"))]
        if not self.start <= day <= self.end:
            self.outside.append(row)
        unit = unicodedata.normalize("NFKC", text.get("unit", "")).strip() or NO_UNIT
        ident = text.get("id") or row
        record = Record(
            row,
            int(ident) if str(ident).isdecimal() and len(str(ident)) <= 18 else ident,  # not '①', not 5,000 digits
            unit,
            day,
            text["activity"],
            text.get("title", ""),
            text.get("evidence", ""),
            self.matcher.categories(text["activity"], text.get("title", "")),
        )
        self.units.setdefault(unit, None)
        key = (unit, day, record.activity, record.title)
        if key in self.seen:  # an exact repeat counts once, as in the batch engine
            return []
        self.seen.add(key)
        self.records.append(record)
        for cid in record.categories:
            self.by_category[(unit, cid)].append(record)
        return self._progress(record) + self._late_trigger(record)

    def _late_trigger(self, record: Record) -> list[Change]:
        """A trigger that arrives after its answer was due: say so now, the clock will not come back."""
        return [
            self._response_change(rule, record)
            for rule in self.pack.active_rules
            if isinstance(rule, ResponseRule)
            and rule.trigger in record.categories
            and self.now is not None
            and _deadline(rule, record) < self.now
        ]

    def _response_change(self, rule: ResponseRule, trigger: Record) -> Change:
        deadline = _deadline(rule, trigger)
        answers = self.by_category.get((trigger.unit, rule.then), [])
        answered = any(trigger.day <= a.day <= deadline for a in answers)
        return Change(
            "response",
            {
                "unit": trigger.unit,
                "rule": rule.id,
                "period": trigger.day.isoformat(),
                "answered": answered,
                "due": deadline.isoformat(),
                "rows": [trigger.row],
            },
        )

    def _progress(self, record: Record) -> list[Change]:
        changes = []
        for rule in self.pack.active_rules:
            if not isinstance(rule, FrequencyRule) or not set(record.categories) & set(rule.category_ids):
                continue
            i = bisect.bisect_right(self.starts[rule.id], record.day) - 1
            if i < 0 or record.day > self.plans[rule.id][i][2]:
                continue
            group = self.groups[(record.unit, rule.id, i)]
            group.append(record)
            period, _cs, ce = self.plans[rule.id][i]
            changes.append(
                Change(
                    "progress",
                    {
                        "unit": record.unit,
                        "rule": rule.id,
                        "period": period.label,
                        "count": len(group),
                        "before": len(group) - 1,
                        "required": rule.minimum,
                        "maximum": rule.maximum if rule.maximum is not None else 1e9,
                        "due": ce.isoformat(),
                        "rows": [r.row for r in group],
                    },
                )
            )
        return changes

    # ------------------------------------------------------------ clock

    def advance(self, day: dt.date, warn_days: int) -> list[Change]:
        """Move the clock to `day`: duties whose last day passed, or comes within `warn_days`."""
        before, self.now = self.now, day if self.now is None else max(self.now, day)
        if before is None or self.now <= before:
            return []
        changes = []
        for rule in self.pack.active_rules:
            if isinstance(rule, FrequencyRule):
                changes += self._clock_frequency(rule, before, warn_days)
            elif isinstance(rule, ResponseRule):
                changes += self._clock_response(rule, before)
        return changes

    def _clock_frequency(self, rule: FrequencyRule, before: dt.date, warn_days: int) -> list[Change]:
        assert self.now is not None
        out = []
        for i, (period, _cs, ce) in enumerate(self.plans[rule.id]):
            passed = before < ce <= self.now  # the last day has come (DESIGN §5: last day <= as_of is a gap)
            warned = before < ce - dt.timedelta(days=warn_days) <= self.now
            if not (passed or warned):
                continue
            for unit in self.units:
                count = len([r for r in self.groups.get((unit, rule.id, i), []) if r.day <= self.now])
                out.append(
                    Change(
                        "clock",
                        {
                            "unit": unit,
                            "rule": rule.id,
                            "period": period.label,
                            "count": count,
                            "required": rule.minimum,
                            "passed": passed,
                            "due": ce.isoformat(),
                            "rows": [r.row for r in self.groups.get((unit, rule.id, i), [])],
                        },
                    )
                )
        return out

    def _clock_response(self, rule: ResponseRule, before: dt.date) -> list[Change]:
        assert self.now is not None
        return [
            self._response_change(rule, trigger)
            for unit in self.units
            for trigger in self.by_category.get((unit, rule.trigger), [])
            if before <= _deadline(rule, trigger) < self.now
        ]

    # ------------------------------------------------------------ verdicts

    def _active(self, unit: str, start: dt.date, end: dt.date) -> bool:
        info = self.info.get(unit)
        return info is None or (
            (info.established is None or info.established <= start)
            and (info.dissolved is None or info.dissolved >= end)
        )

    def _applies(self, rule: RuleBase, unit: str) -> bool:
        return rule.applies_to is None or (unit in self.info and self.info[unit].type in rule.applies_to)

    def verdicts(self, as_of: dt.date) -> list[Verdict]:
        """Every unit × duty × period, as the batch engine would judge the rows seen so far."""
        out: list[tuple[tuple, Verdict]] = []
        for order, rule in enumerate(self.pack.active_rules):
            for unit in self.units:
                if not self._applies(rule, unit):
                    continue
                for v in self._rule_verdicts(rule, unit, as_of):
                    out.append(((unit, order, v.start), v))
        return [v for _key, v in sorted(out, key=lambda kv: kv[0])]

    def _rule_verdicts(self, rule: RuleBase, unit: str, as_of: dt.date) -> list[Verdict]:
        if isinstance(rule, FrequencyRule):
            return self._frequency(rule, unit, as_of)
        if isinstance(rule, ResponseRule):
            return self._response(rule, unit, as_of)
        if isinstance(rule, DeadlineRule):
            return self._deadline(rule, unit, as_of)
        assert isinstance(rule, EvidenceRule)
        return self._evidence(rule, unit, as_of)

    def _frequency(self, rule: FrequencyRule, unit: str, as_of: dt.date) -> list[Verdict]:
        out = []
        for i, (period, _cs, ce) in enumerate(self.plans[rule.id]):
            if period.start > as_of or not self._active(unit, period.start, period.end):
                continue
            rows = sorted(
                (r for r in self.groups.get((unit, rule.id, i), []) if r.day <= as_of), key=lambda r: (r.day, r.row)
            )
            status = _status(len(rows), rule.minimum, rule.maximum, ce, as_of)
            missing = rule.minimum - len(rows) if status in ("gap", "due") else 0
            out.append(
                Verdict(unit, rule.id, period.label, period.start, status, len(rows), missing, [r.ident for r in rows])
            )
        return out

    def _in_window(self, day: dt.date, as_of: dt.date) -> bool:
        return self.start <= day <= min(self.end, as_of)

    def _response(self, rule: ResponseRule, unit: str, as_of: dt.date) -> list[Verdict]:
        out = []
        answers = sorted(
            (a for a in self.by_category.get((unit, rule.then), []) if a.day <= as_of), key=lambda r: (r.day, r.row)
        )
        triggers = sorted(self.by_category.get((unit, rule.trigger), []), key=lambda r: (r.day, r.row))
        for t in triggers:
            if not self._in_window(t.day, as_of) or not self._active(unit, t.day, t.day):
                continue
            deadline = _deadline(rule, t)
            in_time = [a for a in answers if t.day <= a.day <= deadline]
            later = [a for a in answers if a.day > deadline]
            period = (unit, rule.id, t.day.isoformat(), t.day)
            out.append(_one_record(period, in_time, later, still_due=deadline > as_of, cause=t))
        return out

    def _deadline(self, rule: DeadlineRule, unit: str, as_of: dt.date) -> list[Verdict]:
        if not self.start <= rule.by <= self.end or not self._active(unit, self.start, rule.by):
            return []
        rows = sorted(
            (r for cid in rule.category_ids for r in self.by_category.get((unit, cid), []) if r.day <= as_of),
            key=lambda r: (r.day, r.row),
        )
        on_time = [r for r in rows if r.day <= rule.by]
        later = [r for r in rows if r.day > rule.by]
        period = (unit, rule.id, rule.by.isoformat(), self.start)
        return [_one_record(period, on_time, later, still_due=as_of < rule.by)]

    def _evidence(self, rule: EvidenceRule, unit: str, as_of: dt.date) -> list[Verdict]:
        if not self.has_evidence:
            return []
        every = "*" in rule.category_ids
        out = []
        for r in sorted((r for r in self.records if r.unit == unit), key=lambda r: (r.day, r.row)):
            relevant = r.categories if every else set(r.categories) & set(rule.category_ids)
            if relevant and self._in_window(r.day, as_of) and any(not _field(r, f) for f in rule.require):
                out.append(Verdict(unit, rule.id, r.day.isoformat(), r.day, "gap", 0, 1, [r.ident]))
        return out


def _one_record(
    period: tuple[str, str, str, dt.date],
    on_time: list[Record],
    later: list[Record],
    *,
    still_due: bool,
    cause: Record | None = None,
) -> Verdict:
    """A duty one record fulfils (a deadline, an answer to `cause`): met by the first in time, late
    by the first after, else due while there is still time, then a gap."""
    found = (on_time or later)[:1]
    status = ("met" if on_time else "late") if found else ("due" if still_due else "gap")
    records = ([cause.ident] if cause is not None else []) + [r.ident for r in found]
    return Verdict(*period, status, len(found), 0 if found else 1, records)


@functools.lru_cache(maxsize=64)
def _columns(keys: tuple[str, ...]) -> ColumnMap:
    """Records of one stream share their keys: map them to fields once."""
    return map_columns(list(keys))


def _deadline(rule: ResponseRule, trigger: Record) -> dt.date:
    return trigger.day + dt.timedelta(days=rule.within_days or 0)


def record_day(values: dict[str, Any]) -> dt.date | None:
    """The date of a raw record, if it has a readable one (for the simulated clock)."""
    columns = _columns(tuple(values))
    if "date" not in columns.fields:
        return None
    try:
        return parse_when(str(values[columns.headers[columns.fields["date"]]] or "")).day
    except DateError:
        return None


def _field(record: Record, name: str) -> str:
    return {"evidence": record.evidence, "title": record.title, "activity": record.activity}.get(name, "x")
