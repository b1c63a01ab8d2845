"""`--format html`: one self-contained page (no network): units × rules matrix, timelines, violations.

Charts are inline SVG and the page has no script at all, so it opens the same on an offline
intranet PC, in a mail client's preview, or printed.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape

from checklist.assess import standing
from checklist.render import RenderOptions, register
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
from checklist.render.common import (
    near_miss_text,
    percent,
    previous_scores,
    problem_text,
    rule_title,
    safe_text,
)
from checklist.render.words import STATUS, STATUS_ORDER, WORDS, input_counts, num
from checklist.result import Finding, Result
from checklist.text import joined, say
from checklist.text.periods import short_period_name

COLOURS = {
    "met": "#2e7d32",
    "gap": "#c62828",
    "late": "#d84315",
    "exceeded": "#ad1457",
    "due": "#f9a825",
    "waived": "#1565c0",
}
TEXT = {
    "zh": {
        "title": "台账核查结果",
        "matrix": "单位 × 职责",
        "timeline": "各职责各期情况",
        "violations": "未达标事项",
        "scores": "单位得分",
        "legend": "图例",
        "periods": "期",
        "none": "无",
    },
    "en": {
        "title": "Ledger check",
        "matrix": "Units × duties",
        "timeline": "Every period of every duty",
        "violations": "Violations",
        "scores": "Scores",
        "legend": "Legend",
        "periods": "periods",
        "none": "none",
    },
}
CSS = """
body{font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC",sans-serif;margin:24px;color:#222}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ccc}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:4px 6px;text-align:left}
th{background:#f3f6fa}.cell{color:#fff;text-align:center;font-weight:bold}.muted{color:#777}
.legend span{display:inline-block;padding:2px 8px;margin-right:6px;color:#fff;border-radius:3px}
.meta{color:#555;font-size:13px}svg text{font-size:12px}
@media print{@page{size:A4 landscape;margin:12mm}body{margin:0;font-size:11pt}h2{break-after:avoid}
tr,svg{break-inside:avoid}.cell,.legend span{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""


def _t(value: object) -> str:
    """Escape for HTML; ledger text also loses any leading formula character's power when copied out."""
    return escape(safe_text(value))


def _period_status(f: Finding, lang: str) -> str:
    """A period's status in a tooltip: 2024-Q1：达标 / 2024-Q1: met."""
    return say("render.labelled", lang, label=f.period, text=STATUS[lang][f.status])


def _worst(findings: list[Finding]) -> str:
    return min((f.status for f in findings), key=lambda s: STATUS_ORDER[s])


def _open_periods(found: list[Finding], lang: str) -> str:
    """The periods of a cell that are not met, written out (not only on hover): they print, and a clerk sees
    which quarter is missing without pointing at anything."""
    shown = [f for f in found if f.status != "met"]
    if not shown or len(found) == 1:
        return ""
    words = joined((f"{short_period_name(f.period, lang)}{STATUS[lang][f.status]}" for f in shown), lang, limit=4)
    return f"<br><small class='periods'>{escape(words)}</small>"


def _matrix(result: Result, lang: str, by_pair: dict[tuple[str, str], list[Finding]], units: list) -> str:
    rules = [r["id"] for r in result.rules if any((u.unit, r["id"]) in by_pair for u in units)]
    previous = previous_scores(result)
    head = "".join(f"<th title='{escape(r)}'>{escape(rule_title(result, r, lang))}</th>" for r in rules)
    rows = []
    for u in units:
        cells = []
        for r in rules:
            found = by_pair.get((u.unit, r))
            if not found:
                cells.append("<td class='muted'>—</td>")
                continue
            duty = duty_of(u, r)
            if found[0].kind == "evidence" and duty is not None:  # a rate of records, not periods: 30/40 留档
                colour = COLOURS["met" if duty.met == duty.judged else "gap"]
                cells.append(f"<td class='cell' style='background:{colour}'>{escape(evidence_cell(duty, lang))}</td>")
                continue
            status = _worst(found)
            met = sum(f.status == "met" for f in found)
            tip = escape(say("list.clauses", lang).join(_period_status(f, lang) for f in found))
            cells.append(
                f"<td class='cell' style='background:{COLOURS[status]}' title='{tip}'>{met}/{len(found)}"
                f"{_open_periods(found, lang)}</td>"
            )
        before = f"<td>{percent(previous.get(u.unit))}</td>" if result.previous else ""
        rows.append(
            f"<tr><td>{escape(rank_text(u, lang))}</td><th>{_t(u.unit)}</th><td>{rating_text(u.rating)}</td>"
            f"<td>{percent(u.score)}</td>{before}{''.join(cells)}</tr>"
        )
    w = WORDS[lang]
    before_head = f"<th>{w['previous']}</th>" if result.previous else ""
    return (
        f"<table id='matrix'><thead><tr><th>{say('assess.rank', lang)}</th><th>{w['unit']}</th>"
        f"<th>{say('assess.rating', lang)}</th><th>{say('assess.score', lang)}</th>{before_head}{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _table(table_id: str, headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_t(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table id='{table_id}'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _standing(result: Result, lang: str) -> str:
    """The roll-up per parent body and the ranking by rating (名次), 未报送 apart: the top of the page."""
    parts = []
    if result.groups:
        parts.append(f"<h2>{say('assess.rollup', lang)}</h2>" + _table("groups", *rollup(result, lang)))
        parts.append(f"<h2>{say('assess.duties', lang)}</h2>" + _table("duties", *duty_matrix(result, lang)))
    headers, rows, unsubmitted = ranking(result, lang)
    parts.append(f"<h2>{say('assess.ranking', lang)}</h2>" + _table("ranking", headers, rows))
    if unsubmitted:
        parts.append(f"<p id='unsubmitted'>{_t(unsubmitted_line(unsubmitted, lang))}</p>")
    return "".join(parts)


def _score_chart(units: list, lang: str) -> str:
    bar_h, label_w, width = 22, 220, 420
    height = bar_h * len(units) + 10
    parts = [
        f"<svg id='scores' xmlns='http://www.w3.org/2000/svg' width='{label_w + width + 60}' height='{height}'"
        f" role='img' aria-label='{TEXT[lang]['scores']}'>"
    ]
    for i, u in enumerate(units):
        y = 5 + i * bar_h
        score = u.rating or 0.0
        colour = COLOURS["met"] if score >= 90 else COLOURS["due"] if score >= 60 else COLOURS["gap"]
        parts.append(f"<text x='{label_w - 6}' y='{y + 15}' text-anchor='end'>{_t(u.unit)}</text>")
        parts.append(
            f"<rect x='{label_w}' y='{y + 3}' width='{width * score / 100:.1f}' height='{bar_h - 6}' fill='{colour}'/>"
        )
        label = rating_text(u.rating)
        parts.append(f"<text x='{label_w + width * score / 100 + 6:.1f}' y='{y + 15}'>{label}</text>")
    return "".join(parts) + "</svg>"


def _tick(label: str) -> str:
    """The visible mark under a timeline square: the quarter, half, month or week number (Q3 -> 3)."""
    if "-" not in label:
        return label[-2:]  # a year: 24
    return str(int(label.rsplit("-", 1)[-1].lstrip("QHW")))


def _timeline(result: Result, unit: str, findings: list[Finding], lang: str) -> str:
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.kind == "frequency" and f.person is None:
            by_rule[f.rule].append(f)
    if not by_rule:
        return ""
    cell, label_w = 16, 300
    widest = max(len(v) for v in by_rule.values())
    height = 30 * len(by_rule) + 8
    parts = [
        f"<svg class='timeline' xmlns='http://www.w3.org/2000/svg' width='{label_w + widest * (cell + 3) + 10}'"
        f" height='{height}' role='img'>"
    ]
    for i, (rule, found) in enumerate(by_rule.items()):
        y = 4 + i * 30
        parts.append(f"<text x='0' y='{y + 13}'>{escape(rule_title(result, rule, lang))}</text>")
        for j, f in enumerate(found):
            parts.append(
                f"<rect x='{label_w + j * (cell + 3)}' y='{y}' width='{cell}' height='{cell}' rx='2'"
                f" fill='{COLOURS[f.status]}'><title>{escape(_period_status(f, lang))}"
                f" {num(f.count)}/{num(f.required)}</title></rect>"
                f"<text x='{label_w + j * (cell + 3) + cell / 2:.1f}' y='{y + cell + 7}' font-size='7'"
                f" text-anchor='middle'>{escape(_tick(f.period))}</text>"
            )
    return "".join(parts) + "</svg>"


def _violations(result: Result, lang: str, lookup: object = None) -> str:
    from checklist.rectify import records_text

    items = []
    for f in result.violations():
        records = records_text(f.records, lookup, lang) or "—"  # type: ignore[arg-type]
        misses = "".join(f"<li class='muted'>{_t(near_miss_text(m, lang, lookup))}</li>" for m in f.near_misses)
        items.append(
            f"<tr><td>{_t(f.unit)}</td><td>{_t(problem_text(result, f, lang))}</td>"
            f"<td>{escape(records)}</td><td><ul>{misses}</ul></td></tr>"
        )
    w = WORDS[lang]
    if not items:
        return f"<p>{TEXT[lang]['none']}</p>"
    return (
        f"<table id='violations'><tr><th>{w['unit']}</th><th>{w['detail']}</th><th>{w['records']}</th>"
        f"<th>{w['near_misses']}</th></tr>{''.join(items)}</table>"
    )


def _integrity(result: Result, lang: str) -> str:
    if not result.integrity:
        return ""
    title = say("audit.integrity_title", lang)
    rows = "".join(
        f"<tr><td>{escape(say(f'audit.kind.{n.kind}', lang))}</td><td>{_t(n.unit)}</td><td>{_t(n.text(lang))}</td>"
        f"<td>{escape(', '.join(map(str, n.rows[:30])))}</td></tr>"
        for n in result.integrity
    )
    return f"<h2>{title}</h2><table id='integrity'>{rows}</table>"


def _data_problems(result: Result, lang: str) -> str:
    w = WORDS[lang]
    rejected = "".join(f"<tr><td>{_t(r.ref or r.row)}</td><td>{_t(r.text(lang))}</td></tr>" for r in result.rejected)
    unmatched = "".join(
        f"<tr><td>{u.row}</td><td>{_t(u.activity)}</td><td>{_t(u.suggestion or '')}</td></tr>"
        for u in result.unmatched[:500]
    )
    return (
        f"<h2>{say('render.counted', lang, label=w['rejected_rows'], count=len(result.rejected))}</h2>"
        f"<table id='rejected'><tr><th>{w['row']}</th><th>{w['reason']}</th></tr>{rejected}</table>"
        f"<h2>{say('render.counted', lang, label=w['unmatched_rows'], count=len(result.unmatched))}</h2>"
        f"<table id='unmatched'><tr><th>{w['row']}</th><th>{w['activity']}</th><th>{w['suggestion']}</th></tr>"
        f"{unmatched}</table>"
    )


@register("html")
def render_html(result: Result, options: RenderOptions) -> str:
    from checklist.render.report import unit_name, year_name

    lang = options.lang
    t, w = TEXT[lang], WORDS[lang]
    heading = escape(f"{unit_name(result, lang)}{year_name(result, lang)}{t['title']}")  # 县委宣传部等3个单位2024年度…
    by_pair: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    by_unit: dict[str, list[Finding]] = defaultdict(list)
    for f in result.findings:
        by_pair[(f.unit, f.rule)].append(f)
        by_unit[f.unit].append(f)
    units = standing(result.units)
    legend = "".join(f"<span style='background:{c}'>{STATUS[lang][s]}</span>" for s, c in COLOURS.items())
    meta = (
        f"{w['window']} {result.window.from_} ~ {result.window.to} · {w['as_of']} {result.as_of} · "
        + " + ".join(f"{escape(p.id)} {escape(p.version)}" for p in result.packs)
        + f" · {w['fingerprint']} {escape(result.fingerprint)}<br>"
        + say("render.labelled", lang, label=_t(result.source), text=input_counts(result.input, lang))
    )
    timelines = "".join(f"<h3>{_t(u.unit)}</h3>{_timeline(result, u.unit, by_unit[u.unit], lang)}" for u in units)
    return (
        f"<!DOCTYPE html><html lang='{'zh-CN' if lang == 'zh' else 'en'}'><head><meta charset='utf-8'>"
        f"<title>{heading}</title><style>{CSS}</style></head><body>"
        f"<h1>{heading}</h1><p class='meta'>{meta}</p><p class='legend'>{legend}</p>"
        f"{_standing(result, lang)}"
        f"<h2>{say('assess.rating', lang)}</h2>{_score_chart(units, lang)}"
        f"<h2>{t['matrix']}</h2>{_matrix(result, lang, by_pair, units)}"
        f"<h2>{t['violations']}</h2>{_violations(result, lang, options.records)}{_integrity(result, lang)}"
        f"<h2>{t['timeline']}</h2>{timelines}"
        f"{_data_problems(result, lang)}</body></html>\n"
    )
