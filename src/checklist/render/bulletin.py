"""The county 通报 (DESIGN §10): what a 宣传部 sends its units after an assessment, as a DOCX 公文.

The overall picture in sentences, the parent bodies' 名次, each duty's completion, the units 未报送,
the best and the lowest-rated units; the full ranking and the duties per parent body as annexes. A
200-unit 通报 stays a few pages of body: no unit's findings are listed. Built from the Result alone
(ratings per DESIGN §5.1); it is a draft for people to sign, so it states facts and leaves praise,
criticism and deadlines to them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from checklist.assess import roll_up, standing
from checklist.render.assessment import duty_matrix, met_units, rank_text, rating_text, rollup
from checklist.render.common import percent, rule_title
from checklist.render.gongwen import Gongwen
from checklist.result import Result, UnitSummary
from checklist.text import joined, say

TOP = 5  # best and lowest-rated units named in the body


Writer = Gongwen  # the 公文 layout of the 自查报告 (render/gongwen.py)


def writer() -> Writer:
    return Gongwen()


def _year(result: Result, lang: str) -> str:
    start, end = result.window.from_, result.window.to
    if start.year == end.year and (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        return say("assess.bulletin.year", lang, year=start.year)
    return say("assess.bulletin.span", lang, start=start, end=end)


def _day(day: dt.date, lang: str) -> str:
    return say("assess.bulletin.day", lang, y=day.year, m=day.month, d=day.day)


def _named(units: Sequence[UnitSummary], lang: str) -> str:
    named = [say("assess.bulletin.named", lang, unit=u.unit, rating=rating_text(u.rating)) for u in units]
    return joined(named, lang, limit=len(named))


def overview(result: Result, lang: str) -> list[str]:
    """The overall picture in sentences: who was assessed, who reported, how they did."""
    units = result.units
    sent = [u for u in units if u.submitted is not False]
    ranked = [u for u in sent if u.rating is not None]
    ratings = [u.rating for u in ranked if u.rating is not None]
    pack = " + ".join(f"{p.id} {p.version}" for p in result.packs)
    lines = [
        say(
            "assess.bulletin.basis",
            lang,
            year=_year(result, lang),
            units=len(units),
            start=result.window.from_,
            end=result.window.to,
            as_of=result.as_of,
            pack=pack,
        ),
        say("assess.bulletin.sent", lang, sent=len(sent), unsent=len(units) - len(sent)),
    ]
    if ratings:
        lines.append(
            say(
                "assess.bulletin.ratings",
                lang,
                mean=rating_text(round(sum(ratings) / len(ratings), 1)),
                high=sum(r >= 90 for r in ratings),
                low=sum(r < 60 for r in ratings),
                full=sum(r == 100 for r in ratings),
            )
        )
    return lines


def duty_lines(result: Result, lang: str) -> tuple[list[str], list[list[str]]]:
    """Per duty: units that met it of units judged, as a sentence for the weakest and a table for all."""
    rows, shares = [], []
    for rule in result.rules:
        met, judged = met_units(result, rule["id"])
        if judged:
            title = rule_title(result, rule["id"], lang)
            rows.append([title, f"{met}/{judged}", percent(100.0 * met / judged)])
            shares.append((met / judged, title, met, judged))
    lines = []
    if shares:
        worst = sorted(shares)[:2]
        named = joined([say("assess.bulletin.duty", lang, duty=t, met=m, units=n) for _, t, m, n in worst], lang)
        lines.append(say("assess.bulletin.weakest", lang, duties=named))
    return lines, rows


def render_bulletin(result: Result, options: Any) -> bytes:
    """The 通报 as DOCX bytes (`checklist bulletin`, or this function from the library)."""
    lang = options.lang
    if not result.groups:
        result = result.model_copy(update={"groups": roll_up(result.units, [r["id"] for r in result.rules])})
    doc = writer()
    year = _year(result, lang)
    doc.title(say("assess.bulletin.title", lang, year=year))
    doc.para(say("assess.bulletin.to", lang))
    for line in overview(result, lang):
        doc.para(line)
    _parents(doc, result, lang)
    _duties(doc, result, lang)
    _unsent(doc, result, lang)
    _best_and_worst(doc, result, lang)
    annexes = [say("assess.bulletin.annex_ranking", lang, year=year), say("assess.bulletin.annex_duties", lang)]
    doc.annex_list(say("assess.bulletin.annexes", lang), annexes)
    doc.signature(say("assess.bulletin.issuer", lang), _day(result.as_of, lang))
    _annexes(doc, result, lang, annexes)
    return doc.to_bytes()


def _parents(doc: Writer, result: Result, lang: str) -> None:
    doc.heading1(say("assess.bulletin.h_parents", lang))
    headers, rows = rollup(result, lang)
    doc.table(headers, rows, keep={0, 2, 3, 4})


def _duties(doc: Writer, result: Result, lang: str) -> None:
    doc.heading1(say("assess.bulletin.h_duties", lang))
    lines, rows = duty_lines(result, lang)
    for line in lines:
        doc.para(line)
    headers = [
        say("assess.bulletin.duty_col", lang),
        say("assess.bulletin.met_col", lang),
        say("assess.bulletin.rate_col", lang),
    ]
    doc.table(headers, rows, keep={1, 2})


def _unsent(doc: Writer, result: Result, lang: str) -> None:
    doc.heading1(say("assess.bulletin.h_unsent", lang))
    unsent = [u.unit for u in result.units if u.submitted is False]
    if not unsent:
        doc.para(say("assess.bulletin.all_sent", lang))
        return
    doc.para(say("assess.bulletin.unsent", lang, count=len(unsent), units=joined(unsent, lang, limit=len(unsent))))


def _best_and_worst(doc: Writer, result: Result, lang: str) -> None:
    doc.heading1(say("assess.bulletin.h_best", lang))
    ranked = [u for u in standing(result.units) if u.rank is not None]
    if not ranked:
        doc.para(say("assess.bulletin.none_rated", lang))
        return
    best_cut = ranked[min(TOP, len(ranked)) - 1].rank or 0
    best = [u for u in ranked if (u.rank or 0) <= best_cut]  # ties at the edge come along
    doc.para(say("assess.bulletin.best", lang, count=len(best), units=_named(best, lang)))
    rest = [u for u in ranked if (u.rank or 0) > best_cut]
    if rest:
        worst_cut = rest[max(0, len(rest) - TOP)].rank or 0
        worst = [u for u in reversed(rest) if (u.rank or 0) >= worst_cut]  # the lowest first
        doc.para(say("assess.bulletin.worst", lang, count=len(worst), units=_named(worst, lang)))


def _annexes(doc: Writer, result: Result, lang: str, titles: list[str]) -> None:
    doc.annex(say("assess.bulletin.annex", lang, n=1), titles[0], landscape=False)
    headers = [say(f"assess.{c}", lang) for c in ("rank", "unit", "parent", "rating", "score")]
    rows = [
        [rank_text(u, lang), u.unit, u.parent or "", rating_text(u.rating), percent(u.score)]
        for u in standing(result.units)
    ]
    doc.table(headers, rows, keep={0, 3, 4})
    doc.annex(say("assess.bulletin.annex", lang, n=2), titles[1], landscape=True)
    headers, rows = duty_matrix(result, lang)
    doc.table(headers, rows)


__all__ = ["duty_lines", "overview", "render_bulletin", "writer"]
