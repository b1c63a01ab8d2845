"""Evaluate a ledger against a pack (DESIGN §5): findings per unit × rule × period, and the accounting.

`evaluate` is a short pipeline: the evaluation window, then the findings, then the waivers, then the
summaries; the roll-up by parent body and the comparison with the previous year are functions over
the Result (`group_by_parent`, `compare_previous`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, TypedDict

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from typing_extensions import Unpack

from checklist.assess import roll_up
from checklist.engine.assessment import assess
from checklist.engine.context import Context, from_day_number
from checklist.engine.kinds import evaluator
from checklist.engine.match import category_masks, suggest
from checklist.errors import UsageError
from checklist.ledger import Ledger, arrays
from checklist.ledger.side import Member, UnitInfo, Waiver
from checklist.notice import Notice
from checklist.pack.model import Pack
from checklist.periods import fiscal_year_of, year_period
from checklist.result import (
    VIOLATIONS,
    Comparison,
    EvaluationWindow,
    Finding,
    InputCounts,
    PackRef,
    Result,
    UnitSummary,
    UnmatchedRow,
    WaiverRef,
    score,
)
from checklist.text import msg, say


@dataclass(frozen=True, kw_only=True)
class Scope:
    """What one evaluation covers besides the pack and the ledger.

    The evaluation window (`start`..`end`, or the (fiscal) `year`; default: the year of the latest
    usable row) is not a rule's `window` part, which cuts each period down to the days that count.
    """

    year: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    as_of: dt.date | None = None
    units: Sequence[str] | None = None
    roster: list[Member] | None = None
    unit_list: list[UnitInfo] | None = None
    waivers: list[Waiver] | None = None
    today: dt.date | None = None


class Options(TypedDict, total=False):
    """evaluate()'s keyword arguments: the Scope's fields, and the two additions over the Result."""

    year: int | None
    start: dt.date | None
    end: dt.date | None
    as_of: dt.date | None
    units: Sequence[str] | None
    roster: list[Member] | None
    unit_list: list[UnitInfo] | None
    waivers: list[Waiver] | None
    today: dt.date | None
    group_by: str | None
    compare_previous: bool


def evaluate(pack: Pack, ledger: Ledger, scope: Scope | None = None, **options: Unpack[Options]) -> Result:
    """Evaluate `ledger` against `pack`; pure: same inputs, same Result.

    `group_by="parent"` adds the roll-up per parent body (from the units list); `compare_previous`
    adds each unit's result for the year before the window, when the ledger has rows there.
    """
    group_by = options.pop("group_by", None)
    compare = options.pop("compare_previous", False)
    if group_by not in (None, "parent"):
        raise UsageError(msg("engine.group_by", value=group_by))
    fields: dict[str, Any] = dict(options)  # the Scope fields left once the two additions are popped
    scope = replace(scope or Scope(), **fields)
    result = _evaluate(pack, ledger, scope)
    if compare:
        result = compare_previous(result, pack, ledger, scope)
    return group_by_parent(result) if group_by == "parent" else result


FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2100, 12, 31)
MAX_WINDOW_DAYS = 10 * 366  # periods are enumerated over the window: a window from the year 1 took 40 s


def _bounded(start: dt.date, end: dt.date) -> None:
    """The library takes any dates, the CLI only 1900-2100: refuse windows it cannot mean (issue 11)."""
    if start < FIRST_DAY or end > LAST_DAY or (end - start).days > MAX_WINDOW_DAYS:
        raise UsageError(msg("engine.window_bounds", start=start, end=end, first=FIRST_DAY, last=LAST_DAY, years=10))


def _evaluate(pack: Pack, ledger: Ledger, scope: Scope) -> Result:
    start, end = evaluation_window(pack, ledger, scope)
    _bounded(start, end)
    as_of = scope.as_of if scope.as_of is not None else min(scope.today or dt.date.today(), end)
    notes = list(ledger.notices)
    ctx = _context(pack, ledger, scope, (start, end, as_of), notes)
    findings = _findings(ctx, notes)
    _input_notes(ctx, scope, notes)
    findings = _waive(findings, scope.waivers or [], as_of, pack.language, notes)
    return _result(ctx, scope, findings, notes)


def evaluation_window(pack: Pack, ledger: Ledger, scope: Scope) -> tuple[dt.date, dt.date]:
    """Explicit dates, else the (fiscal) year asked for, else the year of the latest usable row."""
    month = pack.calendar.year_start_month
    start, end, year = scope.start, scope.end, scope.year
    if start is not None or end is not None:
        if start is None or end is None:
            raise UsageError(msg("engine.window_half"))
        if end < start:
            raise UsageError(msg("engine.window_reversed", start=start, end=end))
        return start, end
    if year is None:
        dates = ledger.table["date"]
        latest = pc.max(dates).as_py() if ledger.table.num_rows else None
        year = fiscal_year_of(latest or scope.today or dt.date.today(), month)
    period = year_period(year, month)
    return period.start, period.end


def group_by_parent(result: Result) -> Result:
    """The Result with the roll-up of its units per parent body (DESIGN §5.1)."""
    groups = roll_up(result.units, [r["id"] for r in result.rules])
    return result.model_copy(update={"groups": groups})


def compare_previous(result: Result, pack: Pack, ledger: Ledger, scope: Scope) -> Result:
    """The Result with each unit's result one year earlier (complete: as_of = its end), when the
    ledger reaches back; otherwise with a warning that it does not."""
    start, end = result.window.from_, result.window.to
    try:
        before = start.replace(year=start.year - 1), end.replace(year=end.year - 1)
    except ValueError:  # a window starting or ending on Feb 29
        before = start - dt.timedelta(days=366), end - dt.timedelta(days=366)
    dates = ledger.table["date"]
    inside = pc.and_(pc.greater_equal(dates, pa.scalar(before[0])), pc.less_equal(dates, pa.scalar(before[1])))
    if not ledger.table.num_rows or not pc.any(inside).as_py():
        note = Notice.of("compare", "engine.no_previous", start=before[0], end=before[1])
        return result.model_copy(update={"warnings": [*result.warnings, note]})
    earlier = _evaluate(pack, ledger, replace(scope, year=None, start=before[0], end=before[1], as_of=before[1]))
    previous = Comparison(window=earlier.window, as_of=earlier.as_of, units=earlier.units)
    return result.model_copy(update={"previous": previous})


def _context(
    pack: Pack, ledger: Ledger, scope: Scope, span: tuple[dt.date, dt.date, dt.date], notes: list[Notice]
) -> Context:
    infos = scope.unit_list or []
    names, codes, evaluated = _units(ledger, infos, scope.units, notes)
    masks = category_masks(pack, ledger.table["activity"].combine_chunks(), ledger.table["title"].combine_chunks())
    ctx = Context(
        pack=pack,
        ledger=ledger,
        start=span[0],
        end=span[1],
        as_of=span[2],
        masks=masks,
        unit_names=names,
        units=codes,
        eval_units=evaluated,
        unit_info={i.unit: i for i in infos},
        roster=scope.roster or [],
    )
    _future_rows(ctx, notes)
    _span_rows(ctx, notes)
    return ctx


def _units(ledger: Ledger, infos: list[UnitInfo], only: Sequence[str] | None, notes: list[Notice]) -> tuple:
    encoded = pc.dictionary_encode(ledger.table["unit"].combine_chunks())
    names: list[str] = encoded.dictionary.to_pylist()
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    listed = [i.unit for i in infos]
    if infos:
        missing = sorted(set(names) - set(listed))
        if missing:
            notes.append(Notice.of("unit", "engine.unlisted_units", units=missing))
    names += [u for u in listed if u not in set(names)]
    evaluated = sorted(set(names))
    if only:
        wanted = {u.strip() for u in only}
        unknown = sorted(wanted - set(evaluated))
        if unknown:
            raise UsageError(msg("engine.unknown_units", units=unknown))
        evaluated = [u for u in evaluated if u in wanted]
    return names, codes, evaluated


def _unmatched(pack: Pack, ledger: Ledger, matched: np.ndarray, ctx: Context) -> list[UnmatchedRow]:
    idx = np.flatnonzero(~matched)
    if not len(idx):
        return []
    rows = ledger.table["row"].to_numpy()[idx].tolist()
    activities = arrays.pylist(ledger.table["activity"], idx)
    units = [ctx.unit_names[c] for c in ctx.units[idx].tolist()]
    hints = {a: suggest(pack, a) for a in set(activities)}
    return [
        UnmatchedRow(r, a, hints[a], u, f, s, ref)
        for r, a, u, (f, s, ref) in zip(rows, activities, units, ledger.places(idx), strict=True)
    ]


def _future_rows(ctx: Context, notes: list[Notice]) -> None:
    later = np.flatnonzero(ctx.dates > (ctx.as_of - dt.date(1970, 1, 1)).days)
    if len(later):
        rows = ctx.table["row"].to_numpy()[later].tolist()
        notes.append(Notice.of("future", "engine.future_rows", rows, count=len(rows), as_of=ctx.as_of))


def _span_rows(ctx: Context, notes: list[Notice]) -> None:
    """Records dated outside their unit's active span count in no finding (DESIGN §4.1): say which."""
    outside = np.flatnonzero(ctx.outside_span)
    if len(outside):
        rows = ctx.ledger.cite(outside)
        notes.append(Notice.of("span", "span.outside", rows, count=len(rows)))


def _check_waivers(waivers: list[Waiver], rules: set[str], units: set[str], notes: list[Notice]) -> None:
    """A waiver naming no known rule or unit covers nothing: usually a typo worth saying."""
    for w in waivers:
        if w.rule not in rules:
            notes.append(Notice.of("waiver", "engine.waiver_rule", [w.row], rule=w.rule))
        if w.unit != "*" and w.unit not in units:
            notes.append(Notice.of("waiver", "engine.waiver_unit", [w.row], unit=w.unit))


def _waive(
    findings: list[Finding], waivers: list[Waiver], as_of: dt.date, lang: str, notes: list[Notice]
) -> list[Finding]:
    """A waiver covers a finding of its unit (or '*') and rule whose span lies inside it, until it expires."""
    if not waivers:
        return findings
    live = [w for w in waivers if w.expires is None or w.expires >= as_of]
    for w in waivers:
        if w not in live:
            notes.append(
                Notice.of("waiver", "engine.waiver_expired", [w.row], unit=w.unit, rule=w.rule, expires=w.expires)
            )
    out = []
    for f in findings:
        cover = next(
            (w for w in live if w.rule == f.rule and w.unit in ("*", f.unit) and w.start <= f.start and f.end <= w.end),
            None,
        )
        if cover is not None and f.status != "met":
            ref = WaiverRef(reason=cover.reason, approved_by=cover.approved_by, expires=cover.expires)
            note = say("engine.waived_note", lang, reason=cover.reason)
            f = replace(f, status="waived", missing=0, excess=None, waiver=ref, message=f"{f.message} {note}")
        out.append(f)
    return out


def _summaries(findings: list[Finding], units: list[str], infos: dict[str, UnitInfo]) -> list[UnitSummary]:
    tally: dict[str, dict[str, int]] = {u: {"met": 0, "violations": 0, "due": 0, "waived": 0} for u in units}
    for f in findings:
        key = "violations" if f.status in VIOLATIONS else f.status
        tally[f.unit][key] += 1
    out = []
    for unit in units:
        t = tally[unit]
        info = infos.get(unit)
        out.append(
            UnitSummary(
                unit=unit,
                score=score(t["met"], t["violations"]),
                met=t["met"],
                violations=t["violations"],
                due=t["due"],
                waived=t["waived"],
                type=info.type if info else None,
                parent=info.parent if info else None,
            )
        )
    return out


def fingerprint(pack: Pack, ledger: Ledger, options: dict[str, Any]) -> str:
    """Same pack bytes (as read when the pack was loaded), same ledger bytes, same options and as_of
    -> same fingerprint. A pack built in memory has no bytes: its ids and versions stand in."""
    digest = hashlib.sha256()
    for source in pack.sources:
        digest.update((source.digest or f"{source.id}@{source.version}").encode())
    digest.update(ledger.digest.encode())
    digest.update(json.dumps(options, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:16]


def _input_notes(ctx: Context, scope: Scope, notes: list[Notice]) -> None:
    """Inputs that name nothing evaluated: waivers, typed rules without typed units, roster strangers."""
    pack, evaluated = ctx.pack, ctx.eval_units
    _check_waivers(scope.waivers or [], {r.id for r in pack.active_rules}, set(ctx.unit_names), notes)
    typed = [r.id for r in pack.active_rules if r.applies_to]
    untyped = [u for u in evaluated if u not in ctx.unit_info or not ctx.unit_info[u].type]
    if typed and untyped:
        notes.append(Notice.of("unit", "engine.untyped_units", count=len(typed), rules=typed, units=untyped))
    strangers = sorted({m.unit for m in ctx.roster} - set(ctx.unit_names))
    if strangers:
        notes.append(Notice.of("roster", "engine.roster_strangers", units=strangers))


def _result(ctx: Context, scope: Scope, findings: list[Finding], notes: list[Notice]) -> Result:
    """The summaries and the accounting around the findings."""
    pack, ledger = ctx.pack, ctx.ledger
    matched = np.zeros(ledger.table.num_rows, dtype=bool)
    for m in ctx.masks.values():
        matched |= m
    if not ledger.has_evidence and any(r.kind == "evidence" for r in pack.active_rules):
        notes.append(Notice.of("evidence", "engine.no_evidence"))
    rule_meta = [
        {
            "id": r.id,
            "title": r.title,
            "title_en": r.title_en,
            "kind": r.kind,
            "severity": r.severity,
            "points": r.points,
            "deduct": r.deduct,
        }
        for r in pack.active_rules
    ]
    summaries = _summaries(findings, ctx.eval_units, ctx.unit_info)
    return Result(
        packs=[PackRef(id=s.id, version=s.version) for s in pack.sources],
        window=EvaluationWindow(**{"from": ctx.start, "to": ctx.end}),
        as_of=ctx.as_of,
        input=InputCounts(
            rows=ledger.rows,
            matched=int(matched.sum()),
            unmatched=int((~matched).sum()),
            rejected=len(ledger.rejected),
            blank=ledger.blank_rows,
            files=ledger.file_counts(matched),
        ),
        rejected=ledger.rejected,
        unmatched=_unmatched(pack, ledger, matched, ctx),
        findings=findings,
        units=assess(ctx, findings, summaries, matched, ledger.rejected, rule_meta),
        warnings=notes,
        fingerprint=fingerprint(pack, ledger, _fingerprint_options(ctx, scope)),
        source=ledger.source,
        language=pack.language,
        rules=rule_meta,
    )


def _fingerprint_options(ctx: Context, scope: Scope) -> dict[str, Any]:
    return {
        "window": [ctx.start, ctx.end],
        "as_of": ctx.as_of,
        "units": sorted(scope.units or []),
        "roster": len(scope.roster or []),
        "unit_list": [i.unit for i in scope.unit_list or []],
        "waivers": len(scope.waivers or []),
    }


def _findings(ctx: Context, notes: list[Notice]) -> list[Finding]:
    rules = ctx.pack.active_rules
    order = {r.id: i for i, r in enumerate(rules)}
    findings: list[Finding] = []
    for rule in rules:
        if rule.kind == "evidence" and not ctx.ledger.has_evidence:
            continue
        if getattr(rule, "per", "unit") == "person" and not ctx.roster:
            notes.append(Notice.of("roster", "engine.no_roster", rule=rule.id))
            continue
        findings.extend(evaluator(rule.kind)(ctx, rule))
    findings.sort(key=lambda f: (f.unit, order[f.rule], f.start, f.person or "", f.period))
    return findings


__all__ = ["Scope", "compare_previous", "evaluate", "evaluation_window", "from_day_number", "group_by_parent"]
