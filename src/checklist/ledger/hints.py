"""What the rows above the header and the sheet's name tell (DESIGN §4.1): the unit, the year of
dates written without one, and data rows that were typed above the header by mistake."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from checklist.ledger.dates import MAX_YEAR, MIN_YEAR, DateError, parse_when
from checklist.text import Message, msg

# 填报单位：县农业农村局党组 — the label alone in its cell, or the label and the name in one cell.
_UNIT_LINE = re.compile(r"^(?P<label>填报单位|单位名称|单位)\s*[:：]\s*(?P<name>.*)$")
# A name ends where the next label on the same line begins (填报日期：…, 填报人：…) or at a wide gap.
_NAME_END = re.compile(r"\s{2,}|(?:填报|日期|时间|联系|电话|制表)")
_YEAR = r"(?<!\d)(?P<y>19\d\d|20\d\d|2100)(?!\d)"
_SHEET_YEAR = re.compile(_YEAR)
_TITLE_YEARS = (re.compile(_YEAR + r"\s*年度"), re.compile(_YEAR + r"\s*年(?!\s*[\d一二三四五六七八九十]{1,2}\s*月)"))
_CN = "一二三四五六七八九十廿卅"
# 3月28日, 3月28号, 三月二十八日, 3月28日 14:30 — a day of a month, no year.
YEARLESS = re.compile(rf"^\s*(?:\d{{1,2}}|[{_CN}]{{1,3}})\s*月\s*(?:\d{{1,2}}|[{_CN}]{{1,3}})(?!\d)")


@dataclass(frozen=True)
class UnitLine:
    unit: str
    label: str
    row: int  # 1-based, as the spreadsheet shows it


@dataclass(frozen=True)
class YearHint:
    year: int
    source: Message  # where the year was found, for the `date` warning


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def unit_line(preamble: list[list[str]]) -> UnitLine | None:
    """The first 填报单位/单位名称/单位 line above the header, with the name after its colon."""
    for r, row in enumerate(preamble):
        cells = [_nfkc(c) for c in row]
        for c, cell in enumerate(cells):
            found = _UNIT_LINE.match(cell)
            if not found:
                continue
            name = found["name"] or next((x for x in cells[c + 1 :] if x and x != cell), "")
            name = _NAME_END.split(name, maxsplit=1)[0].strip()
            if name:
                return UnitLine(unit=name, label=found["label"], row=r + 1)
    return None


def sheet_year(sheet: str | None) -> YearHint | None:
    found = _SHEET_YEAR.search(_nfkc(sheet or ""))
    if found is None:
        return None
    return YearHint(int(found["y"]), msg("date.year.sheet", sheet=sheet))


def title_year(preamble: list[list[str]]) -> YearHint | None:
    """A year named by the title rows (2024年度…台账), 年度 first; a full date there is not a title year."""
    for pattern in _TITLE_YEARS:
        for r, row in enumerate(preamble):
            for cell in dict.fromkeys(_nfkc(c) for c in row):
                found = pattern.search(cell)
                if found and MIN_YEAR <= int(found["y"]) <= MAX_YEAR:
                    return YearHint(int(found["y"]), msg("date.year.title", row=r + 1))
    return None


def year_hint(sheet: str | None, preamble: list[list[str]], year: int | None) -> YearHint | None:
    """The year of dates written without one: the sheet name, else the title rows, else --year."""
    hint = sheet_year(sheet) or title_year(preamble)
    if hint is None and year is not None:
        hint = YearHint(year, msg("date.year.option"))
    return hint


def is_yearless(text: str) -> bool:
    return bool(YEARLESS.match(_nfkc(text)))


def with_year(text: str, year: int) -> str:
    """3月28日 -> 2024年3月28日 (the rest, a time for instance, kept)."""
    return f"{year}年{_nfkc(text)}"


def rows_above_header(preamble: list[list[str]]) -> list[int]:
    """Rows above the header holding a readable date and a non-empty second cell: data, not titles."""
    out = []
    for r, row in enumerate(preamble):
        if len(row) < 2 or not _nfkc(row[1]) or _nfkc(row[1]) == _nfkc(row[0]):  # a merged title fills every cell
            continue
        if any(_readable(c) for c in row):
            out.append(r + 1)
    return out


def _readable(text: str) -> bool:
    if not _nfkc(text):
        return False
    try:
        parse_when(text)
    except DateError:
        return False
    return True
