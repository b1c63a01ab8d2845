"""`--format docx`: the self-inspection report (自查报告) draft as a Word/WPS document."""

from __future__ import annotations

import io
from typing import Any

from checklist.render import RenderOptions, register
from checklist.render.common import safe_text
from checklist.render.report import Block, build_report
from checklist.result import Result

FONT = "宋体"


def _east_asian_font(document: Any) -> None:
    """Word picks a Western font for CJK text unless told; WPS and Word both honour eastAsia."""
    from docx.oxml.ns import qn

    style = document.styles["Normal"]
    style.font.name = FONT
    fonts = style.element.rPr.rFonts if style.element.rPr is not None else None
    if fonts is None:
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), FONT)


PAGE_WIDTH_CM = 16.0
MIN_WIDTH_CM = 2.0
BLANK_WIDTH = 16  # columns left for people to fill in (整改措施, 责任人) get room to write


def _text_width(text: str) -> int:
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def _column_widths(block: Block) -> list[float]:
    """Share the page by how much each column says (capped, so one long cell cannot take it all)."""
    need = [max([_text_width(h), *(_text_width(str(r[i])) for r in block.rows)]) for i, h in enumerate(block.headers)]
    need = [min(max(n, 4), 60) for n in need]
    for i in range(len(need)):
        if block.rows and all(str(r[i]).startswith("(") and str(r[i]).endswith(")") for r in block.rows):
            need[i] = max(need[i], BLANK_WIDTH)
    total = sum(need)
    widths = [max(MIN_WIDTH_CM, PAGE_WIDTH_CM * n / total) for n in need]
    scale = PAGE_WIDTH_CM / sum(widths)
    return [w * scale for w in widths]


def _table(document: Any, block: Block) -> None:
    from docx.shared import Cm

    table = document.add_table(rows=1, cols=len(block.headers))
    table.style = "Table Grid"
    table.autofit = False
    for cell, header in zip(table.rows[0].cells, block.headers, strict=True):
        cell.text = header
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in block.rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = safe_text(value)
    for column, width in zip(table.columns, _column_widths(block), strict=True):
        column.width = Cm(width)  # the table grid, which WPS and LibreOffice follow
        for cell in column.cells:
            cell.width = Cm(width)  # the cells, which Word follows


def _add(document: Any, block: Block) -> None:
    if block.kind == "heading":
        document.add_heading(safe_text(block.text), level=block.level - 1 if block.level > 1 else 0)
    elif block.kind == "quote":
        document.add_paragraph(safe_text(block.text), style="Intense Quote")
    elif block.kind == "para":
        document.add_paragraph(safe_text(block.text))
    elif block.kind == "table":
        _table(document, block)
    elif block.kind == "numbered":  # numbered by hand: Word's list numbering would run on across units
        for n, item in enumerate(block.items, start=1):
            document.add_paragraph(f"{n}. {safe_text(item)}")
    else:
        for item in block.items:
            document.add_paragraph(safe_text(item), style="List Bullet")


@register("docx")
def render_docx(result: Result, options: RenderOptions) -> bytes:
    import docx

    document = docx.Document()
    _east_asian_font(document)
    for block in build_report(result, options.lang):
        _add(document, block)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
