"""The rule kinds: one module per kind, found here, and the pack language assembled from them.

A kind module, `checklist/kinds/<kind>.py`, holds everything about its kind — the pydantic model,
the evaluator, the explanation and the catalogue words — and ends with
`KIND = Kind(SpacingRule, evaluate, explain, patchable=..., words=WORDS)`. Importing this package
imports every module of it (pkgutil: no list to edit; modules starting with `_` are helpers),
registers each kind with the engine (checklist.engine.kinds) and its words with the catalogue
(checklist.text), and builds what needs all the kinds at once: the `Rule` union, `RulePatch`, and the
pack models `PACK_DOCUMENT` (a pack file as written) and `PACK` (a resolved pack).
docs/rule-language.md, "Adding a rule kind", walks through adding one.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Union, cast

from pydantic import Discriminator, Tag, create_model
from pydantic.fields import FieldInfo

from checklist.engine.kinds import KINDS, Kind, register
from checklist.pack.model import Pack, PackDocument, RuleBase, RulePatchBase
from checklist.text import add_words

DEFAULT_KIND = "frequency"  # a rule that names no kind counts records per period


def discover(package: str, path: Iterable[str]) -> list[Kind]:
    """The `KIND` of every public module of `package` (found on `path`), in their `order`."""
    found: list[Kind] = []
    for info in pkgutil.iter_modules(list(path)):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        kind = getattr(module, "KIND", None)
        if not isinstance(kind, Kind):
            raise TypeError(f"{module.__name__} declares no KIND = Kind(...)")
        if kind.name != info.name:
            raise ValueError(f"{module.__name__}: its model is of kind '{kind.name}'; name the module after its kind")
        found.append(kind)
    return sorted(found, key=lambda k: (k.order, k.name))


def _rule_kind(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("kind", DEFAULT_KIND))
    return str(getattr(value, "kind", DEFAULT_KIND))


def rule_union(kinds: Sequence[Kind]) -> Any:
    """Annotated[FrequencyRule | DeadlineRule | …, Discriminator]: a rule is read by its `kind`."""
    members = tuple(Annotated[k.model, Tag(k.name)] for k in kinds)
    return Annotated[Union[members], Discriminator(_rule_kind)]  # noqa: UP007 - built from a tuple


def patch_model(kinds: Sequence[Kind]) -> type[RulePatchBase]:
    """RulePatchBase plus every kind's `patchable` fields, each optional, keeping its bounds."""
    fields: dict[str, Any] = {}
    for kind in kinds:
        for name in kind.patchable:
            info = kind.model.model_fields[name]
            optional = FieldInfo(default=None)
            optional.metadata = list(info.metadata)  # the bounds (ge=1, le=31, …), not the description
            annotation: Any = info.annotation
            field = (annotation | None, optional)
            if name in fields and fields[name][0] != field[0]:
                raise ValueError(f"rule kind '{kind.name}': patchable field '{name}' has another type in another kind")
            fields[name] = field
    model = create_model("RulePatch", __base__=RulePatchBase, __module__=__name__, **fields)
    model.__doc__ = RulePatchBase.__doc__
    return model


@dataclass(frozen=True)
class Language:
    """What needs every kind: their models by name, the rule union, the patch and the pack models."""

    kinds: tuple[Kind, ...]
    rule: Any
    rule_patch: type[RulePatchBase]
    pack_document: type[PackDocument[Any, Any]]
    pack: type[Pack[Any]]

    @property
    def models(self) -> dict[str, type[RuleBase]]:
        return {k.name: k.model for k in self.kinds}


def language(kinds: Sequence[Kind]) -> Language:
    rule, patch = rule_union(kinds), patch_model(kinds)
    document, pack = cast(Any, PackDocument)[rule, patch], cast(Any, Pack)[rule]
    document.__doc__, pack.__doc__ = PackDocument.__doc__, Pack.__doc__  # the schema's description
    return Language(tuple(kinds), rule, patch, document, pack)


def _load() -> Language:
    kinds = discover(__name__, __path__)
    for kind in kinds:
        add_words(kind.words, f"rule kind '{kind.name}'")
        if KINDS.get(kind.name) is not kind:
            register(kind)
    return language(kinds)


LANGUAGE = _load()
Rule = LANGUAGE.rule
RulePatch = LANGUAGE.rule_patch
PACK_DOCUMENT = LANGUAGE.pack_document
PACK = LANGUAGE.pack
RULE_MODELS: dict[str, type[RuleBase]] = LANGUAGE.models
RULE_KINDS: tuple[str, ...] = tuple(RULE_MODELS)

__all__ = [
    "KINDS",
    "PACK",
    "PACK_DOCUMENT",
    "RULE_KINDS",
    "RULE_MODELS",
    "Kind",
    "Rule",
    "RulePatch",
    "discover",
    "language",
]
