"""Every rule kind is complete: a model, an evaluator, an explanation, a language-reference entry, cases."""

from __future__ import annotations

from pathlib import Path

import pytest

import checklist.engine  # noqa: F401  (registers the evaluators)
from checklist.engine.kinds import KINDS, evaluates
from checklist.pack.explain import explain
from checklist.pack.model import RULE_KINDS, RULE_MODELS
from tests.test_engine_cases import ALL, _pack

REFERENCE = (Path(__file__).parents[1] / "docs" / "rule-language.md").read_text(encoding="utf-8")


def test_the_kinds_of_the_language_are_the_kinds_evaluated():
    assert set(RULE_KINDS) == set(RULE_MODELS) == set(KINDS)
    for name, kind in KINDS.items():
        assert kind.model is RULE_MODELS[name] and kind.name == name


def test_a_kind_registered_twice_or_without_a_model_is_refused():
    with pytest.raises(ValueError, match="two evaluators"):
        evaluates("frequency")(lambda ctx, rule: iter(()))
    with pytest.raises(ValueError, match="no model"):
        evaluates("quota")(lambda ctx, rule: iter(()))


def _cases_of(kind: str, tmp_path: Path) -> list[tuple[object, object, set[str]]]:
    """(pack, rule, statuses the case expects of it) for every case rule of this kind."""
    out = []
    for _id, file_pack, case in ALL:
        pack = _pack(tmp_path, file_pack, case)
        for rule_id in case["only"]:
            rule = pack.rule(rule_id)
            if rule.kind == kind:
                statuses = {e["status"] for e in case["expect"] if e["rule"] == rule_id}
                if kind == "evidence" and not statuses and case["ledger"]:
                    statuses = {"met"}  # every matching record keeps its papers: no finding
                out.append((pack, rule, statuses))
    return out


@pytest.mark.parametrize("kind", RULE_KINDS)
def test_every_kind_has_cases_an_explanation_and_a_reference_entry(tmp_path, kind):
    cases = _cases_of(kind, tmp_path)
    statuses = set().union(*(s for _p, _r, s in cases)) if cases else set()
    assert "met" in statuses and statuses & {"gap", "late", "exceeded"}, f"tests/cases: {kind} has {statuses}"
    pack, rule, _s = cases[0]
    zh, en = explain(pack, rule, "zh", 2024), explain(pack, rule, "en", 2024)
    assert zh and en and zh != en
    assert KINDS[kind].reference in REFERENCE, f"docs/rule-language.md has no '{KINDS[kind].reference}' entry"
