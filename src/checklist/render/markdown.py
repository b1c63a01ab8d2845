"""`--format markdown`: the self-inspection report (自查报告) draft as Markdown."""

from __future__ import annotations

from checklist.render import RenderOptions, register
from checklist.render.common import safe_text
from checklist.render.report import Block, build_report
from checklist.result import Result


def cell(value: object) -> str:
    """Inert, single-line text: a leading formula character is quoted, pipes escaped."""
    return safe_text(value).replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _block(block: Block) -> list[str]:
    if block.kind == "title":
        return ["# " + cell(block.text), ""]
    if block.kind == "h1":
        return ["## " + cell(block.text), ""]
    if block.kind == "h2":
        return ["### " + cell(block.text), ""]
    if block.kind == "annex":
        return ["## " + cell(block.text) + " " + cell(block.items[0]), ""]
    if block.kind == "annexes":
        return [cell(block.text), "", *(f"{i}. {cell(n)}" for i, n in enumerate(block.items, start=1)), ""]
    if block.kind == "signature":
        return [cell(block.text) + "  ", cell(block.items[0]), ""]
    if block.kind == "table":
        lines = ["| " + " | ".join(block.headers) + " |", "|" + "---|" * len(block.headers)]
        return [*lines, *("| " + " | ".join(cell(c) for c in row) + " |" for row in block.rows), ""]
    return [cell(block.text), ""]


@register("markdown")
def render_markdown(result: Result, options: RenderOptions) -> str:
    blocks = build_report(result, options.lang, pack=options.pack, records=options.records, deadline=options.deadline)
    return "\n".join(line for block in blocks for line in _block(block))
