"""What several renderers share: safe cell text, scores, messages. Rectification items: checklist.rectify."""

from __future__ import annotations

from checklist.rectify import by_row, problem_text, rule_title
from checklist.result import Finding, NearMiss, Result
from checklist.text import record_ref, say, xml_safe
from checklist.text.periods import date_name

# OWASP CSV-injection guidance: a spreadsheet treats these leading characters as a formula when
# something follows them (a lone `-` is a dash, never a formula: DESIGN §4.1).
_FORMULA_LEADS = ("=", "+", "-", "@")
_CONTROL_LEADS = ("\t", "\r")


def safe_text(value: object) -> str:
    """Text from a ledger, made inert for spreadsheets: a leading formula character gets a quote."""
    text = "" if value is None else xml_safe(value)  # DOCX/XLSX are XML: no control characters
    formula = text.startswith(_FORMULA_LEADS) and len(text) > 1
    return "'" + text if formula or text.startswith(_CONTROL_LEADS) else text


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


__all__ = ["finding_message", "near_miss_text", "percent", "previous_scores", "problem_text", "rule_title", "safe_text"]


def near_miss_text(m: NearMiss, lang: str, lookup: object = None) -> str:
    """A near miss in a report: the record (序号24 or 第24行, as `lookup` knows the numbering), its
    day and why it did not count, dates in words."""
    record = record_ref(m.record, by_row=by_row(lookup))
    return say("render.near_miss", lang, record=record, day=date_name(m.date, lang), reason=m.text(lang))
