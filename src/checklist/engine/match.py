"""Which ledger rows belong to which category: exact names on the activity, keywords on activity and title."""

from __future__ import annotations

import unicodedata
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from checklist.pack.model import Pack, keyword_parts


def norm(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").strip().casefold()


Term = tuple[str, ...]  # a keyword's words, in order (one word for a plain keyword)


def _names(cid: str, pack: Pack) -> set[str]:
    cat = pack.categories[cid]
    return {norm(cid), norm(cat.label), *(norm(a) for a in cat.aliases)} - {""}


def _terms(pack: Pack) -> dict[str, tuple[list[Term], list[Term]]]:
    """Per category: its keywords and its exclusions, as words in order."""

    def terms(words: list[str]) -> list[Term]:
        return [t for t in dict.fromkeys(keyword_parts(w) for w in words) if all(t)]

    return {cid: (terms(cat.keywords), terms(cat.exclude)) for cid, cat in pack.categories.items()}


def contains(text: str, term: Term) -> bool:
    """The words of `term` occur in `text` in order, without overlapping (leftmost first is enough)."""
    at = 0
    for word in term:
        found = text.find(word, at)
        if found < 0:
            return False
        at = found + len(word)
    return True


def _hit(text: str, keywords: list[Term], exclude: list[Term]) -> bool:
    return any(contains(text, k) for k in keywords) and not any(contains(text, e) for e in exclude)


def category_masks(pack: Pack, activity: pa.Array, title: pa.Array) -> dict[str, np.ndarray]:
    """A boolean row mask per category id (DESIGN §3: equality on the activity, keywords on both)."""
    act = pc.dictionary_encode(activity)
    act_values = [norm(v) for v in act.dictionary.to_pylist()]
    act_idx = act.indices.to_numpy(zero_copy_only=False)
    terms = _terms(pack)
    in_title = _keyword_rows(title, terms) if len(title) else {}
    masks: dict[str, np.ndarray] = {}
    for cid in pack.categories:
        names, (keywords, exclude) = _names(cid, pack), terms[cid]
        hit = np.array([v in names or _hit(v, keywords, exclude) for v in act_values], dtype=bool)
        mask = hit[act_idx] if len(act_values) else np.zeros(len(activity), dtype=bool)
        masks[cid] = mask | in_title[cid] if cid in in_title else mask
    return masks


DISTINCT_SAMPLE = 20_000
PARALLEL_ROWS = 100_000
SLICE_ROWS = 1 << 17


def _keyword_rows(title: pa.Array, terms: dict[str, tuple[list[Term], list[Term]]]) -> dict[str, np.ndarray]:
    """Rows whose title (NFKC, lower case) holds one of a category's keywords and none of its exclusions.

    Titles that repeat are matched once per distinct text; mostly distinct titles (the usual
    ledger) are matched in place, since encoding them would cost more than it saves. Keywords
    become RE2 patterns the program builds from the escaped words (`汇报…意识形态` → `汇报.*?意识形态`),
    so matching is linear in the text whatever a pack says: one pass with every keyword finds
    the titles that hold any, then one pass per category over those, and its exclusions over
    the titles it matched.
    """
    patterns = {cid: (_pattern(keywords), _pattern(exclude)) for cid, (keywords, exclude) in terms.items() if keywords}
    if not patterns:
        return {}
    anything = _pattern([k for keywords, _ in terms.values() for k in keywords])
    values, index = _distinct_titles(title)

    def find(part: pa.Array) -> dict[str, np.ndarray]:
        """{category id: indices of the texts in `part` it matches}."""
        text = pc.utf8_lower(pc.utf8_normalize(part, "NFKC"))
        holding = np.flatnonzero(_search(text, anything))
        if len(holding) * 2 > len(text):  # most texts hold a keyword (the usual ideology ledger):
            holding, subset = np.arange(len(text)), text  # copying them out would cost more than it saves
        else:
            subset = text.take(pa.array(holding))
        found = {}
        for cid, (keywords, exclude) in patterns.items():
            hit = _search(subset, keywords)
            if exclude:
                held = np.flatnonzero(hit)
                hit[held[_search(subset.take(pa.array(held)), exclude)]] = False
            found[cid] = holding[hit]
        return found

    if len(values) < PARALLEL_ROWS:
        found = find(values)
    else:  # slices, two at a time (Arrow's string kernels free the GIL); each slice's copies are
        # freed when it is done, so a million titles never exist three times over
        starts = range(0, len(values), SLICE_ROWS)
        with ThreadPoolExecutor(max_workers=2) as pool:
            parts = list(pool.map(lambda a: find(values.slice(a, SLICE_ROWS)), starts))
        found = {c: np.concatenate([part[c] + a for part, a in zip(parts, starts, strict=True)]) for c in patterns}
    out: dict[str, np.ndarray] = {}
    for cid, rows in found.items():
        mask = np.zeros(len(values), dtype=bool)
        mask[rows] = True
        out[cid] = mask if index is None else mask[index]
    return out


def _distinct_titles(title: pa.Array) -> tuple[pa.Array, np.ndarray | None]:
    """The texts to match and, when they repeat, each row's index into them (None: one text per row).

    A dictionary-encoded title (the reader encodes 活动名称 when it is both activity and title)
    is matched through its dictionary."""
    if pa.types.is_dictionary(title.type):
        if title.null_count == 0:
            return title.dictionary.fill_null(""), title.indices.to_numpy(zero_copy_only=False)
        title = title.cast(title.type.value_type)
    title = title.fill_null("")
    sample = title.slice(0, DISTINCT_SAMPLE)
    if pc.count_distinct(sample).as_py() * 2 < len(sample):
        encoded = pc.dictionary_encode(title)
        return encoded.dictionary, encoded.indices.to_numpy(zero_copy_only=False)
    return title, None


def _pattern(terms: list[Term]) -> str:
    """An RE2 pattern for "holds any of these terms" (`contains`), built only from escaped words."""
    return "(?s)" + "|".join(".*?".join(map(_literal, term)) for term in terms) if terms else ""


def _search(text: pa.Array, pattern: str) -> np.ndarray:
    return np.asarray(pc.match_substring_regex(text, pattern).to_numpy(zero_copy_only=False), dtype=bool)


def _literal(text: str) -> str:
    """A keyword as an RE2 pattern that matches exactly that text."""
    return "".join("\\" + c if c in "\\.^$|?*+()[]{}" else c for c in text)


class Matcher:
    """The same matching one record at a time (for the streaming monitor)."""

    def __init__(self, pack: Pack) -> None:
        terms = _terms(pack)
        self._rules = [(cid, _names(cid, pack), *terms[cid]) for cid in pack.categories]

    def categories(self, activity: str | None, title: str | None) -> tuple[str, ...]:
        act, text = norm(activity), norm(title)
        return tuple(
            cid
            for cid, names, keywords, exclude in self._rules
            if act in names or _hit(act, keywords, exclude) or _hit(text, keywords, exclude)
        )


# Two-character words too common in activity names to show what an activity is (a shared 工作 or
# 知识 made 消防安全知识培训 look like 意识形态知识培训); they never make a suggestion on their own.
_GENERIC = (
    "工作 情况 开展 召开 组织 举办 活动 会议 网络 知识 全体 年度 半年 上半 下半 全年 领导 干部 职工 党员 集中 专项"
)
GENERIC_WORDS = frozenset(_GENERIC.split(" "))
SUGGEST_CUTOFF = 70


def _words(text: str) -> set[str]:
    """What two texts can share: pairs of adjacent CJK characters, and whole Latin words."""
    words: set[str] = set()
    run = ""
    for ch in norm(text) + " ":
        if "\u4e00" <= ch <= "\u9fff":
            run += ch
            continue
        words.update(run[i : i + 2] for i in range(len(run) - 1))
        run = ""
    latin = "".join(c if c.isascii() and c.isalnum() else " " for c in norm(text))
    return words | {w for w in latin.split() if len(w) >= 3}


class _Suggester:
    """Each category's names, and the words that name it alone among the pack's categories."""

    def __init__(self, pack: Pack) -> None:
        self.names: dict[str, list[str]] = {}
        vocab: dict[str, set[str]] = {}
        for cid, cat in pack.categories.items():
            self.names[cid] = [n for n in (cat.label, *cat.aliases) if n]
            texts = [*self.names[cid], *(part for k in cat.keywords for part in keyword_parts(k))]
            vocab[cid] = set().union(*map(_words, texts)) - GENERIC_WORDS if texts else set()
        seen: dict[str, int] = {}
        for words in vocab.values():
            for w in words:
                seen[w] = seen.get(w, 0) + 1
        self.own = {cid: {w for w in words if seen[w] == 1} for cid, words in vocab.items()}
        self.labels = {cid: cat.label or cid for cid, cat in pack.categories.items()}

    def __call__(self, activity: str) -> str | None:
        words, text = _words(activity), norm(activity)
        scored = [
            (_closeness(text, norm(name)), cid)
            for cid, names in self.names.items()
            if self.own[cid] & words
            for name in names
        ]
        best = max(scored, default=(0.0, ""), key=lambda sc: sc[0])
        return self.labels[best[1]] if best[0] >= SUGGEST_CUTOFF else None


def _closeness(text: str, name: str) -> float:
    """How close an activity is to a category name, 0-100: an activity that is part of the name is
    a shortening of it (自检 → 自检自查: 90); otherwise the edit-distance ratio, so a long activity
    that merely contains a short name (党风廉政建设专题研究 ⊃ 专题研究) does not score as if it were it."""
    from rapidfuzz import fuzz

    if len(text) >= 2 and text in name:
        return 90.0
    return float(fuzz.ratio(text, name))


_SUGGESTERS: dict[int, tuple[Pack, _Suggester]] = {}


def suggest(pack: Pack, activity: str) -> str | None:
    """The category label an unmatched activity most likely meant, if any is close.

    Only categories that share a word of their own with the activity are considered — a word of
    their names or keywords that no other category of the pack uses, and that is not a generic
    word (GENERIC_WORDS) — so 向县委汇报上半年意识形态工作 is never sent to 意识形态知识学习 for
    sharing 意识形态, which every category has. Among those, the closest name by rapidfuzz's
    WRatio wins when it scores at least SUGGEST_CUTOFF.
    """
    cached = _SUGGESTERS.get(id(pack))
    if cached is None or cached[0] is not pack:
        cached = (pack, _Suggester(pack))
        _SUGGESTERS.clear()  # one pack at a time is the usual case; never grow without bound
        _SUGGESTERS[id(pack)] = cached
    return cached[1](activity)
