"""Reminders: the duties of each unit falling due (or at risk) in the next N days, with what is missing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from checklist.result import Finding, Result


def reminders(result: Result, within: int) -> list[Finding]:
    """`due` findings whose last day is within `within` days of as_of, and every `due` one at risk."""
    horizon = result.as_of + dt.timedelta(days=within)
    return [f for f in result.findings if f.status == "due" and (f.due <= horizon or f.outlook == "at_risk")]


def reminder_rows(result: Result, within: int, title: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "unit": f.unit,
            "rule": f.rule,
            "title": title.get(f.rule, f.rule),
            "period": f.period,
            "person": f.person,
            "missing": f.missing,
            "due": f.due.isoformat(),
            "days_left": (f.due - result.as_of).days,
            "outlook": f.outlook,
            "done": f.records,
        }
        for f in sorted(reminders(result, within), key=lambda f: (f.unit, f.due, f.rule))
    ]
