"""Which ledger rows belong to which category: exact names on the activity, keywords on activity and title."""

from __future__ import annotations

import unicodedata
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from checklist.pack.model import Pack


def norm(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").strip().casefold()


def _names(cid: str, pack: Pack) -> set[str]:
    cat = pack.categories[cid]
    return {norm(cid), norm(cat.label), *(norm(a) for a in cat.aliases)} - {""}


def category_masks(pack: Pack, activity: pa.Array, title: pa.Array) -> dict[str, np.ndarray]:
    """A boolean row mask per category id (DESIGN §3: equality on the activity, keywords on both)."""
    act = pc.dictionary_encode(activity)
    act_values = [norm(v) for v in act.dictionary.to_pylist()]
    act_idx = act.indices.to_numpy(zero_copy_only=False)
    keywords = {
        cid: [k for k in dict.fromkeys(norm(k) for k in cat.keywords) if k] for cid, cat in pack.categories.items()
    }
    in_title = _keyword_rows(title, keywords) if len(title) else {}
    masks: dict[str, np.ndarray] = {}
    for cid in pack.categories:
        names, words = _names(cid, pack), keywords[cid]
        hit = np.array([v in names or any(k in v for k in words) for v in act_values], dtype=bool)
        mask = hit[act_idx] if len(act_values) else np.zeros(len(activity), dtype=bool)
        masks[cid] = mask | in_title[cid] if cid in in_title else mask
    return masks


DISTINCT_SAMPLE = 20_000
PARALLEL_ROWS = 100_000
SLICE_ROWS = 1 << 17


def _keyword_rows(title: pa.Array, keywords: dict[str, list[str]]) -> dict[str, np.ndarray]:
    """Rows whose title (NFKC, lower case) contains one of a category's keywords.

    Titles that repeat are matched once per distinct text; mostly distinct titles (the usual
    ledger) are matched in place, since encoding them would cost more than it saves. One pass
    with all keywords finds the titles holding any; each keyword is then looked for in those only.
    """
    words = sorted({k for ks in keywords.values() for k in ks})
    if not words:
        return {}
    title = title.fill_null("")
    sample = title.slice(0, DISTINCT_SAMPLE)
    index: np.ndarray | None = None
    values = title
    if pc.count_distinct(sample).as_py() * 2 < len(sample):
        encoded = pc.dictionary_encode(title)
        values, index = encoded.dictionary, encoded.indices.to_numpy(zero_copy_only=False)
    pattern = "|".join(map(_literal, words))

    def find(part: pa.Array) -> dict[str, np.ndarray]:
        """{keyword: indices of the texts in `part` that contain it}."""
        text = pc.utf8_lower(pc.utf8_normalize(part, "NFKC"))
        holding = np.flatnonzero(pc.match_substring_regex(text, pattern).to_numpy(zero_copy_only=False))
        subset = text.take(pa.array(holding))
        return {k: holding[pc.match_substring(subset, k).to_numpy(zero_copy_only=False)] for k in words}

    if len(values) < PARALLEL_ROWS:
        found = find(values)
    else:  # slices, two at a time (Arrow's string kernels free the GIL); each slice's copies are
        # freed when it is done, so a million titles never exist three times over
        starts = range(0, len(values), SLICE_ROWS)
        with ThreadPoolExecutor(max_workers=2) as pool:
            parts = list(pool.map(lambda a: find(values.slice(a, SLICE_ROWS)), starts))
        found = {k: np.concatenate([part[k] + a for part, a in zip(parts, starts, strict=True)]) for k in words}
    out: dict[str, np.ndarray] = {}
    for cid, ks in keywords.items():
        if ks:
            mask = np.zeros(len(values), dtype=bool)
            for k in ks:
                mask[found[k]] = True
            out[cid] = mask if index is None else mask[index]
    return out


def _literal(text: str) -> str:
    """A keyword as an RE2 pattern that matches exactly that text."""
    return "".join("\\" + c if c in "\\.^$|?*+()[]{}" else c for c in text)


class Matcher:
    """The same matching one record at a time (for the streaming monitor)."""

    def __init__(self, pack: Pack) -> None:
        self._rules = [
            (cid, _names(cid, pack), [norm(k) for k in cat.keywords if norm(k)]) for cid, cat in pack.categories.items()
        ]

    def categories(self, activity: str | None, title: str | None) -> tuple[str, ...]:
        act, text = norm(activity), norm(title)
        return tuple(
            cid for cid, names, keywords in self._rules if act in names or any(k in act or k in text for k in keywords)
        )


def suggest(pack: Pack, activity: str) -> str | None:
    """The category label an unmatched activity type most likely meant, if any is close."""
    from rapidfuzz import fuzz, process

    choices: dict[str, str] = {}
    for cid, cat in pack.categories.items():
        for name in (cat.label, *cat.aliases):
            if name:
                choices[name] = cat.label or cid
    best = process.extractOne(activity, list(choices), scorer=fuzz.WRatio, score_cutoff=70)
    return choices[best[0]] if best else None
