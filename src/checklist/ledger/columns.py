"""Which ledger column is which field: header synonyms (DESIGN §4), mapping files, the header row."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from checklist.errors import LedgerError, Location, Problem

# field -> accepted headers; compared after NFKC, trimming and case-folding.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "date": ("date", "日期", "时间", "活动日期", "开展时间", "活动时间", "会议时间", "开展日期"),
    "activity": ("activity", "type", "活动类型", "类型", "类别", "活动名称", "活动类别"),
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


def norm(text: object) -> str:
    """How headers, units and activity types are compared: NFKC, trimmed, case-folded."""
    return unicodedata.normalize("NFKC", str(text)).strip().casefold()


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
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8-sig"))
    except OSError as err:
        raise LedgerError(Problem(Location(shown), f"cannot read mapping: {err.strerror or err}")) from None
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise LedgerError(Problem(Location(shown), f"mapping is not valid UTF-8 YAML: {err}")) from None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise LedgerError(Problem(Location(shown), "mapping must be 'field: header' lines, e.g. 'date: 会议日期'"))
    unknown = sorted(set(data) - set(SYNONYMS))
    if unknown:
        raise LedgerError(
            Problem(Location(shown), f"unknown field(s) {', '.join(unknown)}; fields are {', '.join(SYNONYMS)}")
        )
    return {str(k): v for k, v in data.items()}


def map_columns(headers: Sequence[object], mapping: dict[str, str] | None = None) -> ColumnMap:
    """Assign fields to columns: the mapping first, then the synonyms; the first match wins."""
    names = [("" if h is None else str(h)).strip() for h in headers]
    normed = [norm(h) for h in names]
    fields: dict[str, int] = {}
    for field, header in (mapping or {}).items():
        if norm(header) in normed:
            fields[field] = normed.index(norm(header))
    taken = set(fields.values())
    for field, synonyms in SYNONYMS.items():
        if field in fields:
            continue
        for synonym in synonyms:
            key = norm(synonym)
            if key in normed and normed.index(key) not in taken:
                fields[field] = normed.index(key)
                taken.add(fields[field])
                break
    extra = {name: i for i, name in enumerate(names) if i not in taken and name}
    return ColumnMap(fields, extra, names)


def missing_columns_problem(file: str, header_row: int, columns: ColumnMap, mapping: dict[str, str] | None) -> Problem:
    missing = [f for f in REQUIRED if f not in columns.fields]
    wanted = "; ".join(f"{f}: {(mapping or {}).get(f) or ', '.join(SYNONYMS[f])}" for f in missing)
    found = ", ".join(h for h in columns.headers if h) or "none"
    return Problem(
        Location(file, header_row),
        f"missing required column(s) {', '.join(missing)} (accepted headers — {wanted}); headers found: {found}"
        " (use --mapping to name other headers)",
    )


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
