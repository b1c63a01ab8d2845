"""Side inputs (DESIGN §4): roster, units list and waivers, read with the ledger's readers."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from checklist.errors import LedgerError, Location, Problem
from checklist.ledger.columns import norm
from checklist.ledger.dates import DateError, parse_when
from checklist.ledger.readers import read_raw
from checklist.text import msg

ROSTER = {
    "unit": ("unit", "单位", "支部", "部门"),
    "person": ("person", "姓名", "人员", "党员"),
    "role": ("role", "职务", "角色", "身份"),
    "from": ("from", "起始日期", "开始日期", "起始", "入职日期"),
    "to": ("to", "结束日期", "截止日期", "结束", "离开日期"),
}
UNITS = {
    "unit": ("unit", "单位", "单位名称", "党组织"),
    "type": ("type", "类型", "单位类型"),
    "parent": ("parent", "上级", "上级单位", "上级党组织"),
    "established": ("established", "成立日期", "设立日期", "成立时间"),
    "dissolved": ("dissolved", "撤销日期", "撤销时间", "撤并日期"),
}
WAIVERS = {
    "unit": ("unit", "单位"),
    "rule": ("rule", "规则", "规则编号"),
    "from": ("from", "开始日期", "起始日期", "开始"),
    "to": ("to", "结束日期", "截止日期", "结束"),
    "reason": ("reason", "原因", "理由", "豁免原因"),
    "approved_by": ("approved_by", "批准人", "审批人", "批准单位"),
    "expires": ("expires", "有效期至", "失效日期", "到期日期"),
}


@dataclass(frozen=True, slots=True)
class Member:
    unit: str
    person: str
    role: str
    start: dt.date | None
    end: dt.date | None

    def active_during(self, start: dt.date, end: dt.date) -> bool:
        return (self.start is None or self.start <= end) and (self.end is None or self.end >= start)


@dataclass(frozen=True, slots=True)
class UnitInfo:
    unit: str
    type: str | None
    parent: str | None
    established: dt.date | None
    dissolved: dt.date | None


@dataclass(frozen=True, slots=True)
class Waiver:
    unit: str  # '*' for every unit
    rule: str
    start: dt.date
    end: dt.date
    reason: str
    approved_by: str
    expires: dt.date | None
    row: int


def _records(path: str | Path, spec: dict[str, tuple[str, ...]], required: tuple[str, ...]) -> list[tuple[int, dict]]:
    """Rows as {field: text}, each with its spreadsheet row number; blank rows skipped."""
    file = str(path)
    _kind, raw = read_raw(Path(path), noun="file")
    normed = [norm(h) for h in raw.headers]
    index: dict[str, int] = {}
    for field, names in spec.items():
        for name in names:
            if norm(name) in normed:
                index[field] = normed.index(norm(name))
                break
    missing = [f for f in required if f not in index]
    if missing:
        found = ", ".join(h for h in raw.headers if h) or msg("header.none_found")
        expected = ",".join(spec)
        problem = msg("side.missing_columns", missing=missing, expected=expected, found=found)
        raise LedgerError(Problem(Location(file, raw.header_row), problem))
    columns = {f: raw.columns[i].to_pylist() for f, i in index.items()}
    out = []
    for k, row in enumerate(raw.rows.to_pylist()):
        values = {f: (columns[f][k] or "").strip() for f in columns}
        if any(values.values()):
            out.append((row, values))
    return out


def _date(file: str, row: int, field: str, text: str) -> dt.date | None:
    if not text:
        return None
    try:
        return parse_when(text).day
    except DateError as err:
        raise LedgerError(Problem(Location(file, row), msg("side.bad_date", field=field, reason=err.message))) from None


def _need(file: str, row: int, values: dict[str, str], field: str) -> str:
    if not values.get(field):
        raise LedgerError(Problem(Location(file, row), msg("side.empty", field=field)))
    return values[field]


def read_roster(path: str | Path) -> list[Member]:
    file = str(path)
    members = []
    for row, v in _records(path, ROSTER, ("unit", "person")):
        members.append(
            Member(
                unit=norm_unit(_need(file, row, v, "unit")),
                person=_need(file, row, v, "person"),
                role=v.get("role", ""),
                start=_date(file, row, "from", v.get("from", "")),
                end=_date(file, row, "to", v.get("to", "")),
            )
        )
    return members


def read_units(path: str | Path) -> list[UnitInfo]:
    file = str(path)
    units = []
    seen: dict[str, int] = {}
    for row, v in _records(path, UNITS, ("unit",)):
        unit = norm_unit(_need(file, row, v, "unit"))
        if unit in seen:
            raise LedgerError(Problem(Location(file, row), msg("side.unit_twice", unit=unit, other=seen[unit])))
        seen[unit] = row
        info = UnitInfo(
            unit=unit,
            type=v.get("type") or None,
            parent=norm_unit(v["parent"]) if v.get("parent") else None,
            established=_date(file, row, "established", v.get("established", "")),
            dissolved=_date(file, row, "dissolved", v.get("dissolved", "")),
        )
        if info.established and info.dissolved and info.dissolved < info.established:
            raise LedgerError(Problem(Location(file, row), msg("side.dissolved_before")))
        units.append(info)
    return units


def read_waivers(path: str | Path) -> list[Waiver]:
    file = str(path)
    waivers = []
    for row, v in _records(path, WAIVERS, ("unit", "rule", "from", "to", "reason", "approved_by")):
        start = _date(file, row, "from", _need(file, row, v, "from"))
        end = _date(file, row, "to", _need(file, row, v, "to"))
        assert start is not None and end is not None
        if end < start:
            raise LedgerError(Problem(Location(file, row), msg("side.to_before_from")))
        waivers.append(
            Waiver(
                unit=norm_unit(_need(file, row, v, "unit")),
                rule=_need(file, row, v, "rule"),
                start=start,
                end=end,
                reason=_need(file, row, v, "reason"),
                approved_by=_need(file, row, v, "approved_by"),
                expires=_date(file, row, "expires", v.get("expires", "")),
                row=row,
            )
        )
    return waivers


def norm_unit(text: str) -> str:
    """Unit names compare after NFKC and trimming, as in the ledger."""
    return unicodedata.normalize("NFKC", text).strip()
