"""`--format json`: the DESIGN §6 result object, exactly."""

from __future__ import annotations

from checklist.render import RenderOptions, register
from checklist.result import Result


@register("json")
def render_json(result: Result, options: RenderOptions) -> bytes:
    """UTF-8 bytes: a big result is written as it was serialised, not decoded and encoded again."""
    return result.to_json_bytes() + b"\n"
