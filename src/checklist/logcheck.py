"""`checklist log check`: what a ledger holds, before any rule is applied."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pyarrow.compute as pc
from tabulate import tabulate

from checklist.engine.match import category_masks, suggest
from checklist.ledger import Ledger, arrays
from checklist.pack.model import Pack
from checklist.render.words import notice_line
from checklist.text import say, template
from checklist.text.catalogue import CATALOGUE


def ledger_summary(ledger: Ledger, pack: Pack) -> dict:
    table = ledger.table
    masks = category_masks(pack, table["activity"].combine_chunks(), table["title"].combine_chunks())
    matched = np.zeros(table.num_rows, dtype=bool)
    for mask in masks.values():
        matched |= mask
    dates = table["date"]
    unmatched_idx = np.flatnonzero(~matched)
    activities = arrays.pylist(table["activity"], unmatched_idx)
    rows = table["row"].to_numpy()[unmatched_idx].tolist()
    first_rows: dict[str, list[int]] = {}
    for activity, row in zip(activities, rows, strict=True):
        first_rows.setdefault(activity, []).append(row)
    units = Counter(arrays.pylist(table["unit"]))
    return {
        "source": ledger.source,
        "format": ledger.kind,
        "header_row": ledger.header_row,
        "columns": ledger.columns,
        "rows": ledger.rows,
        "usable": table.num_rows,
        "matched": int(matched.sum()),
        "unmatched": int((~matched).sum()),
        "rejected": len(ledger.rejected),
        "blank_rows_skipped": ledger.blank_rows,
        "date_range": [str(pc.min(dates).as_py()), str(pc.max(dates).as_py())] if table.num_rows else None,
        "units": dict(sorted(units.items())),
        "categories": {cid: int(m.sum()) for cid, m in masks.items()},
        "unmatched_types": [
            {"activity": a, "count": len(r), "rows": r[:10], "suggestion": suggest(pack, a)}
            for a, r in sorted(first_rows.items(), key=lambda kv: -len(kv[1]))
        ],
        "rejected_rows": [r.model_dump() for r in ledger.rejected],
        "warnings": [n.model_dump() for n in ledger.notices],
    }


def ledger_report(ledger: Ledger, pack: Pack, fmt: str = "table", lang: str = "zh") -> str:
    """The summary as JSON, or as a terminal report in `lang`."""
    s = ledger_summary(ledger, pack)
    if fmt == "json":
        return json.dumps(s, ensure_ascii=False, indent=2) + "\n"
    lines = [*_counts(s, lang), "", *_tables(s, pack, lang)]
    if s["unmatched_types"]:
        lines += ["", say("log.unmatched", lang)]
        for u in s["unmatched_types"]:
            hint = say("log.hint", lang, suggestion=u["suggestion"]) if u["suggestion"] else ""
            lines.append(
                "  " + say("log.unmatched_line", lang, activity=u["activity"], count=u["count"], rows=u["rows"]) + hint
            )
    if ledger.rejected:
        lines += ["", say("log.rejected", lang)]
        lines += ["  " + say("render.row_line", lang, row=r.ref or r.row, reason=r.text(lang)) for r in ledger.rejected]
    if ledger.notices:
        lines += ["", say("log.warnings", lang)] + ["  " + notice_line(n, lang) for n in ledger.notices]
    return "\n".join(lines) + "\n"


def _counts(s: dict, lang: str) -> list[str]:
    dates = s["date_range"]
    columns = [say("log.column", lang, field=field_word(k, lang), header=v) for k, v in s["columns"].items()]
    return [
        say("log.source", lang, source=s["source"], format=s["format"], header_row=s["header_row"]),
        say("log.accounting", lang, **{k: s[k] for k in ("rows", "matched", "unmatched", "rejected")})
        + say("log.blank", lang, blank=s["blank_rows_skipped"]),
        say("log.dates", lang, first=dates[0], last=dates[1]) if dates else say("log.no_dates", lang),
        say("log.columns", lang, columns=columns),
    ]


def _tables(s: dict, pack: Pack, lang: str) -> list[str]:
    units = tabulate(sorted(s["units"].items()), headers=say("log.units_head", lang).split("|"), disable_numparse=True)
    rows = [[cid, pack.categories[cid].label, n] for cid, n in s["categories"].items()]
    categories = tabulate(rows, headers=say("log.categories_head", lang).split("|"), disable_numparse=True)
    return [units, "", categories]


def field_word(field: str, lang: str) -> str:
    """A ledger field as a clerk calls it (日期, 活动类型); unknown fields as they are."""
    code = f"field.{field}"
    return template(code, lang) if code in CATALOGUE else field
