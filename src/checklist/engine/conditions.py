"""Structured record conditions (`where:`) as row masks, with the reason a row fails each."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from checklist.pack.model import Condition
from checklist.text import Message, msg
from checklist.text.catalogue import CATALOGUE


def _text(table: pa.Table, name: str) -> pa.ChunkedArray:
    if name not in table.column_names:
        return pa.chunked_array([pa.nulls(table.num_rows, pa.string())])
    column = table[name]
    return column if pa.types.is_string(column.type) else pc.cast(column, pa.string())


def number_column(table: pa.Table, name: str) -> np.ndarray:
    """A column as floats (NaN where blank, missing or not a number)."""
    if name not in table.column_names:
        return np.full(table.num_rows, np.nan)
    column = table[name]
    if not pa.types.is_floating(column.type):
        text = pc.utf8_trim_whitespace(_text(table, name))
        column = pc.cast(pc.if_else(pc.equal(text, ""), None, text), pa.float64(), safe=False)
    return column.to_numpy().astype(float)


def _filled(table: pa.Table, name: str) -> np.ndarray:
    text = _text(table, name)
    return pc.fill_null(pc.greater(pc.utf8_length(text), 0), False).to_numpy()


def condition_mask(table: pa.Table, condition: Condition) -> np.ndarray:
    if condition.filled is not None:
        mask = np.ones(table.num_rows, dtype=bool)
        for name in condition.filled:
            mask &= _filled(table, name)
        return mask
    if condition.ratio is not None:
        of, to = number_column(table, condition.ratio.of), number_column(table, condition.ratio.to)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(to > 0, of / to, np.nan)
        return np.nan_to_num(ratio, nan=-1.0) >= condition.ratio.at_least - 1e-9
    assert condition.field is not None
    name = condition.field
    if condition.at_least is not None or condition.at_most is not None:
        values = number_column(table, name)
        mask = ~np.isnan(values)
        if condition.at_least is not None:
            mask &= values >= condition.at_least
        if condition.at_most is not None:
            mask &= values <= condition.at_most
        return mask
    text = pc.fill_null(_text(table, name), "")
    if condition.equals is not None:
        return pc.equal(text, condition.equals).to_numpy()
    return pc.match_substring(text, condition.contains or "").to_numpy()


def describe(condition: Condition, lang: str = "zh") -> str:
    """Why a record fails `condition`, in words a clerk recognises (`condition.*` codes)."""
    return _said(condition).text(lang)


def _said(condition: Condition) -> Message:
    if condition.filled is not None:
        return msg("condition.filled", fields=[_field(f) for f in condition.filled])
    if condition.ratio is not None:
        ratio = condition.ratio
        return msg("condition.ratio", of=_field(ratio.of), to=_field(ratio.to), at_least=f"{ratio.at_least:.3g}")
    name = _field(condition.field or "")
    if condition.at_least is not None:
        return msg("condition.at_least", field=name, value=condition.at_least)
    if condition.at_most is not None:
        return msg("condition.at_most", field=name, value=condition.at_most)
    if condition.equals is not None:
        return msg("condition.equals", field=name, value=condition.equals)
    return msg("condition.contains", field=name, value=condition.contains)


def _field(name: str) -> Message | str:
    """A ledger field as a clerk calls it (佐证材料), or in English its id; unknown fields as they are."""
    return msg(f"field.{name}") if f"field.{name}" in CATALOGUE else name


def where_mask(table: pa.Table, conditions: list[Condition]) -> tuple[np.ndarray, list[tuple[np.ndarray, Condition]]]:
    """All conditions at once, plus each condition's own mask (to say which one a near miss failed)."""
    mask = np.ones(table.num_rows, dtype=bool)
    parts = []
    for condition in conditions:
        own = condition_mask(table, condition)
        parts.append((own, condition))
        mask &= own
    return mask, parts
