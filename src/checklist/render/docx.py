"""`--format docx`: the self-inspection report (自查报告) draft in 公文 layout (render/gongwen.py)."""

from __future__ import annotations

from checklist.render import RenderOptions, register
from checklist.render.common import safe_text
from checklist.render.gongwen import Gongwen
from checklist.render.report import Block, build_report
from checklist.result import Result


def _add(doc: Gongwen, block: Block) -> None:
    text = safe_text(block.text)
    if block.kind == "title":
        doc.title(text)
    elif block.kind == "h1":
        doc.heading1(text)
    elif block.kind == "h2":
        doc.heading2(text)
    elif block.kind == "para":
        doc.para(text)
    elif block.kind == "annexes":
        doc.annex_list(text, [safe_text(n) for n in block.items])
    elif block.kind == "signature":
        doc.signature(text, block.items[0])
    elif block.kind == "annex":
        doc.annex(text, safe_text(block.items[0]))
    elif block.kind == "table":
        rows = [[safe_text(c) for c in row] for row in block.rows]
        doc.table(block.headers, rows, block.keep)
    else:
        raise ValueError(f"unknown block {block.kind!r}")


@register("docx")
def render_docx(result: Result, options: RenderOptions) -> bytes:
    doc = Gongwen(options.lang)
    blocks = build_report(result, options.lang, pack=options.pack, records=options.records, deadline=options.deadline)
    for block in blocks:
        _add(doc, block)
    return doc.to_bytes()
