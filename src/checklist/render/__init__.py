"""Renderers: each turns a Result into one output format; the CLI's --format choices come from here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from checklist.result import Result


@dataclass(frozen=True)
class RenderOptions:
    """How to render. The documents people hand in (docx, xlsx, html, markdown) read more when given:
    `pack` (the duties of the next period for 下一步打算, the report's subject), `records` (序号 ->
    (date, activity name), so references name the activity: `checklist.rectify.record_lookup`) and
    `deadline` (整改时限: a day, +N days after as_of, or None for DESIGN §10's default)."""

    lang: str = "zh"
    color: bool = False
    pack: Any = None
    records: Mapping[str, tuple[dt.date | None, str]] | None = None
    deadline: dt.date | int | None = None


Renderer = Callable[["Result", RenderOptions], str | bytes]
RENDERERS: dict[str, Renderer] = {}


def register(name: str) -> Callable[[Renderer], Renderer]:
    def add(fn: Renderer) -> Renderer:
        if name in RENDERERS:
            raise ValueError(f"renderer '{name}' registered twice")
        RENDERERS[name] = fn
        return fn

    return add


# format -> the module that registers it, imported only when asked for (a JSON run need not load
# python-docx, xlsxwriter and tabulate).
MODULES = {
    "docx": "docx",
    "html": "html",
    "json": "json_out",
    "junit": "junit",
    "markdown": "markdown",
    "table": "table",
    "xlsx": "xlsx",
}
BINARY = frozenset({"docx", "xlsx"})  # the rest are text; JSON comes as UTF-8 bytes, ready to write
EXTENSIONS = {
    "docx": ".docx",
    "html": ".html",
    "json": ".json",
    "junit": ".xml",
    "markdown": ".md",
    "table": ".txt",
    "xlsx": ".xlsx",
}


def render(result: Result, fmt: str, options: RenderOptions) -> str | bytes:
    if fmt not in MODULES:
        raise ValueError(f"no renderer '{fmt}'; formats: {', '.join(formats())}")
    import_module(f"checklist.render.{MODULES[fmt]}")
    return RENDERERS[fmt](result, options)


def formats() -> list[str]:
    return sorted(MODULES)


def render_split(
    result: Result, fmt: str, options: RenderOptions, row_units: Mapping[int | str, str] | None = None
) -> Iterator[tuple[str, str | bytes]]:
    """`--split-by unit`: (file name, report) per unit, each report holding only that unit (DESIGN §7.1)."""
    from checklist.split import file_names, split_by_unit

    parts = split_by_unit(result, row_units)
    names = file_names(list(parts))
    for unit, part in parts.items():
        yield names[unit] + EXTENSIONS[fmt], render(part, fmt, options)
