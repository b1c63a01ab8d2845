"""A warning about the input or the evaluation that cites the rows it concerns (DESIGN §6 `warnings`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Notice(BaseModel):
    """`{"kind": "duplicate", "rows": [8, 9], "message": "…"}` — kinds are short stable words."""

    model_config = ConfigDict(frozen=True)

    kind: str
    rows: list[int]
    message: str
