"""The registry of rule kinds: kind -> its model, its evaluator, its explanation.

Each kind is one module of the package checklist.kinds (model, evaluator, explanation and words in
one file); that package finds its modules and registers them here, so the engine, which sits below
the kinds, looks evaluators up by name without importing them. Registering a kind twice is an error.
tests/test_kinds.py requires for every kind an entry in docs/rule-language.md and test cases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, get_args

from checklist.engine.context import Context
from checklist.pack.model import Pack, RuleBase
from checklist.result import Finding

Evaluator = Callable[[Context, Any], Iterator[Finding]]
Explainer = Callable[[Pack, Any, str, int], str]


@dataclass(frozen=True, slots=True)
class Kind:
    """One rule kind as its module declares it: `KIND = Kind(SpacingRule, evaluate, explain, ...)`.

    `patchable` are the kind's own fields a pack's `overrides:` may change; `words` its catalogue
    entries (code -> (zh, en)); `order` its place in error messages, the schema and the reference;
    `silent_when_met` says a kept duty gives no finding at all (evidence: only lacking records are
    findings), so a test case with records and no finding of the rule is its `met` case.
    """

    model: type[RuleBase]
    evaluate: Evaluator
    explain: Explainer
    patchable: tuple[str, ...] = ()
    words: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    order: int = 100
    silent_when_met: bool = False

    @property
    def name(self) -> str:
        """The kind's name: the one value its model's `kind` field allows."""
        (name,) = get_args(self.model.model_fields["kind"].annotation)
        return str(name)

    @property
    def reference(self) -> str:
        """The heading of the kind's entry in docs/rule-language.md."""
        return f"### `kind: {self.name}`"


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add a kind to the registry (checklist.kinds does it for each of its modules)."""
    if kind.name in KINDS:
        raise ValueError(f"rule kind '{kind.name}' is defined twice")
    KINDS[kind.name] = kind
    return kind


def evaluator(name: str) -> Evaluator:
    try:
        return KINDS[name].evaluate
    except KeyError:
        raise LookupError(f"no evaluator for rule kind '{name}'") from None
