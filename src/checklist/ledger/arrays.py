"""Small Arrow helpers: work on each distinct value once, since ledgers repeat units, types and dates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def as_dict(array: pa.Array | pa.ChunkedArray) -> pa.DictionaryArray:
    """Dictionary-encode (a no-op for an already encoded array); nulls become ''."""
    if isinstance(array, pa.ChunkedArray):
        if pa.types.is_dictionary(array.type):
            array = array.unify_dictionaries()
        array = array.combine_chunks()
    if pa.types.is_dictionary(array.type):
        return array
    return pc.dictionary_encode(array.fill_null(""))


def map_values(array: pa.DictionaryArray, fn: Callable[[pa.Array], pa.Array]) -> pa.DictionaryArray:
    """Apply an Arrow function to the dictionary only."""
    return pa.DictionaryArray.from_arrays(array.indices, fn(array.dictionary))


def trim(array: pa.DictionaryArray) -> pa.DictionaryArray:
    return map_values(array, pc.utf8_trim_whitespace)


def blank(array: pa.DictionaryArray) -> np.ndarray:
    """Rows whose value is empty or whitespace only."""
    empty = pc.equal(pc.utf8_trim_whitespace(array.dictionary), "").to_numpy(zero_copy_only=False)
    return empty[array.indices.to_numpy(zero_copy_only=False)] if len(empty) else np.zeros(len(array), bool)


def codes(array: pa.DictionaryArray) -> np.ndarray:
    """An integer per row, equal exactly when the values are equal (dictionaries may repeat a value)."""
    canonical = pc.dictionary_encode(array.dictionary).indices.to_numpy(zero_copy_only=False)
    return canonical[array.indices.to_numpy(zero_copy_only=False)].astype(np.int64)


def compact(array: pa.DictionaryArray) -> pa.DictionaryArray:
    """Drop dictionary values no row uses any more (after a filter) and merge repeated ones."""
    row_codes = codes(array)
    canonical = pc.dictionary_encode(array.dictionary)
    used = np.bincount(row_codes, minlength=len(canonical.dictionary)) > 0
    remap = np.cumsum(used) - 1
    return pa.DictionaryArray.from_arrays(
        pa.array(remap[row_codes].astype(np.int32)), canonical.dictionary.filter(pa.array(used))
    )


def pylist(column: pa.Array | pa.ChunkedArray, rows: np.ndarray | None = None) -> list[Any]:
    """Python values of a column (at `rows`, if given). Dictionary-encoded columns are read
    through their dictionary: pyarrow's own to_pylist() is some 25x slower on them, seconds for a
    million units."""
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if rows is not None:
        array = array.take(pa.array(rows, type=pa.int64()))
    if not pa.types.is_dictionary(array.type) or array.null_count:
        return array.to_pylist()
    values = array.dictionary.to_pylist()
    return [values[i] for i in array.indices.to_numpy(zero_copy_only=False).tolist()]


def trimmed(array: pa.Array) -> pa.Array:
    """Nulls as '' and whitespace trimmed. When trimming changed nothing (most ledgers) the column
    itself is kept and the copy dropped at once, so the table shares the reader's buffers."""
    array = array.fill_null("")  # zero-copy without nulls
    trimmed = pc.utf8_trim_whitespace(array)
    same = pc.sum(pc.binary_length(trimmed)).as_py() == pc.sum(pc.binary_length(array)).as_py()
    return array if same else trimmed
