"""The default terminal output: per unit, its score and findings, violations first."""

from __future__ import annotations

from collections import Counter, defaultdict

from tabulate import tabulate

from checklist.assess import standing
from checklist.rectify import by_row
from checklist.render import RenderOptions, register
from checklist.render.assessment import (
    duty_matrix,
    duty_of,
    evidence_cell,
    ranking,
    rollup,
    unit_head,
    unsubmitted_line,
)
from checklist.render.common import finding_message, near_miss_text, percent, previous_scores, rule_title
from checklist.render.words import STATUS, STATUS_ORDER, WORDS, input_counts, notice_line, num
from checklist.result import Finding, Result
from checklist.text import printable, say
from checklist.text.periods import period_name

_COLOURS = {"gap": "31", "late": "31", "exceeded": "31", "due": "33", "met": "32", "waived": "36"}
MAX_LISTED = 20


def _labelled(label: str, text: object, lang: str) -> str:
    return say("render.labelled", lang, label=label, text=text)


def _heading(code: str, lang: str) -> str:
    return say("render.heading", lang, label=say(code, lang))


def _counted_heading(label: str, count: int, lang: str) -> str:
    return say("render.heading", lang, label=say("render.counted", lang, label=label, count=count))


def _paint(text: str, status: str, on: bool) -> str:
    return f"\x1b[{_COLOURS[status]}m{text}\x1b[0m" if on else text


def _detail(result: Result, f: Finding, lang: str, lookup: object = None) -> str:
    w = WORDS[lang]
    parts = [finding_message(result, f, lang)]
    if f.outlook:
        parts.append(f"[{w[f.outlook]}]")
    if not f.near_misses:
        return " ".join(parts)
    misses = say("list.clauses", lang).join(near_miss_text(m, lang, lookup) for m in f.near_misses[:2])
    return " ".join(parts) + say("render.aside", lang, text=_labelled(w["near_misses"], misses, lang))


def _unit_block(result: Result, unit: str, findings: list[Finding], options: RenderOptions) -> list[str]:
    lang, w = options.lang, WORDS[options.lang]
    summary = next(u for u in result.units if u.unit == unit)
    score = f"{summary.score:.1f}%" if summary.score is not None else w["no_score"]
    head = (
        f"{unit_head(summary, lang)}  {unit}  {w['score']} {score}  {w['violations']} {summary.violations}"
        f" · {w['due']} {summary.due} · {w['met']} {summary.met}"
    )
    previous = previous_scores(result)
    if unit in previous:
        head += say("render.aside_far", lang, text=f"{w['previous']} {percent(previous[unit])}")
    rows = []
    evidence = {f.rule for f in findings if f.kind == "evidence"}
    for rule in evidence:  # one line for an evidence rule: the share of records on file (30/40 留档)
        duty = duty_of(summary, rule)
        if duty is not None:
            rows.append(["", rule_title(result, rule, lang), evidence_cell(duty, lang), "", "", "", "", ""])
    for f in sorted(findings, key=lambda f: STATUS_ORDER[f.status]):
        who = f" {f.person}" if f.person else ""
        rows.append(
            [
                _paint(STATUS[lang][f.status], f.status, options.color),
                rule_title(result, f.rule, lang),
                period_name(f.period, lang) + who,  # 2024年第一季度, not the JSON's 2024-Q1
                num(f.required),
                num(f.count),
                num(f.missing) if f.missing else "",
                f.due.isoformat() if f.status in ("due", "gap") else "",
                ",".join(str(r) for r in f.records[:8]) + ("…" if len(f.records) > 8 else ""),
            ]
        )
    headers = [
        w["status"],
        w["rule"],
        w["period"],
        w["required"],
        w["count"],
        w["missing"],
        w["due_date"],
        say("word.records_row" if by_row(options.records) else "word.records_id", lang),
    ]
    table = tabulate(rows, headers=headers, disable_numparse=True)
    details = [f"  - {_detail(result, f, lang, options.records)}" for f in findings if f.status != "met"]
    return [head, table, *details, ""]


def _accounting(result: Result, lang: str) -> list[str]:
    w = WORDS[lang]
    lines = []
    if result.rejected:
        lines.append(_counted_heading(w["rejected_rows"], len(result.rejected), lang))
        lines += [
            "  " + say("render.row_line", lang, row=r.ref or r.row, reason=r.text(lang))
            for r in result.rejected[:MAX_LISTED]
        ]
        if len(result.rejected) > MAX_LISTED:
            lines.append(f"  … +{len(result.rejected) - MAX_LISTED}")
    if result.unmatched:
        counts = Counter(u.activity for u in result.unmatched)
        hints = {u.activity: u.suggestion for u in result.unmatched}
        lines.append(_counted_heading(w["unmatched_rows"], len(result.unmatched), lang))
        for activity, n in counts.most_common(MAX_LISTED):
            hint = say("render.aside_far", lang, text=_labelled(w["suggestion"], hints[activity], lang))
            lines.append(f"  {activity} ×{n}{hint if hints[activity] else ''}")
    if result.warnings:
        lines.append(_counted_heading(w["warnings"], len(result.warnings), lang))
        lines += ["  " + notice_line(n, lang) for n in result.warnings[:MAX_LISTED]]
    return lines


def _standing(result: Result, lang: str) -> list[str]:
    """The ranking by rating (名次), 未报送 apart, and the roll-up per parent body: what people look at first."""
    lines = []
    if result.groups:
        headers, rows = rollup(result, lang)
        lines += [_heading("assess.rollup", lang), tabulate(rows, headers=headers, disable_numparse=True), ""]
        headers, rows = duty_matrix(result, lang)
        lines += [_heading("assess.duties", lang), tabulate(rows, headers=headers, disable_numparse=True), ""]
    if len(result.units) > 1:
        headers, rows, unsubmitted = ranking(result, lang)
        lines += [_heading("assess.ranking", lang), tabulate(rows, headers=headers, disable_numparse=True)]
        lines += [unsubmitted_line(unsubmitted, lang)] if unsubmitted else []
        lines.append("")
    return lines


@register("table")
def render_table(result: Result, options: RenderOptions) -> str:
    lang, w = options.lang, WORDS[options.lang]
    lines = [
        f"{w['window']} {result.window.from_} ~ {result.window.to} · {w['as_of']} {result.as_of} · "
        + " + ".join(f"{p.id} {p.version}" for p in result.packs),
        _labelled(w["ledger"], result.source, lang) + " — " + input_counts(result.input, lang),
        "",
    ]
    lines += _standing(result, lang)
    by_unit: dict[str, list[Finding]] = defaultdict(list)
    for f in result.findings:
        if f.kind != "evidence" or f.is_violation:
            by_unit[f.unit].append(f)
    for summary in standing(result.units):
        lines += _unit_block(result, summary.unit, by_unit.get(summary.unit, []), options)
    lines += _accounting(result, lang)
    lines.append(_labelled(w["fingerprint"], result.fingerprint, lang))
    # Ledger text reaches a terminal here: its escape sequences are shown, never obeyed (issue 11).
    return printable("\n".join(lines), colours=True) + "\n"
