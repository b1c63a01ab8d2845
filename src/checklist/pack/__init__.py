"""Rule packs: the language's shared parts (model), reading and merging (loader), plain-language summaries.

The rule kinds themselves are modules of checklist.kinds. The names below are imported on first use
(PEP 562): pack.model sits below the kinds and the loader above them, so importing this package
must not import the loader.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from checklist.kinds.deadline import DeadlineRule
    from checklist.kinds.evidence import EvidenceRule
    from checklist.kinds.frequency import FrequencyRule
    from checklist.kinds.precedence import PrecedenceRule
    from checklist.kinds.response import ResponseRule
    from checklist.pack.loader import find_pack, load_pack, load_packs, packs_dir, shipped_pack_ids
    from checklist.pack.model import Category, Pack, RuleBase

_WHERE = {
    "Category": "checklist.pack.model",
    "Pack": "checklist.pack.model",
    "RuleBase": "checklist.pack.model",
    "DeadlineRule": "checklist.kinds.deadline",
    "EvidenceRule": "checklist.kinds.evidence",
    "FrequencyRule": "checklist.kinds.frequency",
    "PrecedenceRule": "checklist.kinds.precedence",
    "ResponseRule": "checklist.kinds.response",
    "find_pack": "checklist.pack.loader",
    "load_pack": "checklist.pack.loader",
    "load_packs": "checklist.pack.loader",
    "packs_dir": "checklist.pack.loader",
    "shipped_pack_ids": "checklist.pack.loader",
}

__all__ = [
    "Category",
    "DeadlineRule",
    "EvidenceRule",
    "FrequencyRule",
    "Pack",
    "PrecedenceRule",
    "ResponseRule",
    "RuleBase",
    "find_pack",
    "load_pack",
    "load_packs",
    "packs_dir",
    "shipped_pack_ids",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'checklist.pack' has no attribute {name!r}")
    return getattr(import_module(_WHERE[name]), name)
