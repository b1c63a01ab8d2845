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


def _table(document: Any, block: Block) -> None:
    table = document.add_table(rows=1, cols=len(block.headers))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, block.headers, strict=True):
        cell.text = header
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in block.rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = safe_text(value)


def _add(document: Any, block: Block) -> None:
    if block.kind == "heading":
        document.add_heading(safe_text(block.text), level=block.level - 1 if block.level > 1 else 0)
    elif block.kind == "quote":
        document.add_paragraph(safe_text(block.text), style="Intense Quote")
    elif block.kind == "para":
        document.add_paragraph(safe_text(block.text))
    elif block.kind == "table":
        _table(document, block)
    else:
        style = "List Number" if block.kind == "numbered" else "List Bullet"
        for item in block.items:
            document.add_paragraph(safe_text(item), style=style)


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
