"""Say what a rule requires in one plain sentence, in Chinese or English, from its structure."""

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

EVERY_ZH = {"week": "每周", "month": "每月", "quarter": "每季度", "half": "每半年", "year": "每年"}
EVERY_EN = {
    "week": "every week",
    "month": "every month",
    "quarter": "every quarter",
    "half": "every half year",
    "year": "every year",
}
UNIT_ZH = {"week": "周", "month": "个月", "quarter": "个季度", "half": "个半年", "year": "年"}
UNIT_EN = {"week": "weeks", "month": "months", "quarter": "quarters", "half": "halves", "year": "year"}
SEVERITY_ZH = {"high": "高", "medium": "中", "low": "低"}


def periods_in_year(every: str, year: int) -> int:
    if every == "week":
        return dt.date(year, 12, 28).isocalendar()[1]  # Dec 28 is always in the last ISO week
    return {"month": 12, "quarter": 4, "half": 2, "year": 1}[every]


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _labels(pack: Pack, ids: tuple[str, ...], lang: str) -> str:
    if lang == "en":
        return " or ".join(f"“{label(pack, c, lang)}”" for c in ids)
    return "或".join(f"「{label(pack, c, lang)}」" for c in ids)


def _window_zh(window: Window | None) -> str:
    if window is None:
        return ""
    if window.month_days is not None:
        (m1, d1), (m2, d2) = window.month_days
        return f"(仅{m1}月{d1}日至{m2}月{d2}日之间的记录计入)"
    if window.first_days:
        return f"(每期前{window.first_days}天内)"
    if window.last_days:
        return f"(每期最后{window.last_days}天内)"
    return f"(每期最后一个月{window.by_day}日前)"


def _window_en(window: Window | None) -> str:
    if window is None:
        return ""
    if window.month_days is not None:
        (m1, d1), (m2, d2) = window.month_days
        return f" (only records dated {m1:02d}-{d1:02d} to {m2:02d}-{d2:02d} count)"
    if window.first_days:
        return f" (within the first {window.first_days} days of each period)"
    if window.last_days:
        return f" (within the last {window.last_days} days of each period)"
    return f" (by day {window.by_day} of each period's last month)"


def _amount_zh(rule: FrequencyRule) -> str:
    what = f"{FIELD_ZH.get(rule.sum, rule.sum)}合计" if rule.sum else ""
    unit = "" if rule.sum else "次"
    if rule.exactly is not None:
        return f"{what}恰好{_num(rule.exactly)}{unit}"
    parts = []
    if rule.at_least is not None:
        parts.append(f"至少{_num(rule.at_least)}{unit}")
    if rule.at_most is not None:
        parts.append(f"至多{_num(rule.at_most)}{unit}")
    return what + "、".join(parts)


def _amount_en(rule: FrequencyRule) -> str:
    noun = f"{rule.sum} in total" if rule.sum else "time(s)"
    if rule.exactly is not None:
        return f"exactly {_num(rule.exactly)} {noun}"
    parts = []
    if rule.at_least is not None:
        parts.append(f"at least {_num(rule.at_least)}")
    if rule.at_most is not None:
        parts.append(f"at most {_num(rule.at_most)}")
    return " and ".join(parts) + f" {noun}"


def _frequency(pack: Pack, rule: FrequencyRule, lang: str, year: int) -> str:
    n = periods_in_year(rule.every, year)
    what = _labels(pack, rule.category_ids, lang)
    if lang == "en":
        who = " for each member" + (f" ({', '.join(rule.roles)})" if rule.roles else "") if rule.per == "person" else ""
        span = f"; {year}: {n} {UNIT_EN[rule.every]}" if n > 1 else ""
        return f"{what} {_amount_en(rule)} {EVERY_EN[rule.every]}{who}{_window_en(rule.window)}{span}."
    who = ("每名" + ("、".join(rule.roles) if rule.roles else "成员")) if rule.per == "person" else ""
    span = f"({year}年共{n}{UNIT_ZH[rule.every]},每{UNIT_ZH[rule.every].lstrip('个')}单独核查)" if n > 1 else ""
    return f"{EVERY_ZH[rule.every]}{who}{_amount_zh(rule)}{what}{_window_zh(rule.window)}{span}"


def _fields(fields: list[str], lang: str) -> str:
    if lang == "en":
        return ", ".join(fields)
    return "、".join(FIELD_ZH.get(f, f) for f in fields)


def explain(pack: Pack, rule: RuleBase, lang: str = "zh", year: int | None = None) -> str:
    """One sentence: what the rule asks for, derived from its fields (not from its title)."""
    year = year or dt.date.today().year
    if isinstance(rule, FrequencyRule):
        return _frequency(pack, rule, lang, year)
    if isinstance(rule, DeadlineRule):
        what = _labels(pack, rule.category_ids, lang)
        if lang == "en":
            return f"{what} on or before {rule.by.isoformat()}."
        return f"{rule.by.year}年{rule.by.month}月{rule.by.day}日前完成{what}"
    if isinstance(rule, ResponseRule):
        trig, then = label(pack, rule.trigger, lang), label(pack, rule.then, lang)
        if lang == "en":
            limit = f"{rule.within_days} day(s)" if rule.within_days is not None else f"{rule.within_hours} hours"
            return f"Each “{trig}” is followed by “{then}” within {limit}."
        limit = f"{rule.within_days}日" if rule.within_days is not None else f"{rule.within_hours}小时"
        return f"每次「{trig}」发生后{limit}内须有「{then}」"
    if isinstance(rule, PrecedenceRule):
        event, notice = label(pack, rule.event, lang), label(pack, rule.notice, lang)
        most = rule.at_most_days_before
        if lang == "en":
            upto = f" and at most {most}" if most is not None else ""
            return f"Each “{event}” is preceded by “{notice}” at least {rule.at_least_days_before}{upto} days before."
        upto = f"、至多{most}天" if most is not None else ""
        return f"每次「{event}」前至少{rule.at_least_days_before}天{upto}须有「{notice}」"
    if isinstance(rule, EvidenceRule):
        what = _labels(pack, rule.category_ids, lang)
        if lang == "en":
            return f"Every record of {what} has {_fields(rule.require, lang)} filled in."
        return f"{what}的每条记录须填写{_fields(rule.require, lang)}"
    raise TypeError(f"no explanation for {type(rule).__name__}")
