"""The message catalogue: code -> (Chinese template, English template).

Codes are stable (programs read them from the JSON); change a template's words freely, never a
code's meaning. Arguments are `{name}` fields formatted by checklist.text (numbers, dates, lists
by language). Keep each code in its section; add new sections at the end of the file.
"""

from __future__ import annotations

CATALOGUE: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------ general
    "internal": ("内部错误:{detail};请报告此问题", "internal error: {detail}; please report it"),
    # ------------------------------------------------------------ usage (CLI and library options)
    # ------------------------------------------------------------ ledger: reading files
    # ------------------------------------------------------------ ledger: rejected rows (reasons)
    # ------------------------------------------------------------ ledger: warnings
    # ------------------------------------------------------------ side inputs (roster, units, waivers, mapping)
    # ------------------------------------------------------------ pack loading
    # ------------------------------------------------------------ engine: findings and notes
    # ------------------------------------------------------------ render: reports and documents
    # ------------------------------------------------------------ workflow: plan, remind, audit, calendar
    # ------------------------------------------------------------ assessment: rating, ranking, bulletin
    "assess.points_missing": (
        "规则 {rule} 未给出 points:本规则包已为其他规则设定分值(如 {at} 的 {example}),所有启用的规则都须设定分值",
        "rule {rule} has no 'points' while other rules of the pack declare them (e.g. {example} at {at}); "
        "give points to every enabled rule, or to none",
    ),
    # ------------------------------------------------------------ cli: help texts and summaries
    # ------------------------------------------------------------ stream: watch
    # ------------------------------------------------------------ serve: the web page
}
