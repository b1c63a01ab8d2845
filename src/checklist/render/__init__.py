"""Renderers: each turns a Result into one output format; the CLI's --format choices come from here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from checklist.result import Result


@dataclass(frozen=True)
class RenderOptions:
    lang: str = "zh"
    color: bool = False


Renderer = Callable[[Result, RenderOptions], str | bytes]
RENDERERS: dict[str, Renderer] = {}


def register(name: str) -> Callable[[Renderer], Renderer]:
    def add(fn: Renderer) -> Renderer:
        if name in RENDERERS:
            raise ValueError(f"renderer '{name}' registered twice")
        RENDERERS[name] = fn
        return fn

    return add


def render(result: Result, fmt: str, options: RenderOptions) -> str | bytes:
    _load_all()
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"no renderer '{fmt}'; formats: {', '.join(formats())}") from None
    return renderer(result, options)


def formats() -> list[str]:
    _load_all()
    return sorted(RENDERERS)


def _load_all() -> None:
    from checklist.render import docx, html, json_out, junit, markdown, table, xlsx  # noqa: F401  (self-registering)
