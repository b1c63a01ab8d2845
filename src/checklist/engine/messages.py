"""The one-line message each finding carries, in the pack's language."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache


def _n(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


@lru_cache(maxsize=4096)
def amount(
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
    if lang == "en":
        head = f"{period} {what}: {_n(count)} of {_n(required)}"
        tail = {
            "met": "met",
            "gap": f"{_n(missing)} missing",
            "due": f"{_n(missing)} still needed by {due.isoformat()}",
            "exceeded": f"{_n(excess or 0)} more than allowed",
            "late": "done late",
            "waived": "waived",
        }[status]
        return f"{head} — {tail}"
    head = f"{period} {what} {_n(count)}/{_n(required)}{unit_word}"
    tail = {
        "met": "已达标",
        "gap": f"缺{_n(missing)}{unit_word}",
        "due": f"尚缺{_n(missing)}{unit_word},须于{due.isoformat()}前完成",
        "exceeded": f"超出{_n(excess or 0)}{unit_word}",
        "late": "逾期完成",
        "waived": "已豁免",
    }[status]
    return f"{head},{tail}"


def event(status: str, subject: str, answer: str, day: dt.date, due: dt.date, lang: str) -> str:
    """Response and precedence findings: one event and whether its answer came in time."""
    if lang == "en":
        tail = {
            "met": f"{answer} in time",
            "late": f"{answer} only after {due.isoformat()}",
            "gap": f"no {answer} by {due.isoformat()}",
            "due": f"{answer} due by {due.isoformat()}",
            "waived": "waived",
        }[status]
        return f"{day.isoformat()} {subject}: {tail}"
    tail = {
        "met": f"已按时{answer}",
        "late": f"{answer}晚于{due.isoformat()}",
        "gap": f"截至{due.isoformat()}未见{answer}",
        "due": f"须于{due.isoformat()}前{answer}",
        "waived": "已豁免",
    }[status]
    return f"{day.isoformat()} {subject},{tail}"
