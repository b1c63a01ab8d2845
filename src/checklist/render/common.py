"""What several renderers share: safe cell text, rule titles, and the rectification items (整改台账)."""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from dataclasses import dataclass

from checklist.render.words import STATUS, num
from checklist.result import Finding, NearMiss, Result

# OWASP CSV-injection guidance: a spreadsheet treats these leading characters as a formula when
# something follows them (a lone `-` is a dash, never a formula: DESIGN §4.1).
_FORMULA_LEADS = ("=", "+", "-", "@")
_CONTROL_LEADS = ("\t", "\r")


def safe_text(value: object) -> str:
    """Text from a ledger, made inert for spreadsheets: a leading formula character gets a quote."""
    text = "" if value is None else str(value)
    formula = text.startswith(_FORMULA_LEADS) and len(text) > 1
    return "'" + text if formula or text.startswith(_CONTROL_LEADS) else text


def rule_title(result: Result, rule_id: str, lang: str) -> str:
    for rule in result.rules:
        if rule["id"] == rule_id:
            return (rule.get("title_en") or rule["title"]) if lang == "en" else rule["title"]
    return rule_id


def end_of_next_month(day: dt.date) -> dt.date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return dt.date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Rectification:
    """One item of the rectification ledger: a violation to be fixed by an owner before a deadline."""

    item: str  # stable id: the same unit, rule and period give the same id in every run
    unit: str
    rule: str
    period: str
    problem: str
    deadline: dt.date
    records: str
    finding: Finding


def item_id(unit: str, rule: str, period: str, person: str | None = None) -> str:
    key = "\x1f".join([unit, rule, period, person or ""])
    return "ZG-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:10].upper()


def problem_text(result: Result, f: Finding, lang: str) -> str:
    title = rule_title(result, f.rule, lang)
    who = f" {f.person}" if f.person else ""
    if lang == "en":
        if f.kind in ("frequency", "deadline"):
            return f"{f.period}{who}: {title} — {num(f.count)} of {num(f.required)} done ({STATUS['en'][f.status]})"
        return f"{f.period}{who}: {title} — {STATUS['en'][f.status]}"
    if f.kind in ("frequency", "deadline"):
        extra = f",超出{num(f.excess)}次" if f.status == "exceeded" else ""
        return f"{f.period}{who}「{title}」要求{num(f.required)},实际{num(f.count)}{extra}({STATUS['zh'][f.status]})"
    return f"{f.period}{who}「{title}」{STATUS['zh'][f.status]}"


def rectifications(result: Result, lang: str) -> list[Rectification]:
    """Every violation as an item; the default deadline is the end of the month after the period."""
    return [
        Rectification(
            item=item_id(f.unit, f.rule, f.period, f.person),
            unit=f.unit,
            rule=f.rule,
            period=f.period + (f" {f.person}" if f.person else ""),
            problem=problem_text(result, f, lang),
            deadline=end_of_next_month(f.end),
            records=", ".join(str(r) for r in f.records),
            finding=f,
        )
        for f in result.findings
        if f.is_violation
    ]


def previous_scores(result: Result) -> dict[str, float | None]:
    """Each unit's score in the comparison year (empty without --compare-previous)."""
    return {u.unit: u.score for u in result.previous.units} if result.previous else {}


def percent(value: float | None) -> str:
    return f"{value:.1f}%" if value is not None else "—"


def finding_message(result: Result, f: Finding, lang: str) -> str:
    """The engine writes messages in the pack's language; other languages are composed from fields."""
    if lang == result.language:
        return f.message
    return problem_text(result, f, lang)


def near_miss_text(m: NearMiss, lang: str) -> str:
    reason = (m.reason_en or m.reason) if lang == "en" else m.reason
    return f"{m.record} ({m.date}): {reason}"
