"""Category matching over whole columns agrees with the one-record Matcher, on real-looking titles."""

from __future__ import annotations

import random

import numpy as np
import pyarrow as pa
import pytest

from checklist.engine.match import Matcher, category_masks
from checklist.pack import load_pack

ACTIVITIES = ["意识形态学习", "党组会", "三会一课", "主题党日", "专题研究", "篮球赛", ""]
TITLES = [
    "党组会专题研究意识形态工作",
    "专题研究意识形态知识培训安排",  # two keywords that overlap: 专题研究意识形态 / 意识形态知识
    "开展形势与政策教育报告会（第{n}场）",
    "意识形态工作⾃检⾃查",  # Kangxi radical ⾃ (U+2F83): NFKC makes it 自, so 自检自查 matches
    "向县委汇报意识形态工作情况",
    "民主生活会会前征求意见",
    "新媒体运用能力提升培训",
    "舆情专报:网络负面信息处置",
    "学习贯彻党的二十届三中全会精神",
    "第{n}次支部委员会",
    "通报意识形态领域情况",
    "ＡＢＣ全角字母与数字１２３",
    "",
]


def _table(rows: int, distinct: bool, seed: int) -> tuple[pa.Array, pa.Array]:
    rng = random.Random(seed)
    activities, titles = [], []
    for n in range(rows):
        title = rng.choice(TITLES).format(n=rng.randint(1, 4))
        titles.append(f"{title} #{n}" if distinct else title)
        activities.append(rng.choice(ACTIVITIES))
    return pa.array(activities), pa.array(titles)


@pytest.mark.parametrize(
    ("rows", "distinct", "parallel_from"),
    [(300, False, None), (25_000, False, None), (25_000, True, None), (25_000, True, 1_000)],
    ids=["small", "repeating", "distinct", "distinct-on-two-threads"],
)
def test_masks_agree_with_the_record_matcher(monkeypatch, rows, distinct, parallel_from):
    from checklist.engine import match

    if parallel_from is not None:  # the sliced two-thread path, which real ledgers take from 100k rows
        monkeypatch.setattr(match, "PARALLEL_ROWS", parallel_from)
        monkeypatch.setattr(match, "SLICE_ROWS", 4_000)
    pack = load_pack("ideology-responsibility")
    activity, title = _table(rows, distinct, seed=rows)
    masks = category_masks(pack, activity, title)
    matcher = Matcher(pack)
    expected = {cid: np.zeros(rows, dtype=bool) for cid in pack.categories}
    for i, (a, t) in enumerate(zip(activity.to_pylist(), title.to_pylist(), strict=True)):
        for cid in matcher.categories(a, t):
            expected[cid][i] = True
    for cid in pack.categories:
        assert np.array_equal(masks[cid], expected[cid]), cid
    # The traps above do land: the overlapping pair counts for both, the radical form matches.
    both = title.to_pylist().index(next(t for t in title.to_pylist() if t.startswith("专题研究意识形态知识")))
    assert masks["topical_study"][both] and masks["knowledge_study"][both]
    radical = next(i for i, t in enumerate(title.to_pylist()) if t.startswith("意识形态工作⾃检"))
    assert masks["self_inspection"][radical]
