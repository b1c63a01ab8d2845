"""Rule packs: the language (model), reading and merging (loader), plain-language summaries."""

from checklist.pack.loader import find_pack, load_pack, load_packs, packs_dir, shipped_pack_ids
from checklist.pack.model import (
    Category,
    DeadlineRule,
    EvidenceRule,
    FrequencyRule,
    Pack,
    PrecedenceRule,
    ResponseRule,
    RuleBase,
)

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
