"""The one-line message each finding carries, in the pack's language (templates: `finding.*` codes)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from checklist.text import Message, msg, say
from checklist.text.periods import date_name, period_name

# What a count counts, after the number: 2/3次 (times), 1/4学时 (hours); sums of other fields have none.
UNIT_WORDS = {"次": "finding.unit.times", "学时": "finding.unit.hours"}


@lru_cache(maxsize=4096)
def amount(  # noqa: PLR0913 - flat arguments are the cache key
    status: str,
    what: str,
    period: str,
    count: float,
    required: float,
    missing: float,
    due: dt.date,
    excess: float | None,
    lang: str,
    unit_word: str = "次",
) -> str:
    """Frequency and deadline findings: what was needed, what was found, what is missing.

    Cached: a big ledger gives thousands of findings with the same period, counts and status."""
    unit: Message | str = msg(UNIT_WORDS[unit_word]) if unit_word in UNIT_WORDS else unit_word
    when = date_name(due, lang)
    args = {"count": count, "required": required, "missing": missing, "due": when, "excess": excess or 0, "unit": unit}
    tail = msg(f"finding.amount.{status}", **args)
    # periods and days in words (2024年第一季度, 2024年3月31日), never the codes 2024-Q1 of the JSON fields
    return say("finding.amount", lang, period=period_name(period, lang), what=what, tail=tail, **args)


def event(status: str, subject: str, answer: str, day: dt.date, due: dt.date, lang: str) -> str:
    """Response and precedence findings: one event and whether its answer came in time."""
    tail = msg(f"finding.event.{status}", answer=answer, due=date_name(due, lang))
    return say("finding.event", lang, day=date_name(day, lang), subject=subject, tail=tail)
