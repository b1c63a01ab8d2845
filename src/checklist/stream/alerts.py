"""Alert rules on durable-rules: which changes of the monitor are worth telling someone about.

The monitor posts one event per change; the rules below decide, statelessly, what it means. All
per-key state stays in the monitor (durable-rules' C core holds at most 1,024 live states).
"""

from __future__ import annotations

import datetime as dt
import itertools
import sys
from collections.abc import Callable
from typing import Any

from checklist.errors import UsageError
from checklist.stream.monitor import Change
from checklist.text import msg, say
from checklist.text.periods import date_name, period_name

UNAVAILABLE = msg("watch.unavailable")
_names = itertools.count()
INTERNAL = ("type", "sid", "id", "$s", "before", "maximum", "passed", "answered")


def _durable() -> Any:
    if sys.version_info >= (3, 13):
        raise UsageError(UNAVAILABLE)
    try:
        from durable import engine, lang
    except Exception:  # ImportError, or the C extension failing to load
        raise UsageError(UNAVAILABLE) from None
    return lang, engine


class AlertRules:
    """A durable-rules ruleset; `judge(change)` returns the alerts it fires (possibly none)."""

    def __init__(self) -> None:
        lang, engine = _durable()
        self._post: Callable[[str, dict[str, Any]], Any] = lang.post
        self._unhandled = engine.MessageNotHandledException
        self._fired: list[dict[str, Any]] = []
        self.name = f"checklist_alerts_{next(_names)}"  # ruleset names are process-global
        m, when_all = lang.m, lang.when_all
        with lang.ruleset(self.name):

            @when_all((m.type == "progress") & (m.count >= m.required) & (m.before < m.required))
            def met(c: Any) -> None:
                self._emit("met", c.m)

            @when_all((m.type == "progress") & (m.count > m.maximum) & (m.before <= m.maximum))
            def exceeded(c: Any) -> None:
                self._emit("exceeded", c.m)

            @when_all((m.type == "clock") & (m.passed == True) & (m.count < m.required))  # noqa: E712
            def overdue(c: Any) -> None:
                self._emit("overdue", c.m)

            @when_all((m.type == "clock") & (m.passed == False) & (m.count < m.required))  # noqa: E712
            def falls_due(c: Any) -> None:
                self._emit("falls_due", c.m)

            @when_all((m.type == "response") & (m.answered == False))  # noqa: E712
            def response_missed(c: Any) -> None:
                self._emit("response_missed", c.m)

            @when_all(m.type == "rejected")
            def rejected(c: Any) -> None:
                self._emit("rejected", c.m)

    def _emit(self, kind: str, message: Any) -> None:
        data = {k: v for k, v in message.items() if k not in INTERNAL}
        self._fired.append({"alert": kind, **data})

    def judge(self, change: Change) -> list[dict[str, Any]]:
        self._fired = []
        try:
            outcome = self._post(self.name, {"type": change.type, **change.data})
        except self._unhandled:
            return []  # nothing worth an alert
        if isinstance(outcome, dict) and "exception" in outcome:  # durable-rules reports action errors here
            raise RuntimeError(f"alert rule failed: {outcome['exception']}")
        return self._fired


def worded(alert: dict[str, Any], lang: str, titles: dict[str, str]) -> dict[str, Any]:
    """An alert as a person reads it: its catalogue `code` and a `message` in `lang` beside the data
    (a rejected row's `reason` in `lang` too). `titles` are the rules' titles in `lang`, by id."""
    kind = alert["alert"]
    out = {k: v for k, v in alert.items() if k not in ("reason_zh", "reason_en")}
    if kind == "rejected":
        reason = alert.get(f"reason_{lang}", "")
        return {**out, "reason": reason, "message": say("watch.alert.rejected", lang, row=alert["row"], reason=reason)}
    code = f"watch.alert.{kind}"
    rule = alert.get("rule", "")
    due = dt.date.fromisoformat(alert["due"]) if alert.get("due") else None
    words = {
        "unit": alert.get("unit", ""),
        "title": titles.get(rule, rule),
        "period": _period(kind, alert.get("period", ""), lang),
        "count": alert.get("count", 0),
        "required": alert.get("required", 0),
        "missing": max(0.0, float(alert.get("required", 0)) - float(alert.get("count", 0))),
        "due": date_name(due, lang) if due else "",
    }
    return {**out, "code": code, "message": say(code, lang, **words)}


def _period(kind: str, label: str, lang: str) -> str:
    """A response's period is the trigger's day (2024-08-05); the others are period labels."""
    if kind == "response_missed":
        try:
            return date_name(dt.date.fromisoformat(label), lang)
        except ValueError:
            return label
    return period_name(label, lang)
