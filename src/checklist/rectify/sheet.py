"""The 整改台账 worksheet, one shape everywhere: `plan` writes it as its workbook, `evaluate --format
xlsx` as one sheet of the report. Prints landscape on A4, one page wide, header row repeated; the
columns people fill in (整改措施, 责任人) are the wide ones; 状态 is a drop-down.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Sequence
from typing import Any

from checklist.rectify import STATUSES, Item
from checklist.text import one_line, say, xml_safe

FIELDS = [
    "item",
    "unit",
    "duty",
    "period",
    "problem",
    "severity",
    "measure",
    "owner",
    "deadline",
    "status",
    "closed_on",
    "closed_by",
    "notes",
]
# width in Excel characters (a CJK character takes two): what the column holds, wrapped
WIDTHS = [15, 12, 22, 12, 30, 6, 32, 14, 11, 8, 11, 14, 12]
WRAPPED = {"unit", "duty", "period", "problem", "measure", "owner", "closed_by", "notes"}
LEDGER_TEXT = {"unit", "duty", "problem"}  # from the ledger and pack: made inert; people's text is written as typed
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def headers(lang: str) -> list[str]:
    return [say(f"doc.col.{name}", lang) for name in FIELDS]


def _inert(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_LEADS) else text


def formats(book: Any) -> dict[str, Any]:
    base = {"font_name": "宋体", "font_size": 11, "valign": "top", "border": 1}
    return {
        "header": book.add_format(
            {**base, "bold": True, "bg_color": "#F2F2F2", "text_wrap": True, "align": "center", "valign": "vcenter"}
        ),
        "text": book.add_format(base),
        "wrap": book.add_format({**base, "text_wrap": True}),
        "date": book.add_format({**base, "num_format": "yyyy-mm-dd"}),
        "title": book.add_format({"font_name": "宋体", "font_size": 16, "bold": True, "align": "center"}),
        "late": book.add_format({"font_color": "#C00000", "bold": True}),
    }


def print_title(items: Sequence[Item], lang: str) -> str:
    """What the printed sheet is: 县教育局党组整改台账, 县教育局党组等2个单位整改台账, or 整改台账."""
    units = list(dict.fromkeys(item.unit for item in items if item.unit))
    if not units:
        return say("doc.plan.sheet", lang)
    who = units[0] if len(units) == 1 else say("doc.units.many", lang, first=units[0], n=len(units))
    return say("doc.plan.print_title", lang, who=one_line(who, limit=60))


def print_setup(sheet: Any, columns: int, title_rows: int = 1, title: str = "") -> None:
    """Landscape A4, every column on one page width, the header row on every page, page numbers;
    `title` printed at the head of every page (a page header, so no cell above the table moves)."""
    if title:
        sheet.set_header('&C&"宋体,Bold"&14' + xml_safe(title).replace("&", "&&"))
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.fit_to_pages(1, 0)  # one page wide, as many tall as it takes
    sheet.repeat_rows(title_rows - 1)
    sheet.center_horizontally()
    sheet.set_footer("&C&P / &N")


def text_width(text: str) -> int:
    """Width in Excel characters: a CJK character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def row_height(values: Sequence[object], widths: Sequence[float], wrapped: Sequence[bool], line: float = 15.0) -> float:
    """The height (pt) a row needs to show every wrapped cell whole (spreadsheets do not grow rows
    for wrapped text that a program wrote, and a cut cell prints cut)."""
    lines = 1
    for value, width, wrap in zip(values, widths, wrapped, strict=False):
        if wrap and isinstance(value, str) and value:
            usable = max(width - 1, 1)
            lines = max(lines, sum(math.ceil(max(text_width(part), 1) / usable) for part in value.split("\n")))
    return line * lines + 3


def write_sheet(book: Any, name: str, items: Sequence[Item], lang: str, fmt: dict[str, Any] | None = None) -> Any:
    """Add the 整改台账 sheet with `items` to an xlsxwriter workbook; returns the worksheet."""
    fmt = fmt or formats(book)
    sheet = book.add_worksheet(name)
    for col, (header, width) in enumerate(zip(headers(lang), WIDTHS, strict=True)):
        sheet.write_string(0, col, header, fmt["header"])
        sheet.set_column(col, col, width)
    wrapped = [name in WRAPPED for name in FIELDS]
    sheet.set_row(0, row_height(headers(lang), WIDTHS, [True] * len(FIELDS)))
    for r, item in enumerate(items, start=1):
        cells = item.cells()
        for col, (field, value) in enumerate(zip(FIELDS, cells, strict=True)):
            if field == "status" and value in STATUSES:
                value = say(f"doc.state.{STATUSES.index(value)}", lang)
            _cell(sheet, r, col, field, value, fmt)
        sheet.set_row(r, row_height(cells, WIDTHS, wrapped))
    last = max(len(items), 1)
    status_col = FIELDS.index("status")
    options = [say(f"doc.state.{i}", lang) for i in range(len(STATUSES))]
    sheet.data_validation(1, status_col, max(last, 200), status_col, {"validate": "list", "source": options})
    deadline = FIELDS.index("deadline")
    letter_deadline, letter_status = _letter(deadline), _letter(status_col)
    sheet.conditional_format(
        1,
        deadline,
        last,
        deadline,
        {
            "type": "formula",
            "criteria": f'=AND(${letter_deadline}2<>"",${letter_deadline}2<TODAY(),${letter_status}2<>"{options[-1]}")',
            "format": fmt["late"],
        },
    )
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, last, len(FIELDS) - 1)
    print_setup(sheet, len(FIELDS), title=print_title(items, lang))
    return sheet


def _letter(col: int) -> str:
    return chr(ord("A") + col)


def _cell(sheet: Any, row: int, col: int, field: str, value: object, fmt: dict[str, Any]) -> None:
    if isinstance(value, dt.date):
        sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), fmt["date"])
    elif value in (None, ""):
        sheet.write_blank(row, col, None, fmt["text"])
    else:
        text = _inert(str(value)) if field in LEDGER_TEXT else str(value)
        # always a string cell: a title such as '=HYPERLINK(…)' must stay text
        sheet.write_string(row, col, text, fmt["wrap"] if field in WRAPPED else fmt["text"])
