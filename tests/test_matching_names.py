"""Free-text activity names (a ledger whose only column is 活动名称) land in the right categories.

The floors hold the shipped pack to the figures measured by bench/matching.py on the hand-labelled
fixtures/activity_names.csv; a keyword change that costs precision or recall fails here.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pytest

from checklist.engine.match import category_masks
from checklist.pack import load_pack

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "activity_names.csv"
# (set, precision floor, recall floor). Measured: tune 100/100, held_out 100/100, fresh 100/96.8.
FLOORS = [("tune", 0.98, 0.98), ("held_out", 0.95, 0.95), ("fresh", 0.95, 0.93)]


def _rows() -> list[dict[str, str]]:
    with FIXTURE.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _matched(names: list[str]) -> list[set[str]]:
    pack = load_pack("ideology-responsibility")
    column = pa.array(names)
    masks = category_masks(pack, column, column)  # only 活动名称: it is the activity and the title
    return [{cid for cid, m in masks.items() if m[i]} for i in range(len(names))]


def test_fixture_is_big_enough_and_labelled_with_known_categories():
    rows = _rows()
    known = set(load_pack("ideology-responsibility").categories)
    assert len(rows) >= 200
    assert sum(r["set"] == "held_out" for r in rows) >= 50
    assert len({r["活动名称"] for r in rows}) == len(rows)
    for row in rows:
        assert {c for c in row["expected"].split(";") if c} <= known, row


@pytest.mark.parametrize(("part", "precision", "recall"), FLOORS, ids=[f[0] for f in FLOORS])
def test_precision_and_recall_hold(part, precision, recall):
    rows = [r for r in _rows() if r["set"] == part]
    got = _matched([r["活动名称"] for r in rows])
    want = [{c for c in r["expected"].split(";") if c} for r in rows]
    tp = sum(len(w & g) for w, g in zip(want, got, strict=True))
    fp = sum(len(g - w) for w, g in zip(want, got, strict=True))
    fn = sum(len(w - g) for w, g in zip(want, got, strict=True))
    assert tp / (tp + fp) >= precision, [
        (r["活动名称"], g - w) for r, w, g in zip(rows, want, got, strict=True) if g - w
    ]
    assert tp / (tp + fn) >= recall, [(r["活动名称"], w - g) for r, w, g in zip(rows, want, got, strict=True) if w - g]


def test_the_issue_examples():
    # Issue 12's own names, worked out from the duties: a Party group meeting on ideology is the
    # topical study; sending the half-year account to the county's propaganda department is the
    # half-yearly report; a 中心组 session is the quarterly ideology study; hearing reports is a
    # meeting, not a report upward; a county basketball match is nothing.
    names = [
        "召开党组会专题研究意识形态工作",
        "向县委宣传部报送上半年意识形态工作情况",
        "理论学习中心组第三次集中学习",
        "向县委汇报上半年意识形态工作",
        "党组会听取意识形态工作情况汇报",
        "篮球赛",
    ]
    assert _matched(names) == [
        {"topical_study"},
        {"report_to_superior"},
        {"knowledge_study"},
        {"report_to_superior"},
        {"topical_study"},
        set(),
    ]
