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
    if block.kind == "heading":
        return ["#" * block.level + " " + cell(block.text), ""]
    if block.kind == "quote":
        return ["> " + cell(block.text), ""]
    if block.kind == "para":
        return [cell(block.text), ""]
    if block.kind == "table":
        lines = ["| " + " | ".join(block.headers) + " |", "|" + "---|" * len(block.headers)]
        return [*lines, *("| " + " | ".join(cell(c) for c in row) + " |" for row in block.rows), ""]
    marker = (lambda i: f"{i}.") if block.kind == "numbered" else (lambda i: "-")
    return [*(f"{marker(i)} {cell(item)}" for i, item in enumerate(block.items, start=1)), ""]


@register("markdown")
def render_markdown(result: Result, options: RenderOptions) -> str:
    return "\n".join(line for block in build_report(result, options.lang) for line in _block(block))
