"""What a pack's categories and the ledger's fields are called, for the sentences engine and explain write."""

from __future__ import annotations

from checklist.pack.model import Pack
from checklist.text import own_words, say

FIELD_ZH = {
    "evidence": "佐证材料",
    "title": "主题",
    "participants": "参加人员",
    "hours": "学时",
    "present": "实到人数",
    "expected": "应到人数",
    "recorded_at": "登记日期",
    "unit": "单位",
}


def label(pack: Pack, category_id: str, lang: str) -> str:
    if category_id == "*":
        return say("explain.any_category", lang)
    cat = pack.categories[category_id]
    # a loaded pack always has the label (required unless inherited)
    return own_words(cat, lang, "label") or category_id


def labels(pack: Pack, category_ids: tuple[str, ...], lang: str) -> str:
    """Categories as a rule's explanation names them: 「学习」或「会议」."""
    names = (say("explain.label", lang, name=label(pack, c, lang)) for c in category_ids)
    return say("explain.or", lang).join(names)


def field_name(name: str, lang: str) -> str:
    """A ledger field as the reader calls it (fields the pack invents keep their own name)."""
    return say(f"field.{name}", lang) if name in FIELD_ZH else name
