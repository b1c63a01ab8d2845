"""Row-citing records of the result: warnings (DESIGN §6 `warnings`) and rejected rows (`rejected`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SerializerFunctionWrapHandler, model_serializer

from checklist.text import Message, msg

RowRef = int | str  # a spreadsheet row, or `[FILE:][SHEET!]ROW` when several sheets or files are read
PLACE = ("code", "file", "sheet", "ref")


def placed_entry(values: dict[str, Any]) -> dict[str, Any]:
    """A rejected entry as the JSON gives it: `file`, `sheet` and `ref` always (DESIGN §4.1 revision 2:
    file and sheet null when not applicable, ref the row's reference, its number alone for a single
    sheet); `code` when the row has one."""
    return {k: v for k, v in values.items() if not (k == "code" and v is None)}


class Placed(BaseModel):
    """A row entry that may say where it is (DESIGN §4.1)."""

    @model_serializer(mode="wrap")
    def _serialise(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return placed_entry(handler(self))


class Notice(BaseModel):
    """`{"kind": "duplicate", "rows": [8, 9], "message": "…"}` — kinds are short stable words.

    Notices made with `Notice.of` carry a catalogue `code` and render in either language (`text`).
    """

    model_config = ConfigDict(frozen=True)

    kind: str
    rows: list[RowRef]
    message: str
    code: str | None = None
    _said: Message | None = PrivateAttr(default=None)

    @classmethod
    def of(cls, kind: str, code: str, rows: Sequence[RowRef] | None = None, **args: Any) -> Notice:
        said = msg(code, **args)
        notice = cls(kind=kind, rows=list(rows or []), message=said.text("en"), code=code)
        notice._said = said
        return notice

    @property
    def said(self) -> Message | None:
        """The catalogue message, when the notice was made from one."""
        return self._said

    def citing(self, rows: list[RowRef]) -> Notice:
        """The same notice citing `rows` (references instead of row numbers, when several tables are read)."""
        moved = self.model_copy(update={"rows": rows})
        moved._said = self._said
        return moved

    def text(self, lang: str = "zh") -> str:
        """The message in `lang` (notices without a catalogue code keep their one text)."""
        return self.message if self._said is None else self._said.text(lang)


class RejectedRow(Placed):
    """A row that cannot be used, with its spreadsheet row number and why (DESIGN §6 `rejected`).

    `file`, `sheet` and `ref` (DESIGN §4.1) say where the row is: file and sheet when several are
    read (else None), ref always once the ledger is read (`城关镇.xlsx:二季度!7`, or the row number)."""

    model_config = ConfigDict(frozen=True)

    row: int
    reason: str
    # The row's unit cell, when it has one: per-unit reports (--split-by unit) show each unit its own
    # rejected rows. Not in the JSON, whose `rejected` entries the contract tests hold exactly.
    unit: str | None = Field(None, exclude=True)
    code: str | None = None
    file: str | None = None
    sheet: str | None = None
    ref: RowRef | None = None
    _said: Message | None = PrivateAttr(default=None)

    @classmethod
    def of(cls, row: int, code: str, *, unit_cell: str | None = None, **args: Any) -> RejectedRow:
        said = msg(code, **args)
        rejected = cls(row=row, reason=said.text("en"), code=code, unit=unit_cell)
        rejected._said = said
        return rejected

    def placed(self, file: str | None, sheet: str | None, ref: RowRef) -> RejectedRow:
        """The same row, told where it is (its file and sheet, and its reference)."""
        moved = self.model_copy(update={"file": file, "sheet": sheet, "ref": ref})
        moved._said = self._said
        return moved

    def text(self, lang: str = "zh") -> str:
        return self.reason if self._said is None else self._said.text(lang)
