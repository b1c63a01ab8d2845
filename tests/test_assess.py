"""Rating, 名次 and 未报送 (DESIGN §5.1), with every expected value worked out by hand in the comments."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from checklist.engine import evaluate
from checklist.errors import PackError
from checklist.ledger import read_ledger
from checklist.ledger.side import read_units
from checklist.pack import load_pack

HEADER = ["单位", "日期", "活动类型", "主题", "佐证材料"]

# Exactly the minimum of the shipped pack for 2024: 14 records, each with its 佐证材料.
MINIMUM = [
    ("2024-03-12", "专题研究意识形态工作", "党组会专题研究意识形态工作", "会议纪要"),
    ("2024/9/10", "专题研究意识形态工作", "党组会研究下半年意识形态工作", "会议纪要"),
    ("2024年5月8日", "形势政策教育", "形势政策宣讲报告会", "签到表、照片"),
    ("2024-02-20", "意识形态知识学习", "一季度理论学习", "学习笔记"),
    ("2024-05-14", "意识形态知识学习", "二季度理论学习", "学习笔记"),
    ("2024-08-13", "意识形态知识学习", "三季度理论学习", "学习笔记"),
    ("2024-11-12", "意识形态知识学习", "四季度理论学习", "学习笔记"),
    ("2024-06-25", "意识形态工作自检自查", "上半年意识形态工作自检自查", "自查报告"),
    ("2024-12-10", "意识形态工作自检自查", "下半年意识形态工作自检自查", "自查报告"),
    ("2024-06-28", "向上级汇报意识形态工作", "向县委汇报上半年意识形态工作", "汇报材料"),
    ("2024-12-18", "向上级汇报意识形态工作", "向县委汇报全年意识形态工作", "汇报材料"),
    ("2024-12-20", "党内通报意识形态领域情况", "党内通报全年意识形态领域情况", "通报文件"),
    ("2024-12-26", "民主生活会", "领导班子民主生活会", "会议记录"),
    ("2024-07-09", "新媒体培训", "新媒体运用能力培训", "培训课件"),
]


def _extra_study(n: int, without_evidence: int) -> list[tuple[str, str, str, str]]:
    """`n` more study sessions spread over 2024, the last `without_evidence` of them with no 佐证材料."""
    rows = []
    for i in range(n):
        day = dt.date(2024, 1, 8) + dt.timedelta(days=13 * i)
        evidence = "" if i >= n - without_evidence else "学习笔记"
        rows.append((day.isoformat(), "意识形态知识学习", f"理论学习中心组第{i + 1}次学习", evidence))
    return rows


def _ledger(tmp_path: Path, units: dict[str, list[tuple[str, str, str, str]]], name: str = "台账.csv") -> Path:
    path = tmp_path / name
    with path.open("w", encoding="gbk", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for unit, rows in units.items():
            writer.writerows([unit, *row] for row in rows)
    return path


def _evaluate(tmp_path: Path, units: dict, pack: str = "ideology-responsibility", **kwargs):
    ledger = read_ledger(_ledger(tmp_path, units))
    return evaluate(load_pack(pack), ledger, year=2024, as_of=dt.date(2024, 12, 31), **kwargs)


def _by_unit(result):
    return {u.unit: u for u in result.units}


def test_more_work_with_a_few_evidence_gaps_rates_just_below_the_minimum(tmp_path):
    result = _evaluate(
        tmp_path,
        {"县司法局党组": MINIMUM, "县财政局党组": MINIMUM + _extra_study(26, without_evidence=7)},
    )
    units = _by_unit(result)
    least, more = units["县司法局党组"], units["县财政局党组"]
    # Both meet all 12 frequency findings (8 rules). Weights: topical-study 3, situation 2, knowledge 2,
    # self-inspection 3, report 3, year-end 2, democratic-life 2, new-media 1 = 18; evidence-on-file low = 1;
    # major-incident-report has no trigger, so it judged nothing and does not count.
    # 县司法局党组: evidence 14/14 on file -> (18 + 1 × 14/14) / 19 × 100 = 100.0
    assert least.rating == 100.0
    # 县财政局党组: 14 + 26 = 40 records, 33 on file -> (18 + 1 × 33/40) / 19 × 100 = 18.825 / 19 × 100 = 99.08
    assert more.rating == 99.1
    # The score, by contrast, weighs each of the 7 evidence gaps as a missed duty: 12 / (12 + 7) = 63.2.
    assert more.score == 63.2
    assert (least.rank, more.rank) == (1, 2)
    evidence = next(d for d in more.duties if d.rule == "evidence-on-file")
    assert (evidence.met, evidence.judged) == (33, 40)
    knowledge = next(d for d in more.duties if d.rule == "knowledge-study")
    assert (knowledge.met, knowledge.judged) == (4, 4)
    assert least.submitted is None  # no units list: nobody is 未报送


def test_a_missed_duty_weighs_by_its_severity(tmp_path):
    # 县商务局党组 skips the second topical study (high, 3): compliance 0/1 on that rule; the other 7
    # frequency rules (18 − 3 = 15) are met and evidence is 13/13 (1): (0 × 3 + 15 + 1) / 19 × 100 = 84.2
    rows = [r for r in MINIMUM if r[2] != "党组会研究下半年意识形态工作"]
    result = _evaluate(tmp_path, {"县商务局党组": rows})
    unit = _by_unit(result)["县商务局党组"]
    assert unit.rating == 84.2
    # the score counts findings alike: 11 met of 12 = 91.7
    assert unit.score == 91.7


def test_equal_ratings_share_a_rank_and_the_next_rank_skips(tmp_path):
    late_briefing = [r if "党内通报" not in r[1] else ("2024-11-20", *r[1:]) for r in MINIMUM]
    result = _evaluate(
        tmp_path,
        {"县审计局党组": MINIMUM, "县统计局党组": MINIMUM, "县水利局党组": late_briefing},
    )
    units = _by_unit(result)
    # two units at 100.0 share 名次 1; the third is 3rd, not 2nd.
    # 县水利局党组's briefing is outside 12-01..12-31: year-end-briefing (medium, 2) 0/1 -> (19 - 2) / 19 = 89.5
    assert [units[u].rank for u in ("县审计局党组", "县统计局党组", "县水利局党组")] == [1, 1, 3]
    assert units["县水利局党组"].rating == 89.5


def test_a_listed_unit_without_rows_is_not_submitted_and_ranked_apart(tmp_path):
    units_csv = tmp_path / "units.csv"
    units_csv.write_text(
        "unit,type,parent,established,dissolved\n"
        "县司法局党组,office,县委,,\n县档案馆,office,县委,,\n县财政局党组,office,县委,,\n",
        encoding="utf-8",
    )
    result = _evaluate(
        tmp_path,
        {"县司法局党组": MINIMUM, "县财政局党组": MINIMUM[:7]},
        unit_list=read_units(str(units_csv)),
        group_by="parent",
    )
    units = _by_unit(result)
    archive = units["县档案馆"]
    # no rows at all: every frequency finding is a gap, so its rating is 0.0, but it is 未报送, not ranked
    assert (archive.submitted, archive.rating, archive.rank) == (False, 0.0, None)
    assert archive.input is not None and archive.input.rows == 0
    assert units["县司法局党组"].submitted is True and units["县司法局党组"].rank == 1
    # 县财政局党组 did the first 7 rows: topical-study 2/2, situation 1/1, knowledge 4/4 met; self-inspection,
    # report (H1, H2), year-end, democratic-life, new-media all gaps; evidence 7/7.
    # (3 + 2 + 2 + 1 × 7/7) / 19 × 100 = 8 / 19 = 42.1; it ranks 2nd, the unsubmitted unit not at all
    assert (units["县财政局党组"].rating, units["县财政局党组"].rank) == (42.1, 2)
    (group,) = result.groups
    assert group.unsubmitted == ["县档案馆"]
    # mean of the three ratings: (100 + 42.1 + 0) / 3 = 47.4
    assert group.rating == 47.4 and group.rank == 1
    shares = {d.rule: (d.met_units, d.units) for d in group.duties}
    assert shares["topical-study"] == (2, 3)  # 县司法局党组 and 县财政局党组 of the three judged
    assert shares["self-inspection"] == (1, 3)
    assert shares["evidence-on-file"] == (2, 2)  # 县档案馆 holds no record to check


POINTS_PACK = """\
pack: county-assessment
version: "2024"
title: 某县意识形态工作责任制考核细则
categories:
  topical_study:
    label: 专题研究意识形态工作
  knowledge_study:
    label: 意识形态知识学习
rules:
  - id: topical-study
    title: 每年专题研究意识形态工作不少于2次
    category: topical_study
    every: year
    at_least: 2
    points: 30
    deduct: 15
  - id: knowledge-study
    title: 每季度至少组织1次意识形态知识学习
    category: knowledge_study
    every: quarter
    at_least: 1
    points: 40
    deduct: 10
  - id: evidence-on-file
    kind: evidence
    title: 一事一档
    categories: ["*"]
    require: [evidence]
    points: 30
    deduct: 2
"""


def test_points_are_deducted_per_shortfall_and_never_below_zero(tmp_path):
    pack = tmp_path / "考核细则.yaml"
    pack.write_text(POINTS_PACK, encoding="utf-8")
    careless = [(f"2024-{m:02d}-15", "意识形态知识学习", "理论学习", "") for m in (1, 4, 7, 10)]
    careless += [(f"2024-{m:02d}-20", "意识形态知识学习", "理论学习", "") for m in range(1, 13)]
    careless += [
        ("2024-03-05", "专题研究意识形态工作", "专题研究", "纪要"),
        ("2024-09-05", "专题研究意识形态工作", "", "纪要"),
    ]
    result = _evaluate(
        tmp_path,
        {
            # topical-study 0 of 2: shortfall 2 -> 30 − 15 × 2 = 0; knowledge-study only Q1: 3 gaps -> 40 − 30 = 10;
            # evidence: its one record lacks 佐证材料 -> 30 − 2 = 28. 38 of 100 points -> 38.0
            "县林业局党组": [("2024-02-01", "意识形态知识学习", "理论学习", "")],
            # topical 2/2 -> 30; knowledge all four quarters -> 40; 16 records without 佐证材料:
            # 30 − 2 × 16 = −2 -> 0 (扣完为止). 70 of 100 -> 70.0 (without the floor: 68.0)
            "县交通局党组": careless,
        },
        pack=str(pack),
    )
    units = _by_unit(result)
    assert units["县林业局党组"].rating == 38.0
    assert units["县交通局党组"].rating == 70.0
    kept = {d.rule: d.kept for d in units["县交通局党组"].duties}
    assert kept == {"topical-study": 30, "knowledge-study": 40, "evidence-on-file": 0}
    assert [r["points"] for r in result.rules] == [30, 40, 30]


def test_points_on_some_rules_only_is_a_located_pack_error(tmp_path):
    pack = tmp_path / "p.yaml"
    pack.write_text(POINTS_PACK.replace("    points: 40\n    deduct: 10\n", ""), encoding="utf-8")
    with pytest.raises(PackError) as err:
        load_pack(str(pack))
    (problem,) = err.value.problems
    # the rule without points is rules[1], whose id is on line 17, column 9
    assert str(problem).startswith(f"{pack}:17:9: rules[1]: ")
    assert "knowledge-study" in problem.message and "topical-study" in problem.message


def test_deduct_without_points_is_a_located_pack_error(tmp_path):
    pack = tmp_path / "p.yaml"
    text = POINTS_PACK.replace("    points: 30\n    deduct: 15\n", "    deduct: 15\n")
    pack.write_text(text, encoding="utf-8")
    with pytest.raises(PackError) as err:
        load_pack(str(pack))
    assert any("'deduct' needs 'points'" in str(p) for p in err.value.problems)


def test_the_shipped_packs_declare_no_points():
    for pack_id in ("ideology-responsibility", "branch-routines"):
        assert all(r.points is None for r in load_pack(pack_id).rules)


def test_the_documented_assessment_pack_rates_as_the_docs_say(tmp_path):
    """docs/rule-language.md's 考核细则 example, and its worked figure."""
    text = Path(__file__).parents[1].joinpath("docs", "rule-language.md").read_text(encoding="utf-8")
    start = text.index("pack: county-assessment-2024")
    pack = tmp_path / "county-assessment-2024.yaml"
    pack.write_text(text[start : text.index("```", start)], encoding="utf-8")
    rows = [r for r in MINIMUM if r[2] != "党组会研究下半年意识形态工作"]  # one topical study missing
    rows = [(d, a, t, "" if i < 3 else e) for i, (d, a, t, e) in enumerate(rows)]  # 3 records without 佐证材料
    unit = _by_unit(_evaluate(tmp_path, {"县商务局党组": rows}, pack=str(pack)))["县商务局党组"]
    # 100 points in all; topical-study loses 8 (one missing), evidence-on-file 3 × 0.5 = 1.5: 90.5
    assert unit.rating == 90.5
