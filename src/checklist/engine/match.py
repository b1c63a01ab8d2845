"""Which ledger rows belong to which category: exact names on the activity, keywords on activity and title."""

from __future__ import annotations

import unicodedata

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
    title_lower: pa.Array | None = None
    title_idx: np.ndarray | None = None
    masks: dict[str, np.ndarray] = {}
    for cid, cat in pack.categories.items():
        names = _names(cid, pack)
        keywords = [norm(k) for k in cat.keywords if norm(k)]
        hit = np.array([v in names or any(k in v for k in keywords) for v in act_values], dtype=bool)
        mask = hit[act_idx] if len(act_values) else np.zeros(len(activity), dtype=bool)
        if keywords and len(title):
            if title_lower is None:
                enc = pc.dictionary_encode(title.fill_null(""))
                title_lower = pc.utf8_lower(pc.utf8_normalize(enc.dictionary, "NFKC"))
                title_idx = enc.indices.to_numpy(zero_copy_only=False)
            found = np.zeros(len(title_lower), dtype=bool)
            for keyword in keywords:
                found |= pc.match_substring(title_lower, keyword).to_numpy(zero_copy_only=False)
            assert title_idx is not None
            mask = mask | found[title_idx]
        masks[cid] = mask
    return masks


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
