"""Which ledger column is which field: header synonyms (DESIGN §4), mapping files, the header row."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from checklist.errors import LedgerError, Location, Problem
from checklist.pack.yamlsrc import too_deep
from checklist.text import Pair, joined, msg, one_line, os_reason, say

# field -> accepted headers; compared after NFKC, trimming and case-folding.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "date": ("date", "日期", "时间", "活动日期", "开展时间", "活动时间", "会议时间", "开展日期"),
    # 活动名称 last: beside a type column it is the title (DESIGN §4.1), not the activity.
    "activity": ("activity", "type", "活动类型", "类型", "类别", "活动类别", "活动名称"),
    "unit": ("unit", "单位", "部门", "支部", "党支部", "党组织", "单位名称"),
    "title": ("title", "主题", "内容", "活动主题", "活动内容", "会议主题"),
    "participants": ("participants", "参加人员", "参会人员", "参与人员", "出席人员"),
    "evidence": ("evidence", "佐证材料", "附件", "记录", "佐证", "会议记录"),
    "recorded_at": ("recorded_at", "登记日期", "录入时间", "登记时间", "录入日期"),
    "id": ("id", "编号", "序号"),
    "hours": ("hours", "学时", "时长", "学时数"),
    "present": ("present", "实到", "实到人数"),
    "expected": ("expected", "应到", "应到人数"),
}
REQUIRED = ("date", "activity")
NUMERIC = ("hours", "present", "expected")
HEADER_SCAN_ROWS = 20
MAPPING_BYTES = 256 * 1024
NAME_HEADER = "活动名称"  # the activity's own name: the title when a type column is beside it
_SPACE = re.compile(r"\s+")
# One note in brackets at the end of a header: 时间(年月日), 活动类型（必填）, 日期[必填] (after NFKC).
_NOTE = re.compile(r"^(?P<name>.+?)[(\[【〔][^()\[\]【】〔〕]*[)\]】〕]$")
CLOSE_ENOUGH = 60  # rapidfuzz ratio (0-100) for a "did you mean" between header keys


def norm(text: object) -> str:
    """How units and activity types are compared: NFKC, trimmed, case-folded."""
    return unicodedata.normalize("NFKC", str(text)).strip().casefold()


def header_key(text: object) -> str:
    """How headers are compared (DESIGN §4.1): NFKC, case-folded, every whitespace character removed
    (`日  期`, `活动\n日期`), and one trailing note in brackets dropped (`时间(年月日)` -> `时间`)."""
    key = _SPACE.sub("", norm("" if text is None else text))
    note = _NOTE.match(key)
    return note["name"] if note else key


# The synonyms' keys, worked out once: finding a header row compares every row above it with all of them.
_SYNONYM_KEYS = {field: tuple(dict.fromkeys(header_key(s) for s in synonyms)) for field, synonyms in SYNONYMS.items()}
_NAME_KEY = header_key(NAME_HEADER)


@dataclass(frozen=True)
class ColumnMap:
    """Field name -> index of the column holding it; `extra` keeps every other named column."""

    fields: dict[str, int]
    extra: dict[str, int]
    headers: list[str]

    def header_of(self, field: str) -> str:
        return self.headers[self.fields[field]]


def load_mapping(path: str | Path) -> dict[str, str]:
    """A mapping file: YAML `field: header` (e.g. `date: 会议日期`)."""
    shown = str(path)
    try:
        with Path(path).open("rb") as stream:
            raw = stream.read(MAPPING_BYTES + 1)
        if len(raw) > MAPPING_BYTES:
            raise LedgerError(Problem(Location(shown), msg("mapping.too_big", kb=MAPPING_BYTES >> 10)))
        text = raw.decode("utf-8-sig")
        if too_deep(text):
            raise RecursionError
        data = yaml.safe_load(text)
    except OSError as err:
        raise LedgerError(Problem(Location(shown), msg("mapping.cannot_read", reason=os_reason(err)))) from None
    except (yaml.YAMLError, UnicodeDecodeError, ValueError) as err:  # ValueError: a 4,301-digit integer
        raise LedgerError(Problem(Location(shown), msg("mapping.not_yaml", detail=one_line(err)))) from None
    except RecursionError:
        raise LedgerError(Problem(Location(shown), msg("mapping.too_deep"))) from None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise LedgerError(Problem(Location(shown), msg("mapping.shape")))
    unknown = sorted(set(data) - set(SYNONYMS))
    if unknown:
        raise LedgerError(
            Problem(Location(shown), msg("mapping.unknown_field", unknown=unknown, fields=list(SYNONYMS)))
        )
    return {str(k): v for k, v in data.items()}


def map_columns(headers: Sequence[object], mapping: dict[str, str] | None = None) -> ColumnMap:
    """Assign fields to columns: the mapping first, then the synonyms; the first match wins."""
    names = [("" if h is None else str(h)).strip() for h in headers]
    first: dict[str, int] = {}  # header key -> its first column
    for i, h in enumerate(names):
        if h:  # a damaged row may hold 65,536 blank cells
            first.setdefault(header_key(h), i)
    fields: dict[str, int] = {}
    for field, header in (mapping or {}).items():
        if header_key(header) in first:
            fields[field] = first[header_key(header)]
    taken = set(fields.values())
    for field, keys in _SYNONYM_KEYS.items():
        if field in fields:
            continue
        for key in keys:
            if key in first and first[key] not in taken:
                fields[field] = first[key]
                taken.add(fields[field])
                break
    if "title" not in fields and _NAME_KEY in first and first[_NAME_KEY] not in taken:
        fields["title"] = first[_NAME_KEY]  # 活动名称 beside 活动类型: the title keywords search
        taken.add(fields["title"])
    elif "title" not in fields and "activity" in fields and header_key(names[fields["activity"]]) == _NAME_KEY:
        fields["title"] = fields["activity"]  # 活动名称 alone: the activity, and the title searched too
    extra = {name: i for i, name in enumerate(names) if i not in taken and name}
    return ColumnMap(fields, extra, names)


def closest_header(field: str, headers: Sequence[str], mapping: dict[str, str] | None = None) -> tuple[str, str] | None:
    """(header found, accepted header it is nearest to) for `field`, when one is close (活动日起 -> 活动日期)."""
    from rapidfuzz import fuzz, process

    wanted = [s for s in ((mapping or {}).get(field), *SYNONYMS[field]) if s]
    keys = {header_key(h): h for h in headers if h and header_key(h)}
    best: tuple[float, str, str] | None = None
    for target in wanted:
        found = process.extractOne(header_key(target), list(keys), scorer=fuzz.ratio, score_cutoff=CLOSE_ENOUGH)
        if found and (best is None or found[1] > best[0]):
            best = (found[1], keys[found[0]], target)
    return None if best is None else (best[1], best[2])


def missing_columns_problem(file: str, header_row: int, columns: ColumnMap, mapping: dict[str, str] | None) -> Problem:
    """The error for a header row without a date or an activity column: what is accepted, the headers
    found (one line even when a cell holds a line break), and the closest one to each missing field."""
    missing = [f for f in REQUIRED if f not in columns.fields]
    zh, en = (_missing_text(missing, columns, mapping, lang) for lang in ("zh", "en"))
    return Problem(Location(file, header_row), Pair("header.missing", zh, en))


def _missing_text(missing: list[str], columns: ColumnMap, mapping: dict[str, str] | None, lang: str) -> str:
    sep = say("list.clauses", lang)
    wanted = sep.join(f"{f}: {(mapping or {}).get(f) or joined(SYNONYMS[f], lang, limit=20)}" for f in missing)
    shown = [_SPACE.sub(" ", h).strip() for h in columns.headers if h.strip()]
    found = joined(shown, lang, limit=30) if shown else say("header.none_found", lang)
    close = {f: closest_header(f, columns.headers, mapping) for f in missing}
    hints = "".join(
        sep + say("header.did_you_mean", lang, found=_SPACE.sub(" ", c[0]).strip(), header=c[1])
        for c in close.values()
        if c
    )
    return say("header.missing", lang, fields=", ".join(missing), wanted=wanted, found=found, hints=hints)


def find_header_row(rows: Sequence[Sequence[object]], mapping: dict[str, str] | None = None) -> int | None:
    """Index of the first row that names both a date and an activity column (title rows sit above)."""
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        columns = map_columns(row, mapping)
        if all(f in columns.fields for f in REQUIRED):
            return i
    return None


def first_nonblank_row(rows: Sequence[Sequence[object]]) -> int:
    for i, row in enumerate(rows):
        if any(str(v).strip() for v in row if v is not None):
            return i
    return 0
