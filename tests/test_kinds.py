"""Every rule kind is complete (a model, an evaluator, an explanation, words, a language-reference
entry, cases), and a kind is added by one module of checklist.kinds, its cases and its entry."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import checklist.kinds
from checklist.engine.kinds import KINDS, register
from checklist.kinds import PACK_DOCUMENT, RULE_KINDS, RULE_MODELS, RulePatch, discover
from checklist.pack.explain import explain
from checklist.text.catalogue import CATALOGUE
from tests.test_engine_cases import ALL, _pack

ROOT = Path(__file__).parents[1]
REFERENCE = (ROOT / "docs" / "rule-language.md").read_text(encoding="utf-8")
KINDS_DIR = Path(checklist.kinds.__file__).parent


def test_the_kinds_of_the_language_are_the_kinds_evaluated():
    assert set(RULE_KINDS) == set(RULE_MODELS) == set(KINDS)
    for name, kind in KINDS.items():
        assert kind.model is RULE_MODELS[name] and kind.name == name
        assert (KINDS_DIR / f"{name}.py").is_file()
    # The order error messages, the schema and the reference list them in (each module's `order`).
    assert RULE_KINDS[:5] == ("frequency", "deadline", "response", "precedence", "evidence")


def test_a_kind_registered_twice_is_refused():
    with pytest.raises(ValueError, match="defined twice"):
        register(KINDS["frequency"])


def _package(tmp_path: Path, name: str, files: dict[str, str]) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "__init__.py").write_text("", encoding="utf-8")
    for file, text in files.items():
        (folder / file).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def test_a_module_without_a_kind_or_named_after_another_kind_is_refused(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    bare = _package(tmp_path, "bare_kinds", {"quota.py": "'''No KIND here.'''\n", "_helpers.py": "X = 1\n"})
    with pytest.raises(TypeError, match=r"bare_kinds\.quota declares no KIND"):
        discover("bare_kinds", [str(bare)])
    misnamed = _package(tmp_path, "misnamed_kinds", {"quota.py": "from checklist.kinds.frequency import KIND\n"})
    with pytest.raises(ValueError, match="of kind 'frequency'; name the module after its kind"):
        discover("misnamed_kinds", [str(misnamed)])


def test_each_kind_patchable_field_is_in_the_override_model():
    for kind in KINDS.values():
        for name in kind.patchable:
            assert name in RulePatch.model_fields, (kind.name, name)
    schema = PACK_DOCUMENT.model_json_schema(by_alias=True)
    assert {f"{model.__name__}" for model in RULE_MODELS.values()} <= set(schema["$defs"])


def _cases_of(kind: str, tmp_path: Path) -> list[tuple[object, object, set[str]]]:
    """(pack, rule, statuses the case expects of it) for every case rule of this kind."""
    out = []
    for _id, file_pack, case in ALL:
        pack = _pack(tmp_path, file_pack, case)
        for rule_id in case["only"]:
            rule = pack.rule(rule_id)
            if rule.kind == kind:
                statuses = {e["status"] for e in case["expect"] if e["rule"] == rule_id}
                if KINDS[kind].silent_when_met and not statuses and case["ledger"]:
                    statuses = {"met"}  # e.g. evidence: every matching record keeps its papers, no finding
                out.append((pack, rule, statuses))
    return out


@pytest.mark.parametrize("kind", RULE_KINDS)
def test_every_kind_has_cases_an_explanation_words_and_a_reference_entry(tmp_path, kind):
    cases = _cases_of(kind, tmp_path)
    statuses = set().union(*(s for _p, _r, s in cases)) if cases else set()
    assert "met" in statuses and statuses & {"gap", "late", "exceeded"}, f"tests/cases: {kind} has {statuses}"
    pack, rule, _s = cases[0]
    zh, en = explain(pack, rule, "zh", 2024), explain(pack, rule, "en", 2024)
    assert zh and en and zh != en
    for code, pair in KINDS[kind].words.items():
        assert CATALOGUE[code] == pair  # the kind's words are in the one catalogue
    assert KINDS[kind].reference in REFERENCE, f"docs/rule-language.md has no '{KINDS[kind].reference}' entry"


# ---------------------------------------------------------------- adding a kind is one module

# The walkthrough's kind (docs/rule-language.md, "Adding a rule kind"): the whole of what a developer
# writes in src/. The test below drops it into a copy of the package and uses it from a pack.
SPACING = '''
"""`kind: spacing` — no more than `max_days` between two matching records of a unit."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from typing import Literal

import numpy as np
from pydantic import Field

from checklist.engine.context import Context, from_day_number
from checklist.engine.findings import finding
from checklist.engine.kinds import Kind
from checklist.engine.records import in_window
from checklist.pack.model import HasCategories, Pack
from checklist.pack.names import label, labels
from checklist.result import Finding, Status
from checklist.text import say


class SpacingRule(HasCategories):
    """No more than `max_days` between two matching records of a unit."""

    kind: Literal["spacing"]
    max_days: int = Field(ge=1, description="the longest allowed gap between two records, in days")


def evaluate(ctx: Context, rule: SpacingRule) -> Iterator[Finding]:
    """One finding per record after a unit's first (in the window): met, or a gap when it came late."""
    by_unit = ctx.unit_rows(ctx.category_rows(rule.category_ids))
    what = label(ctx.pack, rule.category_ids[0], ctx.pack.language)
    for unit in ctx.eval_units:
        if not ctx.applies(rule, unit):
            continue
        rows = in_window(ctx, by_unit.get(ctx.code[unit], np.array([], dtype=np.int64)))
        for before, row in pairwise(rows.tolist()):
            days = int(ctx.dates[row] - ctx.dates[before])
            status: Status = "met" if days <= rule.max_days else "gap"
            day, since = from_day_number(ctx.dates[row]), from_day_number(ctx.dates[before])
            message = say("finding.spacing", ctx.pack.language, what=what, days=days, most=rule.max_days)
            records = ctx.record_ids([before, row])
            yield finding(rule, unit, day.isoformat(), since, day, status, 1, records, message)


def explain(pack: Pack, rule: SpacingRule, lang: str, year: int) -> str:
    return say("explain.spacing", lang, what=labels(pack, rule.category_ids, lang), most=rule.max_days)


WORDS = {
    "explain.spacing": ("相邻两次{what}间隔不超过{most}天", "At most {most} days between two records of {what}."),
    "finding.spacing": ("{what}间隔{days}天(至多{most}天)", "{what}: {days} days apart (at most {most})"),
}

KIND = Kind(SpacingRule, evaluate, explain, patchable=("max_days",), words=WORDS)
'''

PACK = """\
pack: spacing-demo
version: "1"
title: 间隔示例
categories:
  talk: {label: 谈心谈话}
rules:
  - {id: talk-spacing, kind: spacing, title: 谈心谈话间隔, category: talk, max_days: 40}
  - {id: talk-yearly, title: 每年谈心谈话, category: talk, every: year, at_least: 1}
"""

LEDGER = "单位,日期,活动类型\n一支部,2024-01-10,谈心谈话\n一支部,2024-02-15,谈心谈话\n一支部,2024-05-01,谈心谈话\n"

SCRIPT = """
import datetime as dt, json, sys
from checklist.engine import evaluate
from checklist.errors import PackError
from checklist.kinds import PACK_DOCUMENT, RULE_KINDS
from checklist.ledger import read_ledger
from checklist.pack import load_pack
from checklist.pack.explain import explain
pack = load_pack("pack.yaml")
result = evaluate(pack, read_ledger("台账.csv"), year=2024, as_of=dt.date(2024, 12, 31))
rule = pack.rule("talk-spacing")
try:
    load_pack("bad.yaml")
    bad = None
except PackError as err:
    bad = str(err)
print(json.dumps({
    "kinds": list(RULE_KINDS),
    "findings": [[f.rule, f.period, f.status, f.message] for f in result.findings],
    "zh": explain(pack, rule, "zh", 2024),
    "en": explain(pack, rule, "en", 2024),
    "schema": "SpacingRule" in PACK_DOCUMENT.model_json_schema()["$defs"],
    "bad": bad,
}, ensure_ascii=False))
"""


def test_a_new_kind_is_one_module_of_checklist_kinds(tmp_path):
    """Copy the package, add kinds/spacing.py and nothing else in src/: the pack language reads the
    kind, the engine evaluates it, `rules show` explains it, the schema and overrides know it."""
    src = tmp_path / "src"
    shutil.copytree(KINDS_DIR.parent, src / "checklist", ignore=shutil.ignore_patterns("__pycache__"))
    (src / "checklist" / "kinds" / "spacing.py").write_text(SPACING.lstrip(), encoding="utf-8")
    (tmp_path / "pack.yaml").write_text(PACK, encoding="utf-8")
    bad = PACK.replace("max_days: 40", "max_day: 40")
    (tmp_path / "bad.yaml").write_text(bad, encoding="utf-8")
    (tmp_path / "台账.csv").write_text(LEDGER, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(src)}
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout)
    assert got["kinds"][-1] == "spacing"
    # 01-10 -> 02-15 is 36 days (21 + 15): within 40; 02-15 -> 05-01 is 76 days (14 + 31 + 30 + 1): not.
    assert [f for f in got["findings"] if f[0] == "talk-spacing"] == [
        ["talk-spacing", "2024-02-15", "met", "谈心谈话间隔36天(至多40天)"],
        ["talk-spacing", "2024-05-01", "gap", "谈心谈话间隔76天(至多40天)"],
    ]
    assert ["talk-yearly", "2024", "met"] in [f[:3] for f in got["findings"]]  # the other kinds unchanged
    assert got["zh"] == "相邻两次「谈心谈话」间隔不超过40天"
    assert got["en"] == "At most 40 days between two records of “谈心谈话”."
    assert got["schema"] is True
    assert "bad.yaml:7:" in got["bad"] and "unknown key 'max_day'" in got["bad"] and "max_days" in got["bad"]
