"""Evaluate a ledger against a pack (DESIGN §5): findings per unit × rule × period, and the accounting."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from checklist.assess import roll_up
from checklist.calendar import fiscal_year_of, year_period
from checklist.engine import events, frequency  # noqa: F401  (importing them registers their rule kinds)
from checklist.engine.assessment import assess
from checklist.engine.context import Context, from_day_number
from checklist.engine.kinds import evaluator
from checklist.engine.match import category_masks, suggest
from checklist.errors import UsageError
from checklist.ledger import Ledger, arrays
from checklist.ledger.side import Member, UnitInfo, Waiver
from checklist.notice import Notice
from checklist.pack.model import Pack
from checklist.result import (
    VIOLATIONS,
    Comparison,
    Finding,
    InputCounts,
    PackRef,
    Result,
    UnitSummary,
    UnmatchedRow,
    WaiverRef,
    Window,
    score,
)


def choose_window(
    pack: Pack, ledger: Ledger, year: int | None, start: dt.date | None, end: dt.date | None, today: dt.date
) -> tuple[dt.date, dt.date]:
    """Explicit dates, else the (fiscal) year asked for, else the year of the latest usable row."""
    month = pack.calendar.year_start_month
    if start is not None or end is not None:
        if start is None or end is None:
            raise UsageError("--from and --to go together")
        if end < start:
            raise UsageError(f"--to {end} is before --from {start}")
        return start, end
    if year is None:
        dates = ledger.table["date"]
        latest = pc.max(dates).as_py() if ledger.table.num_rows else None
        year = fiscal_year_of(latest or today, month)
    period = year_period(year, month)
    return period.start, period.end


def _units(ledger: Ledger, infos: list[UnitInfo], only: Sequence[str] | None, notes: list[Notice]) -> tuple:
    encoded = pc.dictionary_encode(ledger.table["unit"].combine_chunks())
    names: list[str] = encoded.dictionary.to_pylist()
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    listed = [i.unit for i in infos]
    if infos:
        missing = sorted(set(names) - set(listed))
        if missing:
            notes.append(
                Notice(
                    kind="unit",
                    rows=[],
                    message=f"unit(s) not in the units list, evaluated anyway: {', '.join(missing)}",
                )
            )
    names += [u for u in listed if u not in set(names)]
    evaluated = sorted(set(names))
    if only:
        wanted = {u.strip() for u in only}
        unknown = sorted(wanted - set(evaluated))
        if unknown:
            raise UsageError(f"no unit {', '.join(unknown)} in the ledger or units list")
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
    return [UnmatchedRow(r, a, hints[a], u) for r, a, u in zip(rows, activities, units, strict=True)]


def _future_rows(ctx: Context, notes: list[Notice]) -> None:
    later = np.flatnonzero(ctx.dates > (ctx.as_of - dt.date(1970, 1, 1)).days)
    if len(later):
        rows = ctx.table["row"].to_numpy()[later].tolist()
        notes.append(
            Notice(
                kind="future", rows=rows, message=f"{len(rows)} row(s) dated after as_of {ctx.as_of} are not counted"
            )
        )


def _check_waivers(waivers: list[Waiver], rules: set[str], units: set[str], notes: list[Notice]) -> None:
    """A waiver naming no known rule or unit covers nothing: usually a typo worth saying."""
    for w in waivers:
        if w.rule not in rules:
            notes.append(Notice(kind="waiver", rows=[w.row], message=f"waiver names unknown rule '{w.rule}'"))
        if w.unit != "*" and w.unit not in units:
            notes.append(Notice(kind="waiver", rows=[w.row], message=f"waiver names unknown unit '{w.unit}'"))


def _waive(findings: list[Finding], waivers: list[Waiver], as_of: dt.date, notes: list[Notice]) -> list[Finding]:
    """A waiver covers a finding of its unit (or '*') and rule whose span lies inside it, until it expires."""
    if not waivers:
        return findings
    live = [w for w in waivers if w.expires is None or w.expires >= as_of]
    for w in waivers:
        if w not in live:
            notes.append(
                Notice(
                    kind="waiver",
                    rows=[w.row],
                    message=f"waiver for {w.unit} / {w.rule} expired on {w.expires}; it no longer covers anything",
                )
            )
    out = []
    for f in findings:
        cover = next(
            (w for w in live if w.rule == f.rule and w.unit in ("*", f.unit) and w.start <= f.start and f.end <= w.end),
            None,
        )
        if cover is not None and f.status != "met":
            ref = WaiverRef(reason=cover.reason, approved_by=cover.approved_by, expires=cover.expires)
            f = replace(
                f, status="waived", missing=0, excess=None, waiver=ref, message=f.message + f" [豁免: {cover.reason}]"
            )
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
    """Same packs, same ledger bytes, same options and as_of -> same fingerprint."""
    digest = hashlib.sha256()
    for source in pack.sources:
        try:
            digest.update(Path(source.path).read_bytes())
        except OSError:
            digest.update(f"{source.id}@{source.version}".encode())
    digest.update(ledger.digest.encode())
    digest.update(json.dumps(options, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:16]


def evaluate(
    pack: Pack,
    ledger: Ledger,
    *,
    year: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    as_of: dt.date | None = None,
    units: Sequence[str] | None = None,
    roster: list[Member] | None = None,
    unit_list: list[UnitInfo] | None = None,
    waivers: list[Waiver] | None = None,
    today: dt.date | None = None,
    group_by: str | None = None,
    compare_previous: bool = False,
) -> Result:
    """Evaluate `ledger` against `pack`; pure: same inputs, same Result.

    `group_by="parent"` adds the roll-up per parent body (from the units list); `compare_previous`
    adds each unit's result for the year before the window, when the ledger has rows there.
    """
    today = today or dt.date.today()
    win_start, win_end = choose_window(pack, ledger, year, start, end, today)
    as_of = as_of if as_of is not None else min(today, win_end)
    notes = list(ledger.notices)
    infos = unit_list or []
    names, codes, evaluated = _units(ledger, infos, units, notes)
    masks = category_masks(pack, ledger.table["activity"].combine_chunks(), ledger.table["title"].combine_chunks())
    ctx = Context(
        pack=pack,
        ledger=ledger,
        start=win_start,
        end=win_end,
        as_of=as_of,
        masks=masks,
        unit_names=names,
        units=codes,
        eval_units=evaluated,
        unit_info={i.unit: i for i in infos},
        roster=roster or [],
    )
    _future_rows(ctx, notes)
    findings = _findings(ctx, notes)
    _check_waivers(waivers or [], {r.id for r in pack.active_rules}, set(names), notes)
    typed = [r.id for r in pack.active_rules if r.applies_to]
    untyped = [u for u in evaluated if u not in ctx.unit_info or not ctx.unit_info[u].type]
    if typed and untyped:
        notes.append(
            Notice(
                kind="unit",
                rows=[],
                message=f"{len(typed)} rule(s) apply to unit types only "
                f"({', '.join(typed[:5])}{'…' if len(typed) > 5 else ''}); units without a type in "
                f"--units are not asked for them: {', '.join(untyped[:10])}",
            )
        )
    strangers = sorted({m.unit for m in roster or []} - set(names))
    if strangers:
        notes.append(
            Notice(
                kind="roster",
                rows=[],
                message=f"roster unit(s) not in the ledger or units list, "
                f"their members are not evaluated: {', '.join(strangers)}",
            )
        )
    findings = _waive(findings, waivers or [], as_of, notes)
    matched = np.zeros(ledger.table.num_rows, dtype=bool)
    for m in masks.values():
        matched |= m
    if not ledger.has_evidence and any(r.kind == "evidence" for r in pack.active_rules):
        notes.append(
            Notice(
                kind="evidence",
                rows=[],
                message="the ledger has no evidence column (佐证材料); "
                "evidence is not tracked and evidence rules produced no findings",
            )
        )
    options = {
        "window": [win_start, win_end],
        "as_of": as_of,
        "units": sorted(units or []),
        "roster": len(roster or []),
        "unit_list": [i.unit for i in infos],
        "waivers": len(waivers or []),
    }
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
    summaries = assess(
        ctx, findings, _summaries(findings, evaluated, ctx.unit_info), matched, ledger.rejected, rule_meta
    )
    previous = None
    if compare_previous:
        previous = _previous(pack, ledger, win_start, win_end, units, roster, unit_list, waivers, notes)
    if group_by not in (None, "parent"):
        raise UsageError(f"--group-by {group_by}: only 'parent' is supported")
    return Result(
        packs=[PackRef(id=s.id, version=s.version) for s in pack.sources],
        window=Window(**{"from": win_start, "to": win_end}),
        as_of=as_of,
        input=InputCounts(
            rows=ledger.rows,
            matched=int(matched.sum()),
            unmatched=int((~matched).sum()),
            rejected=len(ledger.rejected),
            blank=ledger.blank_rows,
        ),
        rejected=ledger.rejected,
        unmatched=_unmatched(pack, ledger, matched, ctx),
        findings=findings,
        units=summaries,
        warnings=notes,
        fingerprint=fingerprint(pack, ledger, options),
        source=ledger.source,
        language=pack.language,
        rules=rule_meta,
        groups=roll_up(summaries, [r.id for r in pack.active_rules]) if group_by == "parent" else [],
        previous=previous,
    )


def _previous(
    pack: Pack,
    ledger: Ledger,
    start: dt.date,
    end: dt.date,
    units: Sequence[str] | None,
    roster: list[Member] | None,
    unit_list: list[UnitInfo] | None,
    waivers: list[Waiver] | None,
    notes: list[Notice],
) -> Comparison | None:
    """The same evaluation one year earlier, complete (as_of = its end), if the ledger reaches back."""
    try:
        prev_start, prev_end = start.replace(year=start.year - 1), end.replace(year=end.year - 1)
    except ValueError:  # a window starting or ending on Feb 29
        prev_start, prev_end = start - dt.timedelta(days=366), end - dt.timedelta(days=366)
    dates = ledger.table["date"]
    inside = pc.and_(pc.greater_equal(dates, pa.scalar(prev_start)), pc.less_equal(dates, pa.scalar(prev_end)))
    if not ledger.table.num_rows or not pc.any(inside).as_py():
        notes.append(
            Notice(
                kind="compare",
                rows=[],
                message=f"the ledger has no rows in {prev_start}..{prev_end}; no comparison with the previous year",
            )
        )
        return None
    before = evaluate(
        pack,
        ledger,
        start=prev_start,
        end=prev_end,
        as_of=prev_end,
        units=units,
        roster=roster,
        unit_list=unit_list,
        waivers=waivers,
    )
    return Comparison(window=before.window, as_of=before.as_of, units=before.units)


def _findings(ctx: Context, notes: list[Notice]) -> list[Finding]:
    rules = ctx.pack.active_rules
    order = {r.id: i for i, r in enumerate(rules)}
    findings: list[Finding] = []
    for rule in rules:
        if rule.kind == "evidence" and not ctx.ledger.has_evidence:
            continue
        if getattr(rule, "per", "unit") == "person" and not ctx.roster:
            notes.append(
                Notice(
                    kind="roster",
                    rows=[],
                    message=f"rule {rule.id} counts per person but no roster "
                    "was given (--roster); it was not evaluated",
                )
            )
            continue
        findings.extend(evaluator(rule.kind)(ctx, rule))
    findings.sort(key=lambda f: (f.unit, order[f.rule], f.start, f.person or "", f.period))
    return findings


__all__ = ["evaluate", "from_day_number"]
