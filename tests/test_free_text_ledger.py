"""A clerk's ledger whose only activity column is 活动名称, in free text (issue 12): the right verdicts."""

from __future__ import annotations

import datetime as dt

from checklist import evaluate, load_pack, read_ledger

# A year of one office's work as its clerk writes it (GBK CSV, a 填报单位 line, mixed date forms),
# each row's duty worked out from the seed's wording: every frequency duty of the pack is met,
# once each, except topical-study and self-inspection which need two; 3 rows are no duty at all.
ROWS = [
    ("2024-02-20", "召开党组会专题研究意识形态工作"),  # topical_study 1
    ("2024/7/15", "党组会议专题研究部署下半年意识形态工作"),  # topical_study 2
    ("2024年3月10日", "理论学习中心组第一次集中学习"),  # knowledge_study Q1
    ("2024-05-12", "理论学习中心组第二次集中学习"),  # Q2
    ("2024-08-20", "理论学习中心组第三次集中学习"),  # Q3
    ("2024-11-05", "中心组学习（第四季度）"),  # Q4
    ("2024-06-18", "向县委宣传部报送上半年意识形态工作情况"),  # report_to_superior H1
    ("2024-12-10", "向县委汇报全年意识形态工作"),  # report_to_superior H2
    ("2024-06-25", "开展意识形态工作自检自查"),  # self_inspection 1
    ("2024-11-20", "意识形态工作责任制落实情况自查"),  # self_inspection 2
    ("2024-12-20", "在全体党员大会上通报意识形态领域情况"),  # party_briefing, inside 12-01..12-31
    ("2024-09-10", "开展形势政策教育"),  # situation_policy_education
    ("2024-12-26", "召开2024年度领导班子民主生活会"),  # democratic_life_meeting
    ("2024-10-15", "举办新媒体运用能力提升培训班"),  # new_media_training
    ("2024-04-01", "植树"),
    ("2024-05-20", "篮球赛"),
    ("2024-07-01", "慰问困难党员"),
]
FREQUENCY_RULES = {
    "topical-study",
    "situation-policy-education",
    "knowledge-study",
    "self-inspection",
    "report-to-superior",
    "year-end-briefing",
    "democratic-life-meeting",
    "new-media-training",
}


def test_free_text_names_give_the_right_verdicts(tmp_path):
    path = tmp_path / "农业农村局台账.csv"
    lines = ["填报单位：县农业农村局党组", "日期,活动名称", *(f"{d},{name}" for d, name in ROWS)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    result = evaluate(load_pack("ideology-responsibility"), read_ledger(path), as_of=dt.date(2024, 12, 31))
    counts = result.input.model_dump()
    assert (counts["rows"], counts["matched"], counts["unmatched"], counts["rejected"]) == (17, 14, 3, 0)
    assert [(u.activity, u.suggestion) for u in result.unmatched] == [
        ("植树", None),
        ("篮球赛", None),
        ("慰问困难党员", None),
    ]
    statuses = {(f.rule, f.period): f.status for f in result.findings if f.rule in FREQUENCY_RULES}
    assert set(statuses.values()) == {"met"}
    # every period of every frequency duty is there: 4 quarters, 2 halves, the year for the rest
    assert len(statuses) == 4 + 2 + 6
    assert {f.unit for f in result.findings} == {"县农业农村局党组"}
