"""Say what a rule requires in one plain sentence, in Chinese or English, from its structure.

Each kind writes its own sentence (`explain` in checklist/kinds/<kind>.py, from catalogue templates);
this module only finds the kind's.
"""

from __future__ import annotations

import datetime as dt

from checklist.kinds import KINDS
from checklist.pack.model import Pack, RuleBase


def explain(pack: Pack, rule: RuleBase, lang: str = "zh", year: int | None = None) -> str:
    """One sentence: what the rule asks for, derived from its fields (not from its title)."""
    kind = KINDS.get(rule.kind)
    if kind is None:
        raise TypeError(f"no explanation for {type(rule).__name__}")
    return kind.explain(pack, rule, lang, year or dt.date.today().year)
