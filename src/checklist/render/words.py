"""Words every renderer shows (statuses, column heads), by language, from the message catalogue."""

from __future__ import annotations

from typing import Any

from checklist.notice import Notice
from checklist.text import LANGS, number, say, template
from checklist.text.catalogue import CATALOGUE

STATUSES = ("met", "gap", "due", "exceeded", "late", "waived")
STATUS: dict[str, dict[str, str]] = {lang: {s: template(f"status.{s}", lang) for s in STATUSES} for lang in LANGS}
# violations first, then what is still open, then the rest
STATUS_ORDER = {"gap": 0, "late": 1, "exceeded": 2, "due": 3, "waived": 4, "met": 5}

# Templates, some with {fields} the renderers fill in (e.g. "rows": "共{rows}行").
WORDS: dict[str, dict[str, str]] = {
    lang: {code.removeprefix("word."): template(code, lang) for code in CATALOGUE if code.startswith("word.")}
    for lang in LANGS
}

num = number


def kind_word(kind: str, lang: str) -> str:
    """A warning's kind as a reader says it (重复, not duplicate); an unknown kind as it is."""
    code = f"kind.{kind}"
    return template(code, lang) if code in CATALOGUE else kind


def input_counts(counts: Any, lang: str) -> str:
    """What was read, in a line: 共46行，匹配41，未识别2，无效3 / 46 rows, 41 matched, …"""
    w = WORDS[lang]
    return say("list.parts", lang).join(
        [
            w["rows"].format(rows=counts.rows),
            w["matched"].format(matched=counts.matched),
            w["unmatched"].format(unmatched=counts.unmatched),
            w["rejected"].format(rejected=counts.rejected),
        ]
    )


def notice_line(notice: Notice, lang: str) -> str:
    return say("render.notice_line", lang, kind=kind_word(notice.kind, lang), text=notice.text(lang))
