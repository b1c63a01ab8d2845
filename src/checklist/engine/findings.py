"""The one way evaluators make a Finding: they give what differs; the rule gives id, kind, severity."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from checklist.pack.model import RuleBase
from checklist.result import Finding, NearMiss, Outlook, RecordId, Status

UNANSWERED = frozenset({"gap", "due"})


def finding(  # noqa: PLR0913 - the one constructor: one argument per field that differs
    rule: RuleBase,
    unit: str,
    period: str,
    start: dt.date,
    end: dt.date,
    status: Status,
    count: float,
    records: list[RecordId],
    message: str,
    *,
    required: float = 1,
    due: dt.date | None = None,
    person: str | None = None,
    excess: float | None = None,
    outlook: Outlook | None = None,
    near_misses: Sequence[NearMiss] = (),
) -> Finding:
    """A verdict of `rule` for `unit` over [start, end]; `due` defaults to `end`.

    `missing` follows from the status (DESIGN §5): what is still needed for a gap or a due, else 0.
    Numbers are stored as JSON shows them (a count of 2, not 2.0).
    """
    missing = required - count if status in UNANSWERED else 0
    return Finding(
        unit,
        rule.id,
        period,
        start,
        end,
        status,
        _json_number(required),
        _json_number(count),
        _json_number(missing),
        due or end,
        person,
        records,
        rule.severity,
        message,
        rule.kind,
        None if excess is None else _json_number(excess),
        outlook,
        list(near_misses),
        None,
    )


def _json_number(value: float) -> float:
    """Whole numbers as int, as JSON shows a count (2, not 2.0); fractions as they are."""
    return int(value) if isinstance(value, float) and value.is_integer() else value
