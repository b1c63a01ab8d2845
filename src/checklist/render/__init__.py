"""Renderers: each turns a Result into one output format; the CLI's --format choices come from here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from checklist.result import Result


@dataclass(frozen=True)
class RenderOptions:
    lang: str = "zh"
    color: bool = False


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


def render(result: Result, fmt: str, options: RenderOptions) -> str | bytes:
    if fmt not in MODULES:
        raise ValueError(f"no renderer '{fmt}'; formats: {', '.join(formats())}")
    import_module(f"checklist.render.{MODULES[fmt]}")
    return RENDERERS[fmt](result, options)


def formats() -> list[str]:
    return sorted(MODULES)
