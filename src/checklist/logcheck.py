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


def ledger_report(ledger: Ledger, pack: Pack, fmt: str = "table") -> str:
    s = ledger_summary(ledger, pack)
    if fmt == "json":
        return json.dumps(s, ensure_ascii=False, indent=2) + "\n"
    lines = [
        f"{s['source']} ({s['format']}, header row {s['header_row']})",
        f"rows {s['rows']} = matched {s['matched']} + unmatched {s['unmatched']} + rejected {s['rejected']}"
        f"  (blank rows skipped: {s['blank_rows_skipped']})",
        f"dates {s['date_range'][0]} .. {s['date_range'][1]}" if s["date_range"] else "dates: none usable",
        "columns: " + ", ".join(f"{k}={v}" for k, v in s["columns"].items()),
        "",
        tabulate(sorted(s["units"].items()), headers=["unit", "rows"], disable_numparse=True),
        "",
        tabulate(
            [[cid, pack.categories[cid].label, n] for cid, n in s["categories"].items()],
            headers=["category", "label", "rows"],
            disable_numparse=True,
        ),
    ]
    if s["unmatched_types"]:
        lines += ["", "unmatched activity types:"]
        for u in s["unmatched_types"]:
            hint = f" -> {u['suggestion']}?" if u["suggestion"] else ""
            lines.append(f"  {u['activity']} ×{u['count']} (rows {', '.join(map(str, u['rows']))}){hint}")
    if s["rejected_rows"]:
        lines += ["", "rejected rows:"] + [f"  row {r['row']}: {r['reason']}" for r in s["rejected_rows"]]
    if s["warnings"]:
        lines += ["", "warnings:"] + [f"  [{w['kind']}] {w['message']}" for w in s["warnings"]]
    return "\n".join(lines) + "\n"
