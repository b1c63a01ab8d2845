"""A pack as a readable catalogue (`checklist rules show`): categories, then each rule explained."""

from __future__ import annotations

import datetime as dt

from checklist.pack.explain import explain
from checklist.pack.model import Pack
from checklist.text import own_words, say

_WORDS = {
    "zh": {
        "sources": "来源",
        "calendar": "日历",
        "categories": "类别",
        "rules": "规则",
        "aliases": "别名",
        "keywords": "关键词",
        "exclude": "排除词",
        "requires": "要求",
        "ref": "依据",
        "applies": "适用",
        "disabled": "已停用",
        "fiscal": "财年自{m}月起",
        "natural": "自然年",
        "weeks": "ISO周（周一至周日）",
        "colon": "：",
        "comma": "，",
        "and": "、",
        "open": "（",
        "close": "）",
    },
    "en": {
        "sources": "sources",
        "calendar": "calendar",
        "categories": "categories",
        "rules": "rules",
        "aliases": "aliases",
        "keywords": "keywords",
        "exclude": "excluding",
        "requires": "requires",
        "ref": "ref",
        "applies": "applies to",
        "disabled": "disabled",
        "fiscal": "fiscal year from month {m}",
        "natural": "calendar year",
        "weeks": "ISO weeks (Monday–Sunday)",
        "colon": ": ",
        "comma": ", ",
        "and": ", ",
        "open": " (",
        "close": ")",
    },
}


def catalogue(pack: Pack, lang: str = "zh", year: int | None = None) -> str:
    words = _WORDS[lang]
    year = year or dt.date.today().year
    title = own_words(pack, lang)
    month = pack.calendar.year_start_month
    colon, opened, closed = words["colon"], words["open"], words["close"]
    lines = [
        f"{title}{opened}{pack.id} {pack.version}{closed}",
        f"{words['sources']}{colon}" + " <- ".join(f"{s.id} {s.version}" for s in reversed(pack.sources)),
        f"{words['calendar']}{colon}"
        + (words["natural"] if month == 1 else words["fiscal"].format(m=month))
        + f"{words['comma']}{words['weeks']}",
        "",
        f"{words['categories']}{opened}{len(pack.categories)}{closed}",
    ]
    for cid, cat in pack.categories.items():
        name = own_words(cat, lang, "label")
        lines.append(f"  {cid}  {name}")
        if cat.aliases:
            lines.append(f"      {words['aliases']}{colon}{'、'.join(cat.aliases)}")
        if cat.keywords:
            lines.append(f"      {words['keywords']}{colon}{'、'.join(cat.keywords)}")
        if cat.exclude:
            lines.append(f"      {words['exclude']}{colon}{'、'.join(cat.exclude)}")
    lines += ["", f"{words['rules']}{opened}{len(pack.rules)}{closed}"]
    for rule in pack.rules:
        severity = say(f"explain.severity.{rule.severity}", lang)
        rule_title = own_words(rule, lang)
        off = f"{opened}{words['disabled']}{closed}" if not rule.enabled else ""
        lines.append(f"  [{severity}] {rule.id}  {rule_title}{off}")
        lines.append(f"      {words['requires']}{colon}{explain(pack, rule, lang, year)}")
        if rule.applies_to:
            lines.append(f"      {words['applies']}{colon}{words['and'].join(rule.applies_to)}")
        if rule.ref:
            lines.append(f"      {words['ref']}{colon}{rule.ref}")
    return "\n".join(lines) + "\n"
