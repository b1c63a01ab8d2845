"""`kind: response` — an answer after every event: each `trigger` record is followed by a `then`
record of the same unit within a number of days, or of hours when the ledger has times."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from checklist.engine.context import Context, day_number, from_day_number
from checklist.engine.kinds import Kind
from checklist.engine.records import MINUTES_PER_DAY, event_findings, stamp
from checklist.pack.model import Pack, RuleBase
from checklist.pack.names import label
from checklist.result import Finding, Status
from checklist.text import msg, say


class ResponseRule(RuleBase):
    """Every `trigger` record is answered by a `then` record of the same unit within a time."""

    kind: Literal["response"]
    trigger: str = Field(description="category id of the event, e.g. major_incident")
    then: str = Field(description="category id of the answer, e.g. incident_report")
    within_days: int | None = Field(None, ge=0)
    within_hours: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _one_bound(self) -> ResponseRule:
        if (self.within_days is None) == (self.within_hours is None):
            raise ValueError(msg("pack.rule.one_of", keys=["within_days", "within_hours"]))
        return self

    @property
    def category_ids(self) -> tuple[str, ...]:
        return (self.trigger, self.then)


def evaluate(ctx: Context, rule: ResponseRule) -> Iterator[Finding]:
    """Each trigger needs a `then` record of its unit within the bound (days, or hours with times)."""
    return event_findings(ctx, rule, rule.trigger, rule.then, lambda row, _, replies: _answer(ctx, rule, row, replies))


def _answer(ctx: Context, rule: ResponseRule, trigger: int, replies: np.ndarray) -> tuple[Status, dt.date, int | None]:
    day = from_day_number(ctx.dates[trigger])
    if rule.within_days is not None:
        deadline = day + dt.timedelta(days=rule.within_days)
        lo, hi = day_number(day), day_number(deadline)
        days = ctx.dates[replies]
        on_time = replies[(days >= lo) & (days <= hi)]
        later = replies[days > hi]
    else:
        # Without a time, a record may have happened at any minute of its day: take the kinder reading.
        opened = stamp(ctx, trigger, end_of_day=False)
        limit = stamp(ctx, trigger, end_of_day=True) + (rule.within_hours or 0) * 60
        deadline = from_day_number(limit // MINUTES_PER_DAY)
        firsts = np.array([stamp(ctx, r, end_of_day=False) for r in replies.tolist()], dtype=np.int64)
        lasts = np.array([stamp(ctx, r, end_of_day=True) for r in replies.tolist()], dtype=np.int64)
        on_time = replies[(lasts >= opened) & (firsts <= limit)]
        later = replies[firsts > limit]
    if len(on_time):
        return "met", deadline, int(on_time[0])
    if len(later):
        return "late", deadline, int(later[0])
    return ("due" if deadline > ctx.as_of else "gap"), deadline, None


def explain(pack: Pack, rule: ResponseRule, lang: str, year: int) -> str:
    if rule.within_days is not None:
        limit = say("explain.within.days", lang, n=rule.within_days)
    else:
        limit = say("explain.within.hours", lang, n=rule.within_hours)
    trig, then = label(pack, rule.trigger, lang), label(pack, rule.then, lang)
    return say("explain.response", lang, trigger=trig, then=then, limit=limit)


WORDS = {
    "explain.within.days": ("{n}日", "{n} day(s)"),
    "explain.within.hours": ("{n}小时", "{n} hours"),
    "explain.response": (
        "每次「{trigger}」发生后{limit}内须有「{then}」",
        "Each “{trigger}” is followed by “{then}” within {limit}.",
    ),
}

KIND = Kind(ResponseRule, evaluate, explain, patchable=("within_days", "within_hours"), words=WORDS, order=3)
