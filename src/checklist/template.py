"""A blank ledger (台账) workbook for a pack: the headers `read_ledger` recognises, a drop-down of the
pack's activity types, date cells, one example row, and a 填表说明 sheet (issue 12).

`checklist template -o 台账模板.xlsx [--rules PACK] [--year YYYY]` writes it; the workbook reads back
with `read_ledger` with no rejected row.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from checklist.kinds.evidence import EvidenceRule
from checklist.kinds.frequency import FrequencyRule
from checklist.kinds.precedence import PrecedenceRule
from checklist.kinds.response import ResponseRule
from checklist.pack.model import Condition, Pack, RuleBase
from checklist.text import joined, own_words, say

# The columns, in order: (ledger field or None for a free column, catalogue code of the header).
# The headers are the ones the reader recognises (DESIGN §4), in either language.
BASE_COLUMNS = ("id", "date", "activity", "title", "participants", "evidence", "recorded_at")
NUMERIC_COLUMNS = ("hours", "present", "expected")
DATE_FIELDS = ("date", "recorded_at")
FORM_ROWS = 300  # rows formatted, with drop-down and date checks, below the example
TITLE_ROW, UNIT_ROW, HEADER_ROW, EXAMPLE_ROW = 0, 1, 2, 3  # 0-based rows of the ledger sheet


@dataclass(frozen=True)
class Column:
    field: str | None  # a ledger field, or None for a column the pack names by its header
    header: str
    width: int


def write_template(pack: Pack, *, lang: str = "zh", year: int | None = None, today: dt.date | None = None) -> bytes:
    """The workbook as XLSX bytes. `year` names the sheet and the title (dates written without a
    year then take it); the example row is dated in `year`, else in `today`'s year."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    formats = _formats(book)
    columns = template_columns(pack, lang)
    ledger = book.add_worksheet(say("template.sheet_year", lang, year=year) if year else say("template.sheet", lang))
    notes = book.add_worksheet(say("template.notes_sheet", lang))
    types_range = _write_notes(notes, pack, lang, formats)
    _write_ledger(ledger, pack, columns, lang, formats, types_range, year, today or dt.date.today())
    ledger.activate()
    book.close()
    return buffer.getvalue()


def template_columns(pack: Pack, lang: str = "zh") -> list[Column]:
    """The base columns, then 学时/实到/应到 and any other column the pack's rules read, then 备注."""
    wanted = _fields_used(pack)
    columns = [Column(f, say(f"template.header.{f}", lang), _WIDTHS.get(f, 12)) for f in BASE_COLUMNS]
    columns += [Column(f, say(f"template.header.{f}", lang), 10) for f in NUMERIC_COLUMNS if f in wanted]
    known = {*BASE_COLUMNS, *NUMERIC_COLUMNS, "unit"}
    columns += [Column(None, name, 14) for name in sorted(wanted - known)]
    columns.append(Column(None, say("template.header.notes", lang), 20))
    return columns


_WIDTHS = {"id": 8, "date": 13, "activity": 26, "title": 40, "participants": 24, "evidence": 24, "recorded_at": 13}


def _fields_used(pack: Pack) -> set[str]:
    """Ledger fields and extra columns the pack's active rules read (sum, where, require)."""
    used: set[str] = set()
    for rule in pack.active_rules:
        used |= _condition_fields(rule)
        if isinstance(rule, FrequencyRule) and rule.sum:
            used.add(rule.sum)
        if isinstance(rule, EvidenceRule):
            used.update(rule.require)
    return used


def _condition_fields(rule: RuleBase) -> set[str]:
    fields: set[str] = set()
    for cond in rule.where:
        fields |= _one_condition(cond)
    return fields


def _one_condition(cond: Condition) -> set[str]:
    if cond.filled:
        return set(cond.filled)
    if cond.field:
        return {cond.field}
    if cond.ratio:
        return {cond.ratio.of, cond.ratio.to}
    return set()


HEAD = "#DDEBF7"  # the light blue of Excel's own table headers


def _formats(book: Any) -> dict[str, Any]:
    border = {"border": 1, "valign": "vcenter"}
    return {
        "title": book.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"}),
        "label": book.add_format({"bold": True, "align": "right", "valign": "vcenter"}),
        "fill_in": book.add_format({"bottom": 1, "valign": "vcenter"}),
        "header": book.add_format(
            {**border, "bold": True, "align": "center", "text_wrap": True, "bg_color": "#DDEBF7"}
        ),
        "cell": book.add_format({**border, "text_wrap": True}),
        "date": book.add_format({**border, "num_format": "yyyy-mm-dd", "align": "center"}),
        "number": book.add_format({**border, "align": "center"}),
        "example": book.add_format({**border, "text_wrap": True, "italic": True, "font_color": "#7F7F7F"}),
        "example_date": book.add_format(
            {**border, "num_format": "yyyy-mm-dd", "align": "center", "italic": True, "font_color": "#7F7F7F"}
        ),
        "heading": book.add_format({"bold": True, "font_size": 12}),
        "note": book.add_format({"text_wrap": True, "valign": "top"}),
        "table_head": book.add_format({**border, "bold": True, "bg_color": HEAD}),
        "table_cell": book.add_format({**border, "text_wrap": True, "valign": "top"}),
    }


def _write_ledger(
    sheet: Any,
    pack: Pack,
    columns: list[Column],
    lang: str,
    formats: dict[str, Any],
    types_range: str,
    year: int | None,
    today: dt.date,
) -> None:
    last = len(columns) - 1
    if year:
        title = say("template.title_year", lang, title=_pack_title(pack, lang), year=year)
    else:
        title = say("template.title", lang, title=_pack_title(pack, lang))
    sheet.merge_range(TITLE_ROW, 0, TITLE_ROW, last, title, formats["title"])
    sheet.set_row(TITLE_ROW, 30)
    sheet.write(UNIT_ROW, 0, say("template.unit_label", lang), formats["label"])
    sheet.merge_range(UNIT_ROW, 1, UNIT_ROW, 3, "", formats["fill_in"])
    for c, column in enumerate(columns):
        sheet.write(HEADER_ROW, c, column.header, formats["header"])
        sheet.set_column(c, c, column.width)
    sheet.set_row(HEADER_ROW, 24)
    _write_example(sheet, pack, columns, lang, formats, year or today.year)
    first, final = EXAMPLE_ROW + 1, EXAMPLE_ROW + FORM_ROWS
    for c, column in enumerate(columns):
        style = formats["date"] if column.field in DATE_FIELDS else formats["cell"]
        for r in range(first, final + 1):
            sheet.write_blank(r, c, None, style)
        if column.field == "activity":
            sheet.data_validation(EXAMPLE_ROW, c, final, c, _types_validation(types_range, lang))
        elif column.field in DATE_FIELDS:
            sheet.data_validation(EXAMPLE_ROW, c, final, c, _date_validation(lang))
        elif column.field in NUMERIC_COLUMNS:
            sheet.data_validation(EXAMPLE_ROW, c, final, c, _number_validation(lang))
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    sheet.autofilter(HEADER_ROW, 0, final, last)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(HEADER_ROW)
    sheet.set_footer(say("template.footer", lang))


def _write_example(
    sheet: Any, pack: Pack, columns: list[Column], lang: str, formats: dict[str, Any], year: int
) -> None:
    label = _example_label(pack, lang)
    day = dt.date(year, 3, 15)
    values: dict[str | None, Any] = {
        "id": say("template.example.id", lang),
        "date": day,
        "activity": label,
        "title": say("template.example.title", lang, label=label),
        "participants": say("template.example.participants", lang),
        "evidence": say("template.example.evidence", lang),
        "recorded_at": day + dt.timedelta(days=2),
        "hours": 2,
        "present": 9,
        "expected": 10,
    }
    sheet.set_row(EXAMPLE_ROW, 36)  # the example's name wraps onto two lines
    for c, column in enumerate(columns):
        value = values.get(column.field) if column.field else None
        if isinstance(value, dt.date):
            sheet.write_datetime(EXAMPLE_ROW, c, dt.datetime.combine(value, dt.time()), formats["example_date"])
        elif value is None:
            sheet.write_blank(EXAMPLE_ROW, c, None, formats["example"])
        else:
            sheet.write(EXAMPLE_ROW, c, value, formats["example"])


def _example_label(pack: Pack, lang: str) -> str:
    """The activity type of the example row: the category of the pack's first active frequency rule."""
    for rule in pack.active_rules:
        if isinstance(rule, FrequencyRule) and rule.category_ids and rule.category_ids[0] in pack.categories:
            return _label(pack, rule.category_ids[0], lang)
    return _label(pack, next(iter(pack.categories)), lang) if pack.categories else ""


def _label(pack: Pack, cid: str, lang: str) -> str:
    """A category's name as a clerk writes it in this template: the label (it matches exactly)."""
    cat = pack.categories[cid]
    return cat.label or cid


def _pack_title(pack: Pack, lang: str) -> str:
    return own_words(pack, lang)


def _words(kind: str, lang: str, parts: tuple[str, ...]) -> dict[str, str]:
    """A validation's prompt and error words, cut to Excel's limits (title 32, message 255 characters)."""
    words = {}
    for part in parts:
        words[f"{part}_title"] = say(f"template.{kind}.{part}_title", lang)[:32]
        words[f"{part}_message"] = say(f"template.{kind}.{part}_message", lang)[:255]
    return words


def _types_validation(types_range: str, lang: str) -> dict[str, Any]:
    return {
        "validate": "list",
        "source": types_range,
        "error_type": "warning",  # other activities may be written: they are reported as unmatched
        **_words("types", lang, ("input", "error")),
    }


def _date_validation(lang: str) -> dict[str, Any]:
    return {
        "validate": "date",
        "criteria": "between",
        "minimum": dt.date(1900, 1, 1),
        "maximum": dt.date(2100, 12, 31),
        "error_type": "warning",
        **_words("date", lang, ("input", "error")),
    }


def _number_validation(lang: str) -> dict[str, Any]:
    return {
        "validate": "decimal",
        "criteria": ">=",
        "value": 0,
        "error_type": "warning",
        **_words("number", lang, ("error",)),
    }


def _write_notes(sheet: Any, pack: Pack, lang: str, formats: dict[str, Any]) -> str:
    """The 填表说明 sheet; returns the range of the activity-type names for the drop-down."""
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 1, 34)
    sheet.set_column(2, 2, 50)
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.write(0, 0, say("template.notes_title", lang, title=_pack_title(pack, lang)), formats["heading"])
    row = 2
    for n in range(1, NOTES + 1):
        sheet.merge_range(row, 0, row, 2, say(f"template.note.{n}", lang, pack=pack.id), formats["note"])
        sheet.set_row(row, 32)
        row += 1
    row += 1
    sheet.write(row, 0, say("template.types.heading", lang), formats["heading"])
    row += 1
    for c, code in enumerate(("template.types.name", "template.types.aliases", "template.types.duties")):
        sheet.write(row, c, say(code, lang), formats["table_head"])
    first = row + 1
    duties = _duties(pack, lang)
    for cid, cat in pack.categories.items():
        row += 1
        aliases = joined(cat.aliases, lang, limit=None)
        duty = "\n".join(duties.get(cid, []))
        sheet.write(row, 0, _label(pack, cid, lang), formats["table_cell"])
        sheet.write(row, 1, aliases, formats["table_cell"])
        sheet.write(row, 2, duty, formats["table_cell"])
        sheet.set_row(row, 15 * max(_lines(aliases, 30), _lines(duty, 50)))
    name = sheet.get_name()
    return f"='{name}'!$A${first + 1}:$A${max(row, first) + 1}"


NOTES = 9


def _lines(text: str, width: int) -> int:
    """Lines a wrapped cell of `width` (in Excel's character units) needs: a Chinese character is two."""
    return sum(max(1, -(-sum(2 if ord(ch) > 0x2E80 else 1 for ch in line) // width)) for line in text.split("\n"))


def _duties(pack: Pack, lang: str) -> dict[str, list[str]]:
    """Category id -> the titles of the active rules that count it."""
    out: dict[str, list[str]] = {}
    for rule in pack.active_rules:
        if isinstance(rule, EvidenceRule):  # 一事一档 is for every activity: note 5 says so
            continue
        title = own_words(rule, lang)
        for cid in _rule_categories(rule, pack):
            out.setdefault(cid, []).append(title)
    return out


def _rule_categories(rule: RuleBase, pack: Pack) -> tuple[str, ...]:
    if isinstance(rule, ResponseRule | PrecedenceRule):
        return rule.category_ids
    ids = getattr(rule, "category_ids", ())
    return tuple(pack.categories) if "*" in ids else tuple(ids)
