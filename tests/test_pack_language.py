"""The pack language: every rule kind loads, extends/overrides merge, shipped packs hold the contract."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from checklist.cli import main
from checklist.kinds.deadline import DeadlineRule
from checklist.kinds.evidence import EvidenceRule
from checklist.kinds.frequency import FrequencyRule
from checklist.kinds.precedence import PrecedenceRule
from checklist.kinds.response import ResponseRule
from checklist.pack import load_pack, packs_dir, shipped_pack_ids
from checklist.pack.explain import explain

MINIMAL = {
    "frequency": (FrequencyRule, "category: meeting\n    every: quarter\n    at_least: 1"),
    "frequency-sum-per-person": (
        FrequencyRule,
        "category: meeting\n    every: year\n    sum: hours\n    at_least: 32\n    per: person\n    roles: [党员]",
    ),
    "frequency-window-condition": (
        FrequencyRule,
        "category: meeting\n    every: quarter\n    at_least: 1\n    window: {last_days: 10}\n"
        "    where:\n      - ratio: {of: present, to: expected, at_least: '2/3'}\n"
        "      - filled: [participants]\n      - field: hours\n        at_least: 1\n"
        "    min_interval_days: 30\n    holiday_tolerance_days: 7",
    ),
    "deadline": (DeadlineRule, "kind: deadline\n    category: meeting\n    by: 2024-06-30"),
    "response": (
        ResponseRule,
        "kind: response\n    trigger: incident\n    then: meeting\n    within_hours: 24",
    ),
    "precedence": (
        PrecedenceRule,
        "kind: precedence\n    event: meeting\n    notice: incident\n    at_least_days_before: 15",
    ),
    "evidence": (EvidenceRule, "kind: evidence\n    categories: ['*']\n    require: [evidence, title]"),
}


def _pack_text(rule_body: str) -> str:
    return (
        "pack: mini\nversion: '1.0'\ntitle: 最小示例\ncategories:\n"
        "  meeting: {label: 支部党员大会}\n  incident: {label: 重大舆情}\n"
        f"rules:\n  - id: r1\n    title: 示例\n    {rule_body}\n"
    )


@pytest.mark.parametrize(("model", "body"), list(MINIMAL.values()), ids=list(MINIMAL))
def test_each_rule_kind_loads(tmp_path, model, body):
    path = tmp_path / "mini.yaml"
    path.write_text(_pack_text(body), encoding="utf-8")
    pack = load_pack(path)
    assert isinstance(pack.rules[0], model)


def test_ratio_fraction_is_read_as_a_number(tmp_path):
    path = tmp_path / "mini.yaml"
    path.write_text(_pack_text(MINIMAL["frequency-window-condition"][1]), encoding="utf-8")
    rule = load_pack(path).rules[0]
    assert rule.where[0].ratio.at_least == pytest.approx(2 / 3)


def test_extends_merges_vocabulary_and_overrides_thresholds(tmp_path):
    (tmp_path / "city.yaml").write_text(
        "pack: city\nversion: '2.0'\ntitle: 某市清单\nextends: [ideology-responsibility]\n"
        "categories:\n  party_briefing:\n    aliases: [意识形态通报会]\n"
        "overrides:\n  year-end-briefing:\n    every: half\n    window: {by_day: 20}\n"
        "  knowledge-study: {exactly: 2}\n",
        encoding="utf-8",
    )
    pack = load_pack(tmp_path / "city.yaml")
    base = load_pack("ideology-responsibility")
    assert [r.id for r in pack.rules] == [r.id for r in base.rules]
    briefing = pack.rule("year-end-briefing")
    assert briefing.every == "half" and briefing.window.by_day == 20
    study = pack.rule("knowledge-study")
    assert (study.at_least, study.exactly) == (None, 2)
    aliases = pack.categories["party_briefing"].aliases
    assert aliases[-1] == "意识形态通报会" and "党内通报" in aliases
    assert pack.categories["party_briefing"].label == "党内通报意识形态领域情况"
    assert [s.id for s in pack.sources] == ["ideology-responsibility", "city"]


def test_diamond_extends_is_not_a_duplicate(tmp_path):
    (tmp_path / "a.yaml").write_text("pack: a\nversion: '1'\ntitle: A\nextends: [ideology-responsibility]\n")
    (tmp_path / "b.yaml").write_text("pack: b\nversion: '1'\ntitle: B\nextends: [a.yaml, ideology-responsibility]\n")
    assert len(load_pack(tmp_path / "b.yaml").rules) == 10


CONTRACT = [
    # rule id, category, every, at_least, window
    ("topical-study", "topical_study", "year", 2, None),
    ("situation-policy-education", "situation_policy_education", "year", 1, None),
    ("knowledge-study", "knowledge_study", "quarter", 1, None),
    ("self-inspection", "self_inspection", "year", 2, None),
    ("report-to-superior", "report_to_superior", "half", 1, None),
    ("year-end-briefing", "party_briefing", "year", 1, ((12, 1), (12, 31))),
    ("democratic-life-meeting", "democratic_life_meeting", "year", 1, None),
    ("new-media-training", "new_media_training", "year", 1, None),
]

CONTRACT_LABELS = {
    "topical_study": "专题研究意识形态工作",
    "situation_policy_education": "形势政策教育",
    "knowledge_study": "意识形态知识学习",
    "self_inspection": "意识形态工作自检自查",
    "report_to_superior": "向上级汇报意识形态工作",
    "party_briefing": "党内通报意识形态领域情况",
    "democratic_life_meeting": "民主生活会",
    "new_media_training": "新媒体培训",
    "major_incident": "意识形态领域重大情况",
    "incident_report": "重大情况报告",
}


def test_shipped_pack_holds_the_contract_table():
    pack = load_pack("ideology-responsibility")
    assert [r.id for r in pack.rules] == [c[0] for c in CONTRACT] + [
        "major-incident-report",
        "evidence-on-file",
    ]
    assert list(pack.categories) == list(CONTRACT_LABELS)
    assert {cid: c.label for cid, c in pack.categories.items()} == CONTRACT_LABELS
    for rule_id, category, every, at_least, window in CONTRACT:
        rule = pack.rule(rule_id)
        assert (rule.category, rule.every, rule.at_least, rule.at_most) == (category, every, at_least, None)
        assert (rule.window.month_days if rule.window else None) == window
    response = pack.rule("major-incident-report")
    assert (response.trigger, response.then, response.within_days) == ("major_incident", "incident_report", 1)
    evidence = pack.rule("evidence-on-file")
    assert (evidence.categories, evidence.require) == (["*"], ["evidence"])


# The seed lives beside the checkout (…/shared/seed), found from any worktree depth.
SEED = next(
    (
        p / "shared" / "seed" / "000_73025c6e7620558c.txt"
        for p in Path(__file__).parents
        if (p / "shared" / "seed").is_dir()
    ),
    Path("shared/seed/000_73025c6e7620558c.txt"),
)


def test_every_shipped_rule_names_its_source():
    for pack_id in shipped_pack_ids():
        for rule in load_pack(pack_id).rules:
            assert rule.ref, f"{pack_id}:{rule.id} has no ref"


def test_rules_quoting_the_seed_quote_it_verbatim():
    if not SEED.exists():
        pytest.skip(f"the seed texts are not here ({SEED}): the quotes cannot be checked")
    seed_text = SEED.read_text(encoding="utf-8")
    quoted = [(p, r) for p in shipped_pack_ids() for r in load_pack(p).rules if (r.ref or "").startswith("seed: ")]
    assert len(quoted) >= 5  # the profiles quote the seed; a test over no quote would check nothing
    for pack_id, rule in quoted:
        assert (rule.ref or "").removeprefix("seed: ") in seed_text, f"{pack_id}:{rule.id} misquotes the seed"


def test_json_schema_accepts_shipped_packs_and_rejects_a_broken_one(capsys):
    assert main(["rules", "schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    for path in sorted(packs_dir().glob("*.yaml")):
        jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema)
    broken = yaml.safe_load((packs_dir() / "ideology-responsibility.yaml").read_text(encoding="utf-8"))
    broken["rules"][2]["every"] = "quartely"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


@pytest.mark.parametrize(
    ("rule_id", "lang", "expected"),
    [
        ("knowledge-study", "zh", "每季度至少1次「意识形态知识学习」（2024年共4个季度，每季度单独核查）"),
        ("topical-study", "zh", "每年至少2次「专题研究意识形态工作」"),
        (
            "year-end-briefing",
            "zh",
            "每年至少1次「党内通报意识形态领域情况」（仅12月1日至12月31日之间的记录计入）",
        ),
        ("major-incident-report", "zh", "每次「意识形态领域重大情况」发生后1日内须有「重大情况报告」"),
        (
            "report-to-superior",
            "en",
            "“Report on ideological work to the superior committee” at least 1 time(s) every half year;"
            " 2024: 2 halves.",
        ),
    ],
)
def test_explain_is_one_plain_sentence(rule_id, lang, expected):
    pack = load_pack("ideology-responsibility")
    assert explain(pack, pack.rule(rule_id), lang, 2024) == expected


def test_cli_validate_reports_located_error_and_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    text = (packs_dir() / "ideology-responsibility.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace("every: quarter", "every: quartely"), encoding="utf-8")
    line_no = next(i for i, line in enumerate(bad.read_text().splitlines(), 1) if "quartely" in line)
    assert main(["rules", "validate", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"bad.yaml:{line_no}:" in err[0] and "quartely" in err[0]


def test_cli_validate_shipped_packs_exit_0(capsys):
    paths = [str(p) for p in sorted(packs_dir().glob("*.yaml"))]
    assert main(["rules", "validate", *paths]) == 0
    assert capsys.readouterr().out.count("通过：") == len(paths)


def test_cli_show_and_list(capsys):
    assert main(["rules", "list"]) == 0
    listing = capsys.readouterr().out
    assert "ideology-responsibility" in listing and " 1.0 " in listing
    assert main(["rules", "show", "ideology-responsibility", "--lang", "en", "--year", "2024"]) == 0
    shown = capsys.readouterr().out
    assert "[high] topical-study" in shown and "2024: 4 quarters" in shown


def test_cli_explain_unknown_rule_is_one_line(capsys):
    assert main(["rules", "explain", "ideology-responsibility", "no-such-rule"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "没有规则 'no-such-rule'" in err[0]


def test_the_reference_docs_first_example_loads(tmp_path):
    import re

    doc = (Path(__file__).parents[1] / "docs" / "rule-language.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", doc, re.S).group(1)
    (tmp_path / "city.yaml").write_text(example, encoding="utf-8")
    pack = load_pack(tmp_path / "city.yaml")
    assert pack.rule("analysis-every-quarter").window.last_days == 10
    assert pack.rule("year-end-briefing").every == "half"


def test_profiles_combine_for_a_mixed_units_list():
    from checklist.pack import load_packs

    pack = load_packs(["profile-office", "profile-school", "profile-township"])
    ids = [r.id for r in pack.rules]
    assert len(ids) == len(set(ids))
    assert {"weekly-theory-study", "weekly-flag-raising", "monthly-member-meeting", "topical-study"} <= set(ids)


def test_a_rule_changed_on_one_way_only_is_a_located_conflict(tmp_path):
    from checklist.errors import PackError
    from checklist.pack import load_packs

    (tmp_path / "city.yaml").write_text(
        "pack: city\nversion: '1'\ntitle: 某市\nextends: [ideology-responsibility]\n"
        "overrides:\n  topical-study: {at_least: 3}\n",
        encoding="utf-8",
    )
    with pytest.raises(
        PackError,
        match=r"ideology-responsibility\.yaml:\d+:\d+: rules\[0\]\.id: rule 'topical-study'"
        r" reaches this pack twice, changed differently",
    ):
        load_packs([str(tmp_path / "city.yaml"), "branch-routines", "profile-office"])
