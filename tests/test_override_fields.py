"""An `overrides:` entry that sets a field the rule's kind does not have names the kind, in zh and en.

Before, RulePatch (which accepts every kind's fields) let the key through and the rule model then
said "unknown key 'by' (did you mean 'by'?)": a suggestion that repeated the key.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checklist.cli import main

# A county pack on top of the shipped ideology-responsibility pack adds a deadline for its
# 巡察整改总结; a township pack takes the county's and tries to make that deadline a count.
COUNTY = """\
# 某县委宣传部 2024 年补充清单
pack: county-2024
version: "2024.1"
title: 某县意识形态工作责任制补充清单
language: zh
extends: [ideology-responsibility]
categories:
  rectification_summary:
    label: 整改总结
    aliases: [整改情况总结, 巡察整改总结]
rules:
  - id: rectification-summary
    kind: deadline
    title: 6月30日前报送巡察整改总结
    category: rectification_summary
    by: 2024-06-30
    severity: high
"""

TOWNSHIP = """\
# 城关镇 2024 年清单：沿用县级清单，整改总结改为至少报送两次
pack: chengguan-2024
version: "2024.1"
title: 城关镇意识形态工作清单
language: zh
extends: [county.yaml]
overrides:
  rectification-summary:
    severity: medium
    at_least: 2
"""

# A county office pack gives the shipped yearly study rule (frequency) a deadline's `by:`.
OFFICE = """\
pack: office-2024
version: "2024.1"
title: 县直机关意识形态工作清单
language: zh
extends: [ideology-responsibility]
overrides:
  topical-study:
    by: 2024-06-30
"""


@pytest.fixture
def packs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name, text in {"county.yaml": COUNTY, "township.yaml": TOWNSHIP, "office.yaml": OFFICE}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("pack", "lang", "line"),
    [
        (
            "township.yaml",
            "zh",
            "township.yaml:10:5: overrides.rectification-summary.at_least: "
            "“at_least”不是 deadline 类规则的字段，不能用于覆盖规则“rectification-summary”",
        ),
        (
            "township.yaml",
            "en",
            "township.yaml:10:5: overrides.rectification-summary.at_least: "
            "'at_least' is not a field of a deadline rule: it cannot override rule 'rectification-summary'",
        ),
        (
            "office.yaml",
            "zh",
            "office.yaml:8:5: overrides.topical-study.by: "
            "“by”不是 frequency 类规则的字段，不能用于覆盖规则“topical-study”",
        ),
        (
            "office.yaml",
            "en",
            "office.yaml:8:5: overrides.topical-study.by: "
            "'by' is not a field of a frequency rule: it cannot override rule 'topical-study'",
        ),
    ],
)
def test_an_override_of_a_field_the_kind_lacks_names_the_kind(packs, capsys, pack, lang, line):
    assert main(["rules", "validate", pack, "--lang", lang]) == 2
    err = capsys.readouterr().err
    assert err.strip() == line
    assert "did you mean" not in err and "是否应为" not in err


def test_the_same_override_on_a_rule_of_the_right_kind_is_taken(packs, capsys):
    # `by:` is a deadline's field: moving the county's deadline to 15 June is fine.
    (packs / "ok.yaml").write_text(
        TOWNSHIP.replace("pack: chengguan-2024", "pack: chengguan-ok").replace("at_least: 2", "by: 2024-06-15"),
        encoding="utf-8",
    )
    assert main(["rules", "validate", "ok.yaml"]) == 0
