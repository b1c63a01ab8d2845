"""`kind: precedence` — a notice ahead of every event: a `notice` record at least N (and at most M)
days before every `event` record of the same unit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from checklist.engine.context import Context, day_number
from checklist.engine.kinds import Kind
from checklist.engine.records import event_findings
from checklist.pack.model import Pack, RuleBase
from checklist.pack.names import label
from checklist.result import Finding, Status
from checklist.text import msg, say


class PrecedenceRule(RuleBase):
    """A `notice` record comes at least N (and at most M) days before every `event` record."""

    kind: Literal["precedence"]
    event: str = Field(description="category id of the event, e.g. democratic_life_meeting")
    notice: str = Field(description="category id of the announcement, e.g. dlm_plan_report")
    at_least_days_before: int = Field(ge=0)
    at_most_days_before: int | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _order(self) -> PrecedenceRule:
        if self.at_most_days_before is not None and self.at_most_days_before < self.at_least_days_before:
            raise ValueError(msg("pack.rule.days_order"))
        return self

    @property
    def category_ids(self) -> tuple[str, ...]:
        return (self.event, self.notice)


def evaluate(ctx: Context, rule: PrecedenceRule) -> Iterator[Finding]:
    """Each event needs a notice dated at least N (and at most M) days before it."""
    return event_findings(ctx, rule, rule.event, rule.notice, lambda _row, day, sent: _notice(ctx, rule, day, sent))


def _notice(ctx: Context, rule: PrecedenceRule, day: dt.date, sent: np.ndarray) -> tuple[Status, dt.date, int | None]:
    """met: a notice inside [event − at_most, event − at_least]; late: one after that, by the event."""
    latest = day - dt.timedelta(days=rule.at_least_days_before)
    most = rule.at_most_days_before
    earliest = day_number(day) - most if most is not None else np.iinfo(np.int64).min
    days = ctx.dates[sent]
    on_time = sent[(days >= earliest) & (days <= day_number(latest))]
    if len(on_time):
        return "met", latest, int(on_time[-1])
    too_late = sent[(days > day_number(latest)) & (days <= day_number(day))]
    if len(too_late):
        return "late", latest, int(too_late[0])
    return "gap", latest, None


def explain(pack: Pack, rule: PrecedenceRule, lang: str, year: int) -> str:
    most = rule.at_most_days_before
    upto = say("explain.at_most_days", lang, most=most) if most is not None else ""
    event, notice = label(pack, rule.event, lang), label(pack, rule.notice, lang)
    return say("explain.precedence", lang, event=event, notice=notice, least=rule.at_least_days_before, upto=upto)


WORDS = {
    "pack.rule.days_order": (
        "at_most_days_before 小于 at_least_days_before",
        "at_most_days_before is less than at_least_days_before",
    ),
    "explain.at_most_days": ("、至多{most}天", " and at most {most}"),
    "explain.precedence": (
        "每次「{event}」前至少{least}天{upto}须有「{notice}」",
        "Each “{event}” is preceded by “{notice}” at least {least}{upto} days before.",
    ),
}

KIND = Kind(
    PrecedenceRule,
    evaluate,
    explain,
    patchable=("at_least_days_before", "at_most_days_before"),
    words=WORDS,
    order=4,
)
