"""The one place where the web page calls the checklist library.

Other parts of the product (reading several files, rating and rank, documents, the 台账 template)
change while the page is built; everything the page needs from them goes through here, so a change
of theirs touches this module only. Functions take plain values and return plain values or the
library's own Result; nothing here knows about HTTP.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checklist.errors import ChecklistError, InputError, UsageError
from checklist.rectify.sheet import FIELDS as SHEET_FIELDS
from checklist.result import Finding, Result
from checklist.serve.uploads import safe_name
from checklist.text import record_ref, say

DEFAULT_PACK = "ideology-responsibility"
VIOLATION = ("gap", "late", "exceeded")


@dataclass(frozen=True)
class Options:
    """What the clerk chose on the upload form."""

    pack: str = DEFAULT_PACK
    year: int | None = None
    as_of: dt.date | None = None
    units: tuple[str, ...] | None = None  # only these units (a unit's account sees its own)
    lang: str = "zh"

    def as_dict(self) -> dict[str, Any]:
        return {
            "pack": self.pack,
            "year": self.year,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "units": list(self.units) if self.units else None,
            "lang": self.lang,
        }


@dataclass
class Verdict:
    """An evaluation and what the page shows beside it."""

    result: Result
    records: dict[str, Any]  # rows: record id -> [date, name] cited by findings; said: texts in both languages
    inputs: list[dict[str, Any]] = field(default_factory=list)


# ---------------------------------------------------------------- packs


@functools.cache
def _shipped(pack_id: str) -> Any:
    """A shipped pack, parsed once per process: its YAML never changes while the page runs, and
    parsing it costs more than evaluating a small ledger."""
    from checklist.pack import load_pack

    return load_pack(pack_id)


@functools.lru_cache(maxsize=1)
def _shipped_ids() -> tuple[str, ...]:
    from checklist.pack import shipped_pack_ids

    return tuple(shipped_pack_ids())


def _pack(ref: str | Path, lang: str) -> Any:
    """A pack named on the form must be a shipped one (never a path on the server); an uploaded
    pack comes as a Path to the server's own copy."""
    from checklist.pack import load_pack

    if isinstance(ref, Path):
        return load_pack(ref)
    if ref not in _shipped_ids():
        raise UsageError(say("serve.form.pack", lang, value=ref))
    return _shipped(ref)


def shipped_packs() -> list[dict[str, Any]]:
    out = []
    for pack_id in _shipped_ids():
        pack = _shipped(pack_id)
        out.append(
            {
                "id": pack.id,
                "version": pack.version,
                "title": pack.title,
                "title_en": pack.title_en or pack.title,
                "rules": len(pack.active_rules),
                "extends": [s.id for s in pack.sources[:-1]],
            }
        )
    return out


def pack_catalogue(pack_id: str, lang: str, year: int | None = None) -> str:
    """The shipped pack explained, as `checklist rules show` prints it."""
    from checklist.pack.catalogue import catalogue

    if pack_id not in _shipped_ids():
        raise KeyError(pack_id)
    return catalogue(_shipped(pack_id), lang, year)


def validate_pack(name: str, data: bytes) -> tuple[dict[str, Any] | None, list[str]]:
    """An uploaded pack, loaded under the loader's bounds: (summary, []) or (None, located errors)."""
    from checklist.pack import load_pack

    with tempfile.TemporaryDirectory(prefix="checklist-pack-") as tmp:
        path = Path(tmp) / safe_name(name, "pack.yaml")
        path.write_bytes(data)
        try:
            pack = load_pack(path)
        except InputError as err:
            return None, [_relocate(str(p), str(path), name) for p in err.problems]
        except ChecklistError as err:
            return None, [_relocate(str(err), str(path), name)]
        return {"id": pack.id, "version": pack.version, "title": pack.title, "rules": len(pack.active_rules)}, []


def _relocate(text: str, tmp_path: str, name: str) -> str:
    """Messages name the file as the person uploaded it, never the server's temporary path."""
    return text.replace(tmp_path, name)


def template_available() -> bool:
    """Whether the library ships the blank 台账 template (`checklist template`, checklist.template)."""
    try:
        module = importlib.import_module("checklist.template")
    except ImportError:
        return False
    return callable(getattr(module, "write_template", None))


def template_workbook(pack_id: str, lang: str) -> bytes:
    module = importlib.import_module("checklist.template")
    data = module.write_template(_shipped(pack_id), lang=lang)
    if not isinstance(data, bytes):
        raise TypeError("checklist.template.write_template returned no bytes")
    return data


# ---------------------------------------------------------------- evaluation


def evaluate_files(
    paths: list[Path],
    names: list[str],
    options: Options,
    pack_path: Path | None = None,
    units_path: Path | None = None,
) -> Verdict:
    """Read the uploaded files as one ledger (DESIGN §4.1) and evaluate them; with a units list
    (unit,type,parent,…) listed units without rows are evaluated too and marked 未报送."""
    from checklist.engine import evaluate
    from checklist.ledger import read_ledger
    from checklist.ledger.side import read_units

    pack = _pack(pack_path or options.pack, options.lang)
    unit_list = read_units(units_path) if units_path else None
    source: Any = paths[0] if len(paths) == 1 else list(paths)
    ledger = read_ledger(source, year=options.year, empty_ok=unit_list is not None)
    result = evaluate(
        pack,
        ledger,
        year=options.year,
        as_of=options.as_of,
        units=list(options.units) if options.units else None,
        unit_list=unit_list,
        group_by="parent" if unit_list else None,
    )
    inputs = [
        {"name": name, "size": path.stat().st_size, "fingerprint": _fingerprint(path)}
        for name, path in zip(names, paths, strict=True)
    ]
    records = {"rows": _records(ledger, result), "said": _said(result), "by_row": not getattr(ledger, "has_id", False)}
    return Verdict(result=result, records=records, inputs=inputs)


def _said(result: Result) -> dict[str, list[list[str]]]:
    """Rejected-row reasons and warnings in both languages. The stored result is the DESIGN §6 JSON,
    which keeps one (English) sentence of each; these restore the other language on reading."""
    return {
        "rejected": [[r.text("zh"), r.text("en")] for r in result.rejected],
        "warnings": [[w.text("zh"), w.text("en")] for w in result.warnings],
    }


def _fingerprint(path: Path) -> str:
    import xxhash

    digest = xxhash.xxh3_128()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _records(ledger: Any, result: Result) -> dict[str, list[str]]:
    """Date and activity name of every row a violation, due or at-risk finding cites."""
    wanted = {str(r) for f in result.findings if f.status != "met" for r in f.records}
    if not wanted:
        return {}
    table = ledger.table
    # Record ids are the ledger's 序号 when it has that column, else spreadsheet row numbers (engine).
    keys = table["id"].to_pylist() if getattr(ledger, "has_id", False) else table["row"].to_pylist()
    dates = table["date"].to_pylist()
    titles = table["title"].to_pylist() if "title" in table.column_names else [None] * table.num_rows
    activities = table["activity"].to_pylist()
    out: dict[str, list[str]] = {}
    for key, day, title, activity in zip(keys, dates, titles, activities, strict=True):
        if str(key) in wanted and str(key) not in out:
            out[str(key)] = [day.isoformat() if day else "", str(title or activity or "")]
    return out


def result_from_json(text: str | bytes, records: dict[str, Any] | None = None) -> Result:
    """A stored result, with its rows' reasons and warnings speaking both languages again."""
    from checklist.text import Pair

    result = Result.model_validate_json(text)
    said = (records or {}).get("said") or {}
    for kind, items in (("rejected", result.rejected), ("warnings", result.warnings)):
        texts = said.get(kind) or []
        if len(texts) != len(items):
            continue
        for item, (zh, en) in zip(items, texts, strict=True):
            if hasattr(item, "_said"):
                item._said = Pair(getattr(item, "code", None) or kind, zh, en)
    return result


def cite(records: dict[str, Any], record: object, lang: str) -> str:
    """A cited record as every other output names it: 序号7, 第7行 (a ledger without 序号) or its
    file:sheet!row reference. A verdict stored before this was kept says 记录 7."""
    if "by_row" not in records:
        return say("serve.record", lang, id=record)
    return record_ref(record, by_row=bool(records["by_row"])).text(lang)


def row_info(records: dict[str, Any]) -> dict[str, list[str]]:
    """Record id -> [date, activity name] of the rows problems cite."""
    return records.get("rows", {})


# ---------------------------------------------------------------- what the page shows


def unit_rows(result: Result) -> list[dict[str, Any]]:
    """Units with score, and rating and 名次 when the library provides them (DESIGN §5.1)."""
    rows = []
    for u in result.units:
        rows.append(
            {
                "unit": u.unit,
                "score": u.score,
                "rating": getattr(u, "rating", None),
                "rank": getattr(u, "rank", None),
                "submitted": getattr(u, "submitted", None),
                "met": u.met,
                "violations": u.violations,
                "due": u.due,
            }
        )
    ranked = any(r["rank"] is not None for r in rows)
    key = (lambda r: (r["rank"] is None, r["rank"] or 0, r["unit"])) if ranked else (lambda r: r["unit"])
    return sorted(rows, key=key)


def has_rating(result: Result) -> bool:
    return any(getattr(u, "rating", None) is not None for u in result.units)


def rule_titles(result: Result, lang: str) -> dict[str, str]:
    from checklist.render.common import rule_title

    return {r["id"]: rule_title(result, r["id"], lang) for r in result.rules}


def matrix(result: Result) -> dict[tuple[str, str], dict[str, int]]:
    """(unit, rule) -> counts of findings by status, for the units × duties table."""
    cells: dict[tuple[str, str], dict[str, int]] = {}
    for f in result.findings:
        cell = cells.setdefault((f.unit, f.rule), {})
        cell[f.status] = cell.get(f.status, 0) + 1
    return cells


def worst(cell: dict[str, int]) -> str:
    """The status a cell shows: any violation, else due, else met, else waived."""
    if any(cell.get(s) for s in VIOLATION):
        return "violation"
    for status in ("due", "met", "waived"):
        if cell.get(status):
            return status
    return "none"


def finding_text(result: Result, finding: Finding, lang: str) -> str:
    from checklist.render.common import finding_message

    return finding_message(result, finding, lang)


def violations(result: Result) -> list[Finding]:
    return result.violations()


def due_findings(result: Result) -> list[Finding]:
    """What is still due, the ones at risk first."""
    due = result.due_findings()
    return sorted(due, key=lambda f: (f.outlook != "at_risk", f.due, f.unit, f.rule))


# ---------------------------------------------------------------- downloads


def render_bytes(result: Result, fmt: str, lang: str) -> bytes:
    from checklist.render import RenderOptions, render

    data = render(result, fmt, RenderOptions(lang=lang))
    return data if isinstance(data, bytes) else data.encode("utf-8")


def bulletin_available(result: Result) -> bool:
    """A 通报 is offered for several units once the library can write one (the assess helper's work)."""
    return len(result.units) > 1 and _bulletin_fn() is not None


def _bulletin_fn() -> Any:
    try:
        module = importlib.import_module("checklist.render.bulletin")
    except ImportError:
        return None
    fn = getattr(module, "render_bulletin", None)
    return fn if callable(fn) else None


def bulletin_bytes(result: Result, lang: str) -> bytes:
    from checklist.render import RenderOptions

    fn = _bulletin_fn()
    data = fn(result, RenderOptions(lang=lang))
    return data if isinstance(data, bytes) else data.encode("utf-8")


# ---------------------------------------------------------------- 整改台账 (对账销号 by workflow/plan.py)


# The 整改台账 columns (checklist.rectify.sheet, the one definition) as the database keeps them: the
# rule id instead of its title (职责) and no severity, both of which follow the pack.
PLAN_FIELDS = tuple("rule" if name == "duty" else name for name in SHEET_FIELDS if name != "severity")
IN_PROGRESS = "整改中"


def plan_statuses() -> tuple[str, ...]:
    from checklist.workflow.plan import CLOSED, OPEN

    return (OPEN, IN_PROGRESS, CLOSED)


def reconcile(result: Result, existing: Iterable[dict[str, Any]], lang: str) -> tuple[list[dict[str, Any]], dict]:
    """The stored items of the evaluated units, re-checked against this result by plan.update_plan.

    Returns the items after the check (as dicts of PLAN_FIELDS) and the changes (opened, closed,
    overdue ids). An item someone marked 整改中 stays 整改中 while its problem remains.
    """
    from checklist.workflow.plan import OPEN, OVERDUE, Item, update_plan

    before = {row["item"]: row for row in existing}
    items = [Item(**{k: row[k] for k in PLAN_FIELDS}) for row in before.values()]
    changes = update_plan(result, items, lang)
    after, seen = [], set()
    for item in changes.items:
        # Two records of one unit and day lacking evidence give two violations with one item id
        # (unit, rule, period): one item in the database, as the 整改台账 reader expects.
        if item.item in seen:
            continue
        seen.add(item.item)
        row = {k: getattr(item, k) for k in PLAN_FIELDS}
        old = before.get(item.item)
        if old is not None and old["status"] == IN_PROGRESS and row["status"] in (OPEN, OVERDUE):
            row["status"] = IN_PROGRESS
        after.append(row)
    opened = list(dict.fromkeys(changes.opened))
    return after, {"opened": opened, "closed": changes.closed, "overdue": list(dict.fromkeys(changes.overdue))}


def plan_workbook(items: Iterable[dict[str, Any]]) -> bytes:
    """The 整改台账 as it stands in the database, in the workbook `checklist plan` writes."""
    from checklist.workflow.plan import Item, write_plan

    return write_plan([Item(**{k: row[k] for k in PLAN_FIELDS}) for row in items])
