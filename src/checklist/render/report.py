"""The self-inspection report (自查报告) as neutral blocks, rendered by the DOCX and Markdown writers.

Built in the seed's four parts — 基本情况, 存在问题, 整改措施, 下一步打算 — in sentences a clerk
would write, then an annex of tables. It states what the ledger shows; the measures are a draft
for the people who sign it, and owners are left blank for them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from checklist.assess import standing
from checklist.rectify import Deadline, Item, period_text, records_text, rectifications, rule_title, status_name
from checklist.render.assessment import (
    duty_matrix,
    duty_of,
    evidence_cell,
    rank_text,
    ranking,
    rating_text,
    rollup,
    unsubmitted_line,
)
from checklist.render.words import STATUS_ORDER
from checklist.result import Finding, Result
from checklist.text import joined, own_words, say
from checklist.text.periods import chinese_number, date_name, period_name, short_period_name

EVENT_KINDS = ("response", "precedence", "evidence")
MAX_ITEMS_IN_BODY = 30  # more 整改 items than this are only in the annex table
Records = Mapping[str, tuple[dt.date | None, str]]


@dataclass
class Block:
    """title | para | h1 | h2 | table | annexes (附件说明) | signature | annex (a new annex page)."""

    kind: str
    text: str = ""
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    keep: set[int] = field(default_factory=set)  # table columns never to wrap (ids, dates, short words)


@dataclass
class Context:
    """What the report needs besides the Result: the pack (next period's duties, the subject),
    the ledger's records (dates and names behind 序号), the deadline option."""

    result: Result
    lang: str
    pack: Any = None
    records: Records | None = None
    deadline: Deadline = None
    items: list[Item] = field(default_factory=list)
    annex: dict[str, int] = field(default_factory=dict)  # part -> its number (附件1, 附件2 …)

    def say(self, code: str, **args: Any) -> str:
        return say(code, self.lang, **args)

    def title(self, rule: str) -> str:
        return rule_title(self.result, rule, self.lang)

    def refs(self, records: list) -> str:
        return records_text(records, self.records, self.lang)


# ---------------------------------------------------------------- names


def unit_name(result: Result, lang: str) -> str:
    """The unit the report is about, or 县委宣传部等3个单位 when there are several."""
    units = [u.unit for u in result.units]
    if len(units) == 1:
        return units[0]
    if not units:
        return say("doc.units.none", lang)
    return say("doc.units.many", lang, first=units[0], n=len(units))


def subject(pack: Any, lang: str) -> str:
    """What the duties are about, from the pack's title: 意识形态工作责任制落实清单 -> 意识形态工作责任制."""
    if pack is None:
        return say("doc.subject.default", lang)
    title = own_words(pack, lang)
    for tail in ("落实清单", "制度清单", "清单", " checklist"):
        if title.endswith(tail):
            return title[: -len(tail)] + ("制度" if tail == "制度清单" else "")
    return title


def year_name(result: Result, lang: str) -> str:
    start, end = result.window.from_, result.window.to
    if start.month == 1 and start.day == 1 and end == dt.date(start.year, 12, 31):
        return say("doc.year", lang, year=start.year)
    return say("doc.span", lang, start=date_name(start, lang), end=date_name(end, lang))


# ---------------------------------------------------------------- 一、基本情况


def _rule_clause(ctx: Context, summary: Any, rule: str, found: list[Finding]) -> str:
    title = ctx.title(rule)
    duty = duty_of(summary, rule) if found[0].kind == "evidence" else None
    if duty is not None:  # evidence as the rate it is (30/40 留档), not one line per record
        return ctx.say("doc.basic.rate", title=title, rate=evidence_cell(duty, ctx.lang))
    if len(found) == 1 and found[0].kind in ("frequency", "deadline") and found[0].person is None:
        f = found[0]
        return ctx.say("doc.basic.once", title=title, count=f.count, status=status_name(f.status, ctx.lang))
    met = sum(f.status in ("met", "waived") for f in found)
    code = "doc.basic.events" if found[0].kind in EVENT_KINDS else "doc.basic.periods"
    clause = ctx.say(code, title=title, total=len(found), met=met)
    gaps = [short_period_name(f.period, ctx.lang) + (f" {f.person}" if f.person else "") for f in found]
    bad = [g for g, f in zip(gaps, found, strict=True) if f.is_violation]
    return clause + (ctx.say("doc.basic.gaps", periods=bad) if bad else "")


def _unit_paras(ctx: Context, summary: Any, findings: list[Finding], previous: dict[str, float | None]) -> list[Block]:
    records = {str(r) for f in findings for r in f.records}
    score = say("doc.score", ctx.lang, score=summary.score) if summary.score is not None else ""
    if summary.unit in previous and previous[summary.unit] is not None:
        score += ctx.say("doc.score.previous", score=previous[summary.unit])
    if summary.rating is not None:
        score += ctx.say("doc.rating", rating=rating_text(summary.rating), rank=rank_text(summary, ctx.lang))
    head = ctx.say(
        "doc.basic.unit",
        year=year_name(ctx.result, ctx.lang),
        unit=summary.unit,
        records=len(records),
        duties=len({f.rule for f in findings}),
        checks=summary.met + summary.violations + summary.due + summary.waived,
        met=summary.met,
        violations=summary.violations,
        due=summary.due,
        waived=ctx.say("doc.basic.waived", n=summary.waived) if summary.waived else "",
        score=score,
    )
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_rule[f.rule].append(f)
    clauses = [_rule_clause(ctx, summary, rule, found) for rule, found in by_rule.items()]
    blocks = [Block("para", head)]
    if clauses:
        blocks.append(Block("para", ctx.say("doc.basic.detail", clauses=ctx.say("list.clauses").join(clauses))))
    return blocks


def _basic(ctx: Context, by_unit: dict[str, list[Finding]]) -> list[Block]:
    i = ctx.result.input
    blocks = [
        Block("h1", ctx.say("doc.h.basic")),
        Block(
            "para",
            ctx.say(
                "doc.basic.ledger",
                rows=i.rows,
                matched=i.matched,
                unmatched=i.unmatched,
                rejected=i.rejected,
                n=ctx.annex["data"],
            ),
        ),
    ]
    previous = {u.unit: u.score for u in ctx.result.previous.units} if ctx.result.previous else {}
    several = len(ctx.result.units) > 1
    if several:
        blocks.append(Block("para", ctx.say("doc.basic.ranking", n=ctx.annex["rank"])))
    for n, summary in enumerate(standing(ctx.result.units), start=1):
        if several:
            blocks.append(Block("h2", ctx.say("doc.h2", n=_cn(n, ctx.lang), text=summary.unit)))
        blocks += _unit_paras(ctx, summary, by_unit.get(summary.unit, []), previous)
    return blocks


def _cn(n: int, lang: str) -> str:
    return chinese_number(n) if lang == "zh" else str(n)


# ---------------------------------------------------------------- 二、存在问题


def issue_sentence(ctx: Context, f: Finding) -> str:
    """One problem as a clerk writes it: period, duty, what is missing, which records."""
    args = {
        "period": period_text(f, ctx.lang),
        "title": ctx.title(f.rule),
        "required": f.required,
        "count": f.count,
        "missing": f.missing,
        "records": ctx.refs(f.records),
    }
    if f.kind in ("frequency", "deadline") and f.status == "gap":
        code = "doc.issue.none" if not f.records else "doc.issue.short"
    elif f.status == "exceeded":
        code = "doc.issue.exceeded"
    elif f.status == "late":
        code = "doc.issue.late"
    elif f.kind == "evidence":
        code = "doc.issue.evidence"
    else:
        code = "doc.issue.other"
    text = ctx.say(code, **args)
    if ctx.lang == "en":  # the sentence opens with the period: "second half of 2024: …"
        text = text[:1].upper() + text[1:]
    if f.near_misses:
        misses = [
            ctx.say(
                "doc.issue.near_one",
                record=ctx.refs([m.record]),
                reason=m.text(ctx.lang),
            )
            for m in f.near_misses
        ]
        text += ctx.say("doc.issue.near", items=ctx.say("list.clauses").join(misses))
    return text


def _order(f: Finding) -> tuple[int, int]:
    return ({"high": 0, "medium": 1, "low": 2}.get(f.severity, 1), STATUS_ORDER[f.status])


def _problems(ctx: Context, by_unit: dict[str, list[Finding]]) -> list[Block]:
    blocks = [Block("h1", ctx.say("doc.h.problems"))]
    units = [(u, sorted((f for f in fs if f.is_violation), key=_order)) for u, fs in by_unit.items()]
    units = [(u, bad) for u, bad in units if bad]
    if not units:
        return [*blocks, Block("para", ctx.say("doc.problems.none"))]
    blocks.append(Block("para", ctx.say("doc.problems.intro", n=sum(len(b) for _, b in units))))
    for n, (unit, bad) in enumerate(units, start=1):
        if len(by_unit) > 1:
            blocks.append(Block("h2", ctx.say("doc.h2", n=_cn(n, ctx.lang), text=unit)))
        blocks += [Block("para", f"{i}. {issue_sentence(ctx, f)}") for i, f in enumerate(bad, start=1)]
    return blocks


# ---------------------------------------------------------------- 三、整改措施


def _measure_kind(f: Finding) -> str:
    if f.kind == "evidence":
        return "evidence"
    if f.status in ("late", "exceeded"):
        return f.status
    return "frequency"


def _measures(ctx: Context) -> list[Block]:
    """Measures grouped by the kind of problem, as the seed's reports write them (一是……二是……);
    each item with its own deadline is in the annex's 整改清单."""
    blocks = [Block("h1", ctx.say("doc.h.measures"))]
    if not ctx.items:
        return [*blocks, Block("para", ctx.say("doc.measures.none"))]
    blocks.append(Block("para", ctx.say("doc.measures.intro", n=len(ctx.items), annex=ctx.annex["fix"])))
    groups: dict[str, list[Item]] = defaultdict(list)
    for item in ctx.items:
        assert item.finding is not None
        groups[_measure_kind(item.finding)].append(item)
    several = len(ctx.result.units) > 1
    for n, (kind, items) in enumerate(groups.items(), start=1):
        per_unit: dict[str, list[str]] = defaultdict(list)
        for i in items[:MAX_ITEMS_IN_BODY]:
            per_unit[i.unit].append(ctx.say("doc.measure.problem", period=i.period, title=i.duty))
        listed = ctx.say("doc.unit_sep").join(
            (unit if several else "") + ctx.say("doc.list_sep").join(problems) for unit, problems in per_unit.items()
        ) + (ctx.say("doc.etc") if len(items) > MAX_ITEMS_IN_BODY else "")
        deadline = max(i.deadline for i in items if i.deadline is not None)
        text = ctx.say(
            "doc.measure.group",
            order=ctx.say("doc.order", n=_cn(n, ctx.lang)),
            problems=listed,
            measure=ctx.say(f"doc.measure.{kind}"),
            deadline=date_name(deadline, ctx.lang),
        )
        blocks.append(Block("para", text))
    blocks.append(Block("para", ctx.say("doc.measures.owner", n=ctx.annex["fix"])))
    return blocks


def measure_text(ctx: Context, f: Finding) -> str:
    """A draft measure for the kind of problem; people rewrite it in the 整改台账."""
    return ctx.say(f"doc.measure.{_measure_kind(f)}")


# ---------------------------------------------------------------- 四、下一步打算


def _next_span(result: Result) -> tuple[dt.date, dt.date]:
    """The days the next steps cover: the rest of the window, or the next year once it has ended."""
    start, end = result.window.from_, result.window.to
    if result.as_of < end:
        return result.as_of + dt.timedelta(days=1), end
    length = end - start
    first = end + dt.timedelta(days=1)
    try:
        last = first.replace(year=first.year + 1) - dt.timedelta(days=1)
    except ValueError:  # 29 February
        last = first + length
    return first, last


def duty_dates(pack: Any, first: dt.date, last: dt.date) -> list[tuple[Any, list[dt.date]]]:
    """Each calendar duty of the pack with its due dates in [first, last] (as `calendar` knows them)."""
    from checklist.kinds.deadline import DeadlineRule
    from checklist.kinds.frequency import FrequencyRule
    from checklist.periods import counting_interval, periods

    start_month = pack.calendar.year_start_month
    out: list[tuple[FrequencyRule | DeadlineRule, list[dt.date]]] = []
    for rule in pack.active_rules:
        if isinstance(rule, FrequencyRule):
            dates = [
                counting_interval(p, rule.window, start_month)[1] for p in periods(rule.every, first, last, start_month)
            ]
            if dates:
                out.append((rule, dates))
        elif isinstance(rule, DeadlineRule) and first <= rule.by <= last:
            out.append((rule, [rule.by]))
    return out


def _dates(days: list[dt.date], lang: str) -> str:
    names = [date_name(d, lang, year=i == 0 or d.year != days[i - 1].year) for i, d in enumerate(days)]
    return joined(names, lang, limit=None)


def _next_steps(ctx: Context) -> list[Block]:
    first, last = _next_span(ctx.result)
    span = (
        period_name(str(first.year), ctx.lang)
        if (first.month, first.day) == (1, 1)
        else ctx.say("doc.span", start=date_name(first, ctx.lang), end=date_name(last, ctx.lang))
    )
    blocks = [Block("h1", ctx.say("doc.h.next")), Block("para", ctx.say("doc.next.intro", span=span))]
    lines = []
    several = len(ctx.result.units) > 1
    for f in sorted(ctx.result.due_findings(), key=lambda f: (f.due, f.unit)):
        lines.append(
            ctx.say(
                "doc.next.due",
                unit=ctx.say("doc.unit_prefix", unit=f.unit) if several else "",
                period=period_text(f, ctx.lang),
                title=ctx.title(f.rule),
                missing=f.missing,
                due=date_name(f.due, ctx.lang),
                risk=ctx.say("doc.next.risk") if f.outlook == "at_risk" else "",
            )
        )
    if ctx.pack is not None:
        for rule, days in duty_dates(ctx.pack, first, last):
            title = own_words(rule, ctx.lang)
            code = "doc.next.duty_one" if len(days) == 1 else "doc.next.duty_many"
            lines.append(ctx.say(code, title=title, dates=_dates(days, ctx.lang)))
        events = [own_words(r, ctx.lang) for r in ctx.pack.active_rules if getattr(r, "kind", "") in EVENT_KINDS]
        if events:
            lines.append(ctx.say("doc.next.events", titles=ctx.say("list.clauses").join(events)))
    if not lines:
        lines.append(ctx.say("doc.next.keep"))
    blocks += [Block("para", f"{i}. {line}") for i, line in enumerate(lines, start=1)]
    blocks.append(Block("para", ctx.say("doc.next.close")))
    return blocks


# ---------------------------------------------------------------- 附件


def _fix_table(ctx: Context) -> Block:
    rows = [
        [
            str(i),
            item.item,
            item.unit,
            item.problem,
            measure_text(ctx, item.finding) if item.finding else "",
            "",
            date_name(item.deadline, ctx.lang) if item.deadline else "",
        ]
        for i, item in enumerate(ctx.items, start=1)
    ]
    headers = [ctx.say(f"doc.annex1.{c}") for c in ("n", "item", "unit", "problem", "measure", "owner", "deadline")]
    return Block("table", headers=headers, rows=rows, keep={0, 1, 6})


def _detail_table(ctx: Context) -> Block:
    rows = [
        [
            f.unit,
            ctx.title(f.rule),
            period_text(f, ctx.lang),
            say("doc.times", ctx.lang, n=f.required) if f.kind in ("frequency", "deadline") else "",
            say("doc.times", ctx.lang, n=f.count) if f.kind in ("frequency", "deadline") else "",
            status_name(f.status, ctx.lang),
            ctx.refs(f.records),
        ]
        for f in ctx.result.findings
    ]
    headers = [ctx.say(f"doc.annex2.{c}") for c in ("unit", "duty", "period", "required", "count", "status", "records")]
    return Block("table", headers=headers, rows=rows, keep={3, 4, 5})


def _data_tables(ctx: Context) -> list[Block]:
    result = ctx.result
    blocks = [Block("para", ctx.say("doc.annex3.rows_note"))]
    rejected = [[str(r.ref or r.row), r.text(ctx.lang)] for r in result.rejected]
    headers = [ctx.say("doc.annex3.row"), ctx.say("doc.annex3.reason")]
    blocks += [Block("para", ctx.say("doc.annex3.rejected", n=len(rejected)))]
    if rejected:
        blocks.append(Block("table", headers=headers, rows=rejected, keep={0}))
    counts: dict[str, list[int | str]] = defaultdict(list)
    hints: dict[str, str | None] = {}
    for u in result.unmatched:
        counts[u.activity].append(u.ref or u.row)
        hints[u.activity] = u.suggestion
    unmatched = [
        [
            activity,
            ctx.say("list.clauses").join(map(str, rows[:20])) + ("…" if len(rows) > 20 else ""),
            hints[activity] or "",
        ]
        for activity, rows in sorted(counts.items(), key=lambda kv: -len(kv[1]))
    ]
    blocks.append(Block("para", ctx.say("doc.annex3.unmatched", n=len(result.unmatched))))
    if unmatched:
        heads = [ctx.say("doc.annex3.activity"), ctx.say("doc.annex3.row"), ctx.say("doc.annex3.maybe")]
        blocks.append(Block("table", headers=heads, rows=unmatched))
    if result.integrity:
        sep = ctx.say("list.clauses")
        rows = [[n.unit, n.text(ctx.lang), sep.join(map(str, n.rows[:30]))] for n in result.integrity]
        heads = [ctx.say("doc.annex2.unit"), ctx.say("doc.annex3.integrity"), ctx.say("doc.annex3.row")]
        blocks += [Block("para", ctx.say("doc.annex3.integrity_head")), Block("table", headers=heads, rows=rows)]
    return blocks


def _standing(ctx: Context) -> list[Block]:
    """The ranking by rating with 名次 (未报送 apart), and the roll-up per parent body with each
    duty's share of units (checklist.assess, DESIGN §5.1)."""
    result, lang = ctx.result, ctx.lang
    blocks = []
    headers, rows, unsubmitted = ranking(result, lang)
    blocks += [Block("para", say("assess.ranking", lang)), Block("table", headers=headers, rows=rows, keep={0})]
    if unsubmitted:
        blocks.append(Block("para", unsubmitted_line(unsubmitted, lang)))
    if result.groups:
        headers, rows = rollup(result, lang)
        blocks += [Block("para", say("assess.rollup", lang)), Block("table", headers=headers, rows=rows)]
        headers, rows = duty_matrix(result, lang)
        blocks += [Block("para", say("assess.duties", lang)), Block("table", headers=headers, rows=rows)]
    return blocks


def _annex_parts(ctx: Context) -> list[str]:
    parts = ["rank"] if len(ctx.result.units) > 1 else []
    return [*parts, *(["fix"] if ctx.items else []), "detail", "data"]


def _annexes(ctx: Context) -> tuple[list[str], list[Block]]:
    content = {
        "rank": lambda: (ctx.say("doc.annex0.title"), _standing(ctx)),
        "fix": lambda: (ctx.say("doc.annex1.title"), [_fix_table(ctx)]),
        "detail": lambda: (ctx.say("doc.annex2.title"), [_detail_table(ctx)]),
        "data": lambda: (ctx.say("doc.annex3.title"), _data_tables(ctx)),
    }
    names, blocks = [], []
    for part, n in ctx.annex.items():
        title, body = content[part]()
        names.append(title)
        blocks += [Block("annex", ctx.say("doc.annex", n=n), items=[title]), *body]
    r = ctx.result
    packs = ", ".join(f"{p.id} {p.version}" for p in r.packs)
    basis = ctx.say("doc.basis", packs=packs, as_of=date_name(r.as_of, ctx.lang), fp=r.fingerprint)
    blocks.append(Block("para", basis))
    return names, blocks


def _signature_date(result: Result, lang: str) -> str:
    return date_name(result.as_of, lang)


def build_report(
    result: Result,
    lang: str,
    *,
    pack: Any = None,
    records: Records | None = None,
    deadline: Deadline = None,
) -> list[Block]:
    ctx = Context(result, lang, pack, records, deadline)
    ctx.items = rectifications(result, lang, deadline)
    ctx.annex = {part: n for n, part in enumerate(_annex_parts(ctx), start=1)}
    by_unit: dict[str, list[Finding]] = defaultdict(list)
    for u in result.units:
        by_unit[u.unit] = []
    for f in result.findings:
        by_unit[f.unit].append(f)
    unit = unit_name(result, lang)
    title = ctx.say("doc.title", unit=unit, year=year_name(result, lang), subject=subject(pack, lang))
    duties = len(result.rules) or len({f.rule for f in result.findings})
    preamble = ctx.say(
        "doc.preamble", unit=unit, year=year_name(result, lang), subject=subject(pack, lang), duties=duties
    )
    names, annexes = _annexes(ctx)
    return [
        Block("title", title),
        Block("para", preamble),
        *_basic(ctx, by_unit),
        *_problems(ctx, by_unit),
        *_measures(ctx),
        *_next_steps(ctx),
        Block("annexes", ctx.say("doc.annexes"), items=names),
        Block("signature", unit, items=[_signature_date(result, lang)]),
        *annexes,
    ]
