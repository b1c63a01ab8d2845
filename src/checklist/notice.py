"""Row-citing records of the result: warnings (DESIGN §6 `warnings`) and rejected rows (`rejected`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Notice(BaseModel):
    """`{"kind": "duplicate", "rows": [8, 9], "message": "…"}` — kinds are short stable words."""

    model_config = ConfigDict(frozen=True)

    kind: str
    rows: list[int]
    message: str


class RejectedRow(BaseModel):
    """A row that cannot be used, with its spreadsheet row number and why (DESIGN §6 `rejected`)."""

    model_config = ConfigDict(frozen=True)

    row: int
    reason: str
    # The row's unit cell, when it has one: per-unit reports (--split-by unit) show each unit its own
    # rejected rows. Not in the JSON, whose `rejected` entries the contract tests hold exactly.
    unit: str | None = Field(None, exclude=True)
