"""Keywords of several words in order (`汇报…意识形态`) and exclusions, in the pack language and in matching."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from checklist.engine.match import Matcher, category_masks, contains
from checklist.errors import PackError
from checklist.kinds import PACK_DOCUMENT
from checklist.pack import load_pack

PACK = """\
pack: city-pack
version: "1.0"
title: 某市意识形态工作清单
categories:
  report:
    label: 向上级汇报意识形态工作
    keywords: [汇报…意识形态, 报送……意识形态]
    exclude: [听取]
  meeting:
    label: 民主生活会
    keywords: [民主生活会]
    exclude: [征求意见]
"""


def _pack(tmp_path: Path, text: str = PACK, name: str = "p.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_pack(str(path))


def _matched(pack, names: list[str], as_title: bool = True) -> list[set[str]]:
    column = pa.array(names)
    masks = category_masks(pack, column, pa.array([""] * len(names)))
    by_title = category_masks(pack, pa.array(["-"] * len(names)), column)
    matcher = Matcher(pack)
    out = []
    for i, name in enumerate(names):
        got = {cid for cid, m in masks.items() if m[i]}
        # the one-record matcher agrees, and (keywords only: names are exact on the activity) the
        # same text as a title gives the same answer
        assert got == set(matcher.categories(name, None)), name
        if as_title:
            assert got == {cid for cid, m in by_title.items() if m[i]} == set(matcher.categories("-", name)), name
        out.append(got)
    return out


def test_words_in_order_with_anything_between(tmp_path):
    pack = _pack(tmp_path)
    names = [
        "向县委汇报上半年意识形态工作",  # 汇报 … 意识形态: in order, text between
        "汇报意识形态工作",  # nothing between is fine too
        "意识形态工作汇报",  # the words in the other order: not this keyword
        "向县委宣传部报送上半年意识形态工作情况",  # 报送……意识形态 (a Chinese six-dot ellipsis) is the same gap
        "向县委汇报脱贫攻坚工作",  # only one of the words
        "党组会听取意识形态工作汇报",  # excluded by 听取 (and in the wrong order anyway)
        "听取并向县委汇报意识形态工作",  # holds the keyword, but also an exclusion
    ]
    assert _matched(pack, names) == [{"report"}, {"report"}, set(), {"report"}, set(), set(), set()]


def test_exclusion_leaves_exact_names_alone(tmp_path):
    pack = _pack(tmp_path)
    got = _matched(pack, ["民主生活会", "召开领导班子民主生活会", "民主生活会会前征求意见座谈会"])
    assert got == [{"meeting"}, {"meeting"}, set()]
    # An alias that holds an excluded word still matches exactly.
    with_alias = PACK.replace("    exclude: [征求意见]", "    aliases: [民主生活会征求意见]\n    exclude: [征求意见]")
    pack = _pack(tmp_path, with_alias)
    assert _matched(pack, ["民主生活会征求意见", "民主生活会征求意见座谈会"], as_title=False) == [{"meeting"}, set()]


def test_words_do_not_overlap():
    assert contains("汇报汇报", ("汇报", "汇报"))
    assert not contains("汇报", ("汇报", "汇报"))
    assert not contains("研究意识形态", ("研究意识", "意识形态"))  # 意识 would be used twice
    assert contains("研究意识形态意识形态", ("研究意识", "意识形态"))


def test_regex_characters_in_keywords_are_plain_text(tmp_path):
    text = PACK.replace("[汇报…意识形态, 报送……意识形态]", '["a.*b…(c)", "[x]|y"]')
    pack = _pack(tmp_path, text)
    names = ["a.*b and (c)", "aXXb and c", "[x]|y", "x", "y"]
    assert _matched(pack, names) == [{"report"}, set(), {"report"}, set(), set()]


def test_column_matching_of_sequences_on_many_titles_agrees(tmp_path, monkeypatch):
    from checklist.engine import match

    monkeypatch.setattr(match, "PARALLEL_ROWS", 1_000)  # the sliced two-thread path of big ledgers
    monkeypatch.setattr(match, "SLICE_ROWS", 700)
    pack = _pack(tmp_path)
    base = ["向县委汇报意识形态工作", "意识形态工作汇报", "听取汇报意识形态", "报送...意识形态"]
    base += ["民主生活会征求意见", "篮球赛"]
    titles = [f"{base[i % len(base)]}#{i}" for i in range(5_000)]
    masks = category_masks(pack, pa.array(["-"] * len(titles)), pa.array(titles))
    want_report = np.array([i % len(base) in (0, 3) for i in range(len(titles))])
    assert np.array_equal(masks["report"], want_report)
    assert not masks["meeting"].any()


def test_pathological_text_is_matched_in_linear_time(tmp_path):
    # A keyword of four words over 200k rows of 'a' with no match: a backtracking matcher would
    # take forever; ours is one RE2 pass (program-built, escaped) per keyword.
    text = PACK.replace("[汇报…意识形态, 报送……意识形态]", "[a…a…a…b]")
    pack = _pack(tmp_path, text)
    titles = pa.array(["a" * 500] * 2_000 + [f"{'a' * 499}{i}" for i in range(2_000)])
    start = time.perf_counter()
    masks = category_masks(pack, pa.array(["-"] * len(titles)), titles)
    assert time.perf_counter() - start < 5
    assert not masks["report"].any()


@pytest.mark.parametrize(
    ("keyword", "where", "fragment"),
    [
        ("'…汇报'", "7:16", "keyword '…汇报' has no word before, after or between its '…'"),
        ("'汇报…'", "7:16", "keyword '汇报…' has no word before, after or between its '…'"),
        ("'汇报……………意识形态'", "7:16", None),  # one long gap is one gap: valid
        ("'一…二…三…四…五'", "7:16", "has more than 4 words"),
        ("''", "7:16", "a keyword is empty"),
        ("'" + "字" * 61 + "'", "7:16", "at most 60 characters"),
    ],
)
def test_bad_keywords_are_located(tmp_path, keyword, where, fragment):
    text = PACK.replace("[汇报…意识形态, 报送……意识形态]", f"[{keyword}]")
    if fragment is None:
        assert _pack(tmp_path, text).categories["report"].keywords
        return
    with pytest.raises(PackError) as err:
        _pack(tmp_path, text)
    message = str(err.value)
    assert message.count("\n") == 0
    assert message.startswith(f"{tmp_path / 'p.yaml'}:{where}: categories.report.keywords[0]: ")
    assert fragment in message


def test_exclusion_errors_are_located_too(tmp_path):
    with pytest.raises(PackError) as err:
        _pack(tmp_path, PACK.replace("exclude: [听取]", "exclude: [听取, …]"))
    assert ":8:19: categories.report.exclude[1]: " in str(err.value)


def test_extending_pack_adds_keywords_and_exclusions(tmp_path):
    _pack(tmp_path, name="base.yaml")
    child = """\
pack: county-pack
version: "1.0"
title: 某县
extends: [base.yaml]
categories:
  report:
    keywords: [上报…意识形态]
    exclude: [信访]
"""
    pack = _pack(tmp_path, child, name="child.yaml")
    assert pack.categories["report"].keywords == ["汇报…意识形态", "报送……意识形态", "上报…意识形态"]
    assert pack.categories["report"].exclude == ["听取", "信访"]
    got = _matched(pack, ["上报上半年意识形态工作情况", "上报意识形态领域信访情况", "向县委汇报意识形态工作"])
    assert got == [{"report"}, set(), {"report"}]


def test_schema_describes_keywords():
    schema = PACK_DOCUMENT.model_json_schema(by_alias=True)
    category = schema["$defs"]["Category"]["properties"]
    for key in ("keywords", "exclude"):
        items = category[key]["items"]
        assert items["type"] == "string" and items["maxLength"] == 60
        assert "…" in items["description"]


# Suggestions for unmatched activities, picked by hand: (activity, what it most likely meant or None).
SUGGESTIONS = [
    ("向县委汇报上半年意识形态工作", "向上级汇报意识形态工作"),  # issue 12: was 意识形态知识学习
    ("意识形态学习会议", "意识形态知识学习"),
    ("自检", "意识形态工作自检自查"),  # a shortening of the name
    ("形势报告会", "形势政策教育"),
    ("新媒体运用学习", "新媒体培训"),
    ("民主生活会议纪要", "民主生活会"),
    ("篮球赛", None),
    ("植树", None),
    ("慰问困难党员", None),
    ("网络安全培训", None),  # shares only 网络 and 培训, which several categories use
    ("消防安全知识培训", None),  # 知识 is a generic word, not 意识形态知识学习's own
    ("党风廉政建设专题研究", None),  # holds the alias 专题研究, but is about something else
    ("组织生活会", None),  # a branch's meeting, not the leadership's 民主生活会
    ("安全生产自查", None),
    ("通报批评", None),
    ("舆情监测", None),
]


@pytest.mark.parametrize(("activity", "expected"), SUGGESTIONS, ids=[s[0] for s in SUGGESTIONS])
def test_suggestions_share_a_word_of_the_category(activity, expected):
    from checklist.engine.match import suggest

    assert suggest(load_pack("ideology-responsibility"), activity) == expected


def test_no_suggestion_from_a_word_every_category_has(tmp_path):
    from checklist.engine.match import suggest

    text = PACK.replace("民主生活会", "意识形态知识学习")  # both categories now hold 意识形态
    pack = _pack(tmp_path, text)
    assert suggest(pack, "意识形态活动") is None  # 意识形态 is no category's own word
    assert suggest(pack, "县委汇报意识形态工作") == "向上级汇报意识形态工作"  # 汇报 is
    assert suggest(pack, "意识形态知识") == "意识形态知识学习"  # 知识 is generic, but 态知 is its own


@pytest.mark.parametrize("with_null", [False, True])
def test_dictionary_encoded_titles_match_like_plain_ones(tmp_path, with_null):
    # The reader hands 活动名称 over dictionary-encoded when it is both the activity and the title.
    pack = _pack(tmp_path)
    names = ["向县委汇报意识形态工作", "篮球赛", "向县委汇报意识形态工作", "民主生活会征求意见", "召开民主生活会"]
    titles = pa.array([*names, None] if with_null else names).dictionary_encode()
    masks = category_masks(pack, pa.array(["-"] * len(titles)), titles)
    assert masks["report"].tolist()[:5] == [True, False, True, False, False]
    assert masks["meeting"].tolist()[:5] == [False, False, False, False, True]
    assert not masks["report"][5:].any()
