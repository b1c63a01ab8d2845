"""The registry of rule kinds: kind -> its pack model, its evaluator and its language-reference entry.

An evaluator registers itself with `@evaluates("kind")` next to its code; registering a kind twice,
or one the pack language does not define, is an error at import time. tests/test_kinds.py requires
for every kind an evaluator, an explanation, an entry in docs/rule-language.md and test cases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from checklist.engine.context import Context
from checklist.pack.model import RULE_MODELS, RuleBase
from checklist.result import Finding

Evaluator = Callable[[Context, Any], Iterator[Finding]]
E = TypeVar("E", bound=Evaluator)


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    model: type[RuleBase]
    evaluate: Evaluator

    @property
    def reference(self) -> str:
        """The heading of the kind's entry in docs/rule-language.md."""
        return f"### `kind: {self.name}`"


KINDS: dict[str, Kind] = {}


def evaluates(name: str) -> Callable[[E], E]:
    """Register the decorated function as the evaluator of rule kind `name`."""

    def register(evaluate: E) -> E:
        if name in KINDS:
            raise ValueError(f"rule kind '{name}' has two evaluators")
        if name not in RULE_MODELS:
            raise ValueError(f"rule kind '{name}' has no model in checklist.pack.model")
        KINDS[name] = Kind(name, RULE_MODELS[name], evaluate)
        return evaluate

    return register


def evaluator(name: str) -> Evaluator:
    try:
        return KINDS[name].evaluate
    except KeyError:
        raise LookupError(f"no evaluator for rule kind '{name}'") from None
