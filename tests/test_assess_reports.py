"""What people see first (issue 13): ranking and roll-up on top, 汇总 by 名次, evidence as a rate."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest

from checklist.engine import evaluate
from checklist.ledger import read_ledger
from checklist.ledger.side import read_units
from checklist.pack import load_pack
from checklist.render import RenderOptions, render

COUNTY = Path(__file__).parents[1] / "fixtures" / "county"


@pytest.fixture(scope="module")
def county():
    return evaluate(
        load_pack("ideology-responsibility"),
        read_ledger(str(COUNTY / "sample_ledger.csv")),
        year=2024,
        as_of=dt.date(2024, 12, 31),
        unit_list=read_units(str(COUNTY / "units.csv")),
        group_by="parent",
    )


def test_html_opens_with_the_roll_up_and_the_ranking(county):
    page = render(county, "html", RenderOptions(lang="zh"))
    assert isinstance(page, str)
    assert page.index("id='groups'") < page.index("id='ranking'") < page.index("id='matrix'")
    # 城关镇党委 keeps 佐证材料 on 20 of its 23 matched records (序号60, 64, 76 lack it): a rate, not periods
    assert "20/23 留档" in page
    assert "未报送单位（2个）：县文联、县档案馆" in page


def test_table_shows_evidence_as_a_rate_and_ranks_before_the_units(county):
    text = render(county, "table", RenderOptions(lang="zh"))
    assert isinstance(text, str)
    assert "20/23 留档" in text
    assert text.index("考核排名") < text.index("名次 1 · 考核得分 100.0  县委宣传部")


def test_xlsx_summary_is_sorted_by_rating_with_a_rank_column(county):
    book = openpyxl.load_workbook(io.BytesIO(render(county, "xlsx", RenderOptions(lang="zh"))))
    rows = [[c.value for c in r][:3] for r in book["汇总"].iter_rows()]
    # ratings worked out in tests/test_bulletin.py: 100.0, 85.8, 56.8; the two units without rows last
    assert rows == [
        ["名次", "单位", "考核得分"],
        [1, "县委宣传部", 100],
        [2, "城关镇党委", 85.8],
        [3, "县教育局党组", 56.8],
        ["未报送", "县文联", 0],
        ["未报送", "县档案馆", 0],
    ]
    groups = [[c.value for c in r] for r in book["上级汇总"].iter_rows()]
    assert groups[0][:3] == ["名次", "上级", "考核得分"]
    # (100 + 85.8 + 56.8 + 0 + 0) / 5 = 48.5; topical-study met by 2 of the 4 units judged on it
    # (县文联, established 2024-07-01, has no year periods)
    assert groups[1][:3] == [1, "县委", 48.5]
    assert groups[1][groups[0].index("每年专题研究意识形态工作不少于2次")] == "2/4"
