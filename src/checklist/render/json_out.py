"""`--format json`: the DESIGN §6 result object, exactly."""

from __future__ import annotations

from checklist.render import RenderOptions, register
from checklist.result import Result


@register("json")
def render_json(result: Result, options: RenderOptions) -> str:
    return result.to_json() + "\n"
