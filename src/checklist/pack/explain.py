"""Say what a rule requires in one plain sentence, in Chinese or English, from its structure.

The sentences are catalogue templates (`explain.*` in checklist.text.catalogue); this module only
chooses which and fills them in.
"""

from __future__ import annotations

import datetime as dt

from checklist.pack.model import (
    DeadlineRule,
    EvidenceRule,
    FrequencyRule,
    Pack,
    PrecedenceRule,
    ResponseRule,
    RuleBase,
    Window,
)
from checklist.pack.names import FIELD_ZH, label
from checklist.text import say

SEVERITY_ZH = {"high": "高", "medium": "中", "low": "低"}


def periods_in_year(every: str, year: int) -> int:
    if every == "week":
        return dt.date(year, 12, 28).isocalendar()[1]  # Dec 28 is always in the last ISO week
    return {"month": 12, "quarter": 4, "half": 2, "year": 1}[every]


def _labels(pack: Pack, ids: tuple[str, ...], lang: str) -> str:
    names = (say("explain.label", lang, name=label(pack, c, lang)) for c in ids)
    return say("explain.or", lang).join(names)


def _field(name: str, lang: str) -> str:
    """A ledger field as the reader calls it (fields the pack invents keep their own name)."""
    return say(f"field.{name}", lang) if name in FIELD_ZH else name


def _window(window: Window | None, lang: str) -> str:
    if window is None:
        return ""
    if window.month_days is not None:
        (m1, d1), (m2, d2) = window.month_days
        return say("explain.window.dates", lang, m1=m1, d1=d1, m2=m2, d2=d2)
    if window.first_days:
        return say("explain.window.first", lang, days=window.first_days)
    if window.last_days:
        return say("explain.window.last", lang, days=window.last_days)
    return say("explain.window.by_day", lang, day=window.by_day)


def _amount(rule: FrequencyRule, lang: str) -> str:
    what = say("explain.amount.sum", lang, field=_field(rule.sum, lang)) if rule.sum else ""
    unit = "" if rule.sum else say("explain.amount.times", lang)
    words = {"what": what, "unit": unit, "noun": what or unit}
    if rule.exactly is not None:
        return say("explain.amount.exactly", lang, n=rule.exactly, **words)
    parts = []
    if rule.at_least is not None:
        parts.append(say("explain.amount.at_least", lang, n=rule.at_least, **words))
    if rule.at_most is not None:
        parts.append(say("explain.amount.at_most", lang, n=rule.at_most, **words))
    return say("explain.amount.range", lang, parts=say("explain.and", lang).join(parts), **words)


def _who(rule: FrequencyRule, lang: str) -> str:
    if rule.per != "person":
        return ""
    if rule.roles:
        return say("explain.who.roles", lang, roles=list(rule.roles))
    return say("explain.who.member", lang)


def _frequency(pack: Pack, rule: FrequencyRule, lang: str, year: int) -> str:
    n = periods_in_year(rule.every, year)
    unit = say(f"explain.unit.{rule.every}", lang)
    span = say("explain.span", lang, year=year, n=n, unit=unit, each=unit.lstrip("个")) if n > 1 else ""
    return say(
        "explain.frequency",
        lang,
        every=say(f"explain.every.{rule.every}", lang),
        who=_who(rule, lang),
        amount=_amount(rule, lang),
        what=_labels(pack, rule.category_ids, lang),
        window=_window(rule.window, lang),
        span=span,
    )


def _response(pack: Pack, rule: ResponseRule, lang: str) -> str:
    if rule.within_days is not None:
        limit = say("explain.within.days", lang, n=rule.within_days)
    else:
        limit = say("explain.within.hours", lang, n=rule.within_hours)
    trig, then = label(pack, rule.trigger, lang), label(pack, rule.then, lang)
    return say("explain.response", lang, trigger=trig, then=then, limit=limit)


def _precedence(pack: Pack, rule: PrecedenceRule, lang: str) -> str:
    most = rule.at_most_days_before
    upto = say("explain.at_most_days", lang, most=most) if most is not None else ""
    event, notice = label(pack, rule.event, lang), label(pack, rule.notice, lang)
    return say("explain.precedence", lang, event=event, notice=notice, least=rule.at_least_days_before, upto=upto)


def explain(pack: Pack, rule: RuleBase, lang: str = "zh", year: int | None = None) -> str:
    """One sentence: what the rule asks for, derived from its fields (not from its title)."""
    year = year or dt.date.today().year
    if isinstance(rule, FrequencyRule):
        return _frequency(pack, rule, lang, year)
    if isinstance(rule, DeadlineRule):
        what = _labels(pack, rule.category_ids, lang)
        return say("explain.deadline", lang, what=what, date=rule.by, y=rule.by.year, m=rule.by.month, d=rule.by.day)
    if isinstance(rule, ResponseRule):
        return _response(pack, rule, lang)
    if isinstance(rule, PrecedenceRule):
        return _precedence(pack, rule, lang)
    if isinstance(rule, EvidenceRule):
        fields = [_field(f, lang) for f in rule.require]
        return say("explain.evidence", lang, what=_labels(pack, rule.category_ids, lang), fields=fields)
    raise TypeError(f"no explanation for {type(rule).__name__}")
