"""`--format xlsx`: the workbook clerks live in — summary, all findings, rectification list, data problems."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from collections.abc import Sequence
from typing import Any

from checklist.assess import group_standing, standing
from checklist.rectify import period_text, records_text, rectifications, rule_title, severity_name, status_name
from checklist.rectify.sheet import formats as ledger_formats
from checklist.rectify.sheet import print_setup, row_height, write_sheet
from checklist.render import RenderOptions, register
from checklist.render.common import near_miss_text, previous_scores, safe_text
from checklist.result import Result
from checklist.text import say

SHEETS = {
    "zh": ["汇总", "明细", "整改台账", "未识别", "无效行"],
    "en": ["Summary", "Findings", "Rectification", "Unmatched", "Rejected"],
}
HEADERS = {
    "zh": [
        ["单位", "类型", "上级", "得分（%）", "达标", "未达标", "待完成", "豁免"],
        [
            "单位",
            "职责",
            "期间",
            "开始",
            "结束",
            "状态",
            "要求",
            "完成",
            "缺",
            "截止",
            "人员",
            "台账记录",
            "严重程度",
            "接近但未计入",
        ],
        [],
        ["Excel行号", "活动类型", "可能是"],
        ["Excel行号", "原因"],
    ],
    "en": [
        ["unit", "type", "parent", "score (%)", "met", "violations", "due", "waived"],
        [
            "unit",
            "duty",
            "period",
            "start",
            "end",
            "status",
            "required",
            "done",
            "missing",
            "due",
            "person",
            "records",
            "severity",
            "near misses",
        ],
        [],
        ["spreadsheet row", "activity", "maybe"],
        ["spreadsheet row", "reason"],
    ],
}
PREVIOUS = {"zh": "上年得分（%）", "en": "previous year (%)"}
GROUPS = {
    "zh": ["上级汇总", "上级", "单位数", "得分（%）", "达标", "未达标", "待完成", "得分最低单位"],
    "en": ["By parent", "parent", "units", "score (%)", "met", "violations", "due", "lowest unit"],
}
MAX_WIDTH = 30  # longer text wraps inside the column (and its row grows to show it whole)


def _width(value: Any) -> int:
    text = value.isoformat() if isinstance(value, dt.date) else str(value if value is not None else "")
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class _Sheet:
    """One worksheet: a frozen, filtered header row, typed cells, widths fitted to the content."""

    def __init__(self, book: Any, name: str, headers: Sequence[str], formats: dict[str, Any]) -> None:
        self.ws = book.add_worksheet(name)
        self.formats = formats
        self.widths = [_width(h) for h in headers]
        self.rows = 0
        self.values: list[list[Any]] = []
        for col, header in enumerate(headers):
            self.ws.write_string(0, col, header, formats["header"])
        self.ws.freeze_panes(1, 0)

    def add(self, values: Sequence[Any]) -> None:
        self.rows += 1
        self.values.append(list(values))
        for col, value in enumerate(values):
            if isinstance(value, dt.date):
                self.ws.write_datetime(self.rows, col, dt.datetime.combine(value, dt.time()), self.formats["date"])
            elif isinstance(value, int | float) and not isinstance(value, bool):
                self.ws.write_number(self.rows, col, value, self.formats["number"])
            elif value is None or value == "":
                self.ws.write_blank(self.rows, col, None)
            else:
                # write_string, never write(): a ledger title like '=HYPERLINK(…)' must stay text.
                self.ws.write_string(self.rows, col, safe_text(value), self.formats["wrap"])
            self.widths[col] = max(self.widths[col], min(_width(value), MAX_WIDTH))

    def finish(self) -> None:
        self.ws.autofilter(0, 0, max(self.rows, 1), len(self.widths) - 1)
        for col, width in enumerate(self.widths):
            self.ws.set_column(col, col, width + 2)
        widths = [w + 2 for w in self.widths]
        for row, values in enumerate(self.values, start=1):
            self.ws.set_row(
                row, row_height([v if isinstance(v, str) else "" for v in values], widths, [True] * len(widths))
            )
        print_setup(self.ws, len(self.widths))


@register("xlsx")
def render_xlsx(result: Result, options: RenderOptions) -> bytes:
    import xlsxwriter

    lang = options.lang
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    formats = {
        "header": book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1, "font_name": "宋体"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd", "font_name": "宋体", "valign": "top"}),
        "number": book.add_format({"font_name": "宋体", "valign": "top"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top", "font_name": "宋体"}),
    }
    names, headers = SHEETS[lang], [list(h) for h in HEADERS[lang]]
    headers[0] = [say("assess.rank", lang), headers[0][0], say("assess.rating", lang), *headers[0][1:]]
    previous = previous_scores(result)
    if result.previous:
        headers[0].append(PREVIOUS[lang])
    summary, details = (_Sheet(book, names[i], headers[i], formats) for i in (0, 1))
    items = rectifications(result, lang, options.deadline)
    write_sheet(book, names[2], items, lang, ledger_formats(book))
    unmatched, rejected = (_Sheet(book, names[i], headers[i], formats) for i in (3, 4))
    sheets = [summary, details, unmatched, rejected]
    for u in standing(result.units):  # by 名次; 未报送 last
        extra = [previous.get(u.unit)] if result.previous else []
        rank = say("assess.unsubmitted", lang) if u.submitted is False else u.rank
        summary.add([rank, u.unit, u.rating, u.type, u.parent, u.score, u.met, u.violations, u.due, u.waived, *extra])
    if result.groups:
        duties = [r["id"] for r in result.rules]
        head = [say("assess.rank", lang), GROUPS[lang][1], say("assess.rating", lang), *GROUPS[lang][2:-1]]
        head += [say("assess.unsubmitted", lang), say("assess.lowest", lang)]
        groups = _Sheet(book, GROUPS[lang][0], head + [rule_title(result, r, lang) for r in duties], formats)
        for g in group_standing(result.groups):
            shares = {d.rule: f"{d.met_units}/{d.units}" for d in g.duties}
            row = [g.rank, g.group, g.rating, g.units, g.score, g.met, g.violations, g.due]
            groups.add([*row, "、".join(g.unsubmitted), g.lowest_rated, *(shares.get(r, "") for r in duties)])
        sheets.append(groups)
    for f in result.findings:
        misses = "; ".join(near_miss_text(m, lang, options.records) for m in f.near_misses)
        details.add(
            [
                f.unit,
                rule_title(result, f.rule, lang),
                period_text(f, lang),
                f.start,
                f.end,
                status_name(f.status, lang),
                f.required,
                f.count,
                f.missing,
                f.due,
                f.person,
                records_text(f.records, options.records, lang),
                severity_name(f.severity, lang),
                misses,
            ]
        )
    for miss in result.unmatched:
        unmatched.add([miss.row, miss.activity, miss.suggestion])
    for bad in result.rejected:
        rejected.add([bad.ref or bad.row, bad.text(lang)])
    for sheet in sheets:
        sheet.finish()
    book.close()
    return buffer.getvalue()
