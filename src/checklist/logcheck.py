"""`checklist log check`: what a ledger holds, before any rule is applied."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pyarrow.compute as pc
from tabulate import tabulate

from checklist.engine.match import category_masks, suggest
from checklist.ledger import Ledger, arrays
from checklist.ledger.model import TableRead
from checklist.pack.model import Pack
from checklist.render.words import notice_line
from checklist.text import Message, msg, say, template
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
    several = len(ledger.tables) > 1
    return {
        "source": ledger.source,
        "format": ledger.kind,
        # each table's own is in `tables`; JSON Lines has none (one record a line)
        "header_row": None if several or ledger.kind == "jsonl" else ledger.header_row,
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
        "tables": table_summaries(ledger, matched),
    }


def table_summaries(ledger: Ledger, matched: np.ndarray) -> list[dict]:
    """Each table read (a file, or a sheet of a workbook): its header row, the columns recognised,
    its unit(s) and where they came from, and its own rows = matched + unmatched + rejected."""
    units = ledger.table["unit"]
    out = []
    for info, rows in zip(ledger.tables, ledger.table_rows(), strict=True):
        hit = int(matched[rows].sum())
        usable = len(rows)
        out.append(
            {
                "file": info.file,
                "sheet": info.sheet,
                "format": info.kind,
                "header_row": None if info.kind == "jsonl" else info.header_row,
                "columns": info.columns,
                "units": dict(sorted(Counter(arrays.pylist(units, rows)).items())),
                "unit_source": None if info.unit_source is None else info.unit_source.code,
                "unit_source_text": None if info.unit_source is None else info.unit_source.text("en"),
                "rows": info.rows,
                "matched": hit,
                "unmatched": usable - hit,
                "rejected": info.rejected,
                "blank_rows_skipped": info.blank_rows,
            }
        )
    return out


def ledger_report(ledger: Ledger, pack: Pack, fmt: str = "table", lang: str = "zh") -> str:
    """The summary as JSON, or as a terminal report in `lang`."""
    s = ledger_summary(ledger, pack)
    if fmt == "json":
        return json.dumps(s, ensure_ascii=False, indent=2) + "\n"
    lines = _counts(s, lang)
    if len(s["tables"]) > 1:
        lines.append(say("log.tables", lang))
        for t, info in zip(s["tables"], ledger.tables, strict=True):
            lines += ["  " + line for line in _table_lines(t, info, lang)]
    lines += ["", *_tables(s, pack, lang)]
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
    tables = s["tables"]
    if len(tables) > 1:
        files = len({t["file"] for t in tables})
        head = say("log.sources", lang, source=s["source"], files=files, tables=len(tables))
    elif s["header_row"] is None:
        head = say("log.source_lines", lang, source=s["source"])
    else:
        head = say("log.source", lang, source=s["source"], format=s["format"], header_row=s["header_row"])
    lines = [
        head,
        _accounting(s, s["blank_rows_skipped"], lang),
        say("log.dates", lang, first=dates[0], last=dates[1]) if dates else say("log.no_dates", lang),
    ]
    # with several tables each names its own columns (below): their headers need not agree
    return lines if len(tables) > 1 else [*lines, _columns(s["columns"], lang)]


def _accounting(counts: dict, blank: int, lang: str) -> str:
    return say("log.accounting", lang, **{k: counts[k] for k in ("rows", "matched", "unmatched", "rejected")}) + (
        say("log.blank", lang, blank=blank)
    )


def _columns(columns: dict[str, str], lang: str) -> str:
    return say(
        "log.columns",
        lang,
        columns=[say("log.column", lang, field=field_word(k, lang), header=v) for k, v in columns.items()],
    )


def _table_lines(t: dict, info: TableRead, lang: str) -> list[str]:
    """One table of several: where it is, its header row and unit, its rows, its columns."""
    name = say("log.table_sheet", lang, file=t["file"], sheet=t["sheet"]) if t["sheet"] else t["file"]
    blank = t["blank_rows_skipped"]
    counts = say("log.accounting", lang, **{k: t[k] for k in ("rows", "matched", "unmatched", "rejected")})
    return [
        name,
        "  " + _head_words(t, info, lang),
        "  " + counts + (say("log.blank", lang, blank=blank) if blank else ""),
        "  " + _columns(t["columns"], lang),
    ]


def _head_words(t: dict, info: TableRead, lang: str) -> str:
    """Where a table's header is (JSON Lines has none) and which unit its rows belong to."""
    if t["header_row"] is None:
        return say("log.table_lines", lang, unit=_unit_words(t, info))
    return say("log.table_head", lang, header_row=t["header_row"], unit=_unit_words(t, info))


def _unit_words(t: dict, info: TableRead) -> Message:
    """Which unit a table's rows belong to, and from where: its unit column's values, or the one
    unit its 填报单位 line, --unit-name or file name gave."""
    if "unit" in t["columns"]:
        units = list(t["units"])
        code = "log.table_units" if units else "log.table_no_units"
        return msg(code, header=t["columns"]["unit"], units=units)
    if info.unit_source is None:
        return msg("log.table_unit_plain", unit=info.unit or "")
    return msg("log.table_unit", unit=info.unit or "", source=info.unit_source)


def _tables(s: dict, pack: Pack, lang: str) -> list[str]:
    units = tabulate(sorted(s["units"].items()), headers=say("log.units_head", lang).split("|"), disable_numparse=True)
    rows = [[cid, pack.categories[cid].label, n] for cid, n in s["categories"].items()]
    categories = tabulate(rows, headers=say("log.categories_head", lang).split("|"), disable_numparse=True)
    return [units, "", categories]


def field_word(field: str, lang: str) -> str:
    """A ledger field as a clerk calls it (日期, 活动类型); unknown fields as they are."""
    code = f"field.{field}"
    return template(code, lang) if code in CATALOGUE else field
