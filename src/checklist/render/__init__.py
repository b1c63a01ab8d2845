"""Renderers: each turns a Result into one output format; the CLI's --format choices come from here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
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


def render(result: Result, fmt: str, options: RenderOptions | None = None, *, lang: str | None = None) -> str | bytes:
    """`fmt` of `result`: text formats as str, docx and xlsx as bytes (`render_bytes` gives bytes always).
    `lang` overrides the options' language. An unknown format is a UsageError that lists the formats."""
    if fmt not in MODULES:
        from checklist.errors import UsageError
        from checklist.text import msg

        raise UsageError(msg("render.unknown_format", format=fmt, formats=formats()))
    options = options or RenderOptions(lang=lang or result.language or "zh")
    if lang is not None and lang != options.lang:
        options = replace(options, lang=lang)
    import_module(f"checklist.render.{MODULES[fmt]}")
    return RENDERERS[fmt](result, options)


def render_bytes(result: Result, fmt: str, *, lang: str | None = None, options: RenderOptions | None = None) -> bytes:
    """DESIGN §8 (revision 2): the bytes of any output format, ready to write or to send (text as UTF-8)."""
    out = render(result, fmt, options, lang=lang)
    return out if isinstance(out, bytes) else out.encode("utf-8")


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
