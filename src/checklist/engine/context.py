"""What every rule evaluation shares: the window, as_of, units, row masks and record ids."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from checklist.engine.conditions import number_column
from checklist.ledger import Ledger
from checklist.ledger.side import Member, UnitInfo
from checklist.pack.model import Pack, RuleBase
from checklist.periods import Period

EPOCH = dt.date(1970, 1, 1)


def day_number(day: dt.date) -> int:
    return (day - EPOCH).days


def from_day_number(n: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(n))


@dataclass
class Context:
    pack: Pack
    ledger: Ledger
    start: dt.date
    end: dt.date
    as_of: dt.date
    masks: dict[str, np.ndarray]
    unit_names: list[str]  # code -> name; ledger units first, then units known only from the list
    units: np.ndarray  # unit code per ledger row
    eval_units: list[str]  # the units evaluated, sorted
    unit_info: dict[str, UnitInfo] = field(default_factory=dict)
    roster: list[Member] = field(default_factory=list)

    @property
    def table(self) -> pa.Table:
        return self.ledger.table

    @property
    def fy_month(self) -> int:
        return self.pack.calendar.year_start_month

    @cached_property
    def dates(self) -> np.ndarray:
        return self.table["date"].combine_chunks().cast(pa.int32()).to_numpy(zero_copy_only=False)

    @cached_property
    def minutes(self) -> np.ndarray:
        """Minute of day per row, -1 where the ledger gave no time."""
        return self.table["minute"].combine_chunks().fill_null(-1).to_numpy(zero_copy_only=False)

    @cached_property
    def counted(self) -> np.ndarray:
        """Rows that may count at all: not a repeated duplicate, not after as_of, of an evaluated unit."""
        ok = ~self.table["duplicate"].combine_chunks().to_numpy(zero_copy_only=False)
        ok &= self.dates <= day_number(self.as_of)
        ok &= ~self.outside_span
        evaluated = np.zeros(len(self.unit_names), dtype=bool)
        evaluated[[self.code[u] for u in self.eval_units]] = True
        return ok & evaluated[self.units] if len(self.units) else ok

    @cached_property
    def outside_span(self) -> np.ndarray:
        """Rows dated before their unit was established or after it was dissolved (--units)."""
        out = np.zeros(len(self.dates), dtype=bool)
        for unit, info in self.unit_info.items():
            code = self.code.get(unit)
            if code is None or (info.established is None and info.dissolved is None):
                continue
            mine = self.units == code
            if info.established is not None:
                out |= mine & (self.dates < day_number(info.established))
            if info.dissolved is not None:
                out |= mine & (self.dates > day_number(info.dissolved))
        return out

    @cached_property
    def code(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.unit_names)}

    @cached_property
    def _ids(self) -> np.ndarray:
        """Record ids: the ledger's id column (as integers when every id is one), else row numbers."""
        if not self.ledger.has_id:
            return self.table["row"].to_numpy()
        ids = self.table["id"].combine_chunks()
        if pc.all(pc.match_substring_regex(ids, r"^[0-9]{1,18}$")).as_py():
            return pc.cast(ids, pa.int64()).to_numpy()
        return np.array(ids.to_pylist(), dtype=object)

    def day_objects(self, days: np.ndarray) -> list[dt.date]:
        """Day numbers as dates, each distinct day converted once (ledgers repeat their days)."""
        values, inverse = np.unique(days, return_inverse=True)
        made = [from_day_number(v) for v in values.tolist()]
        return [made[i] for i in inverse.tolist()]

    def record_id(self, index: int) -> int | str:
        return self._ids[index].item() if self._ids.dtype != object else self._ids[index]

    def record_ids(self, indices: np.ndarray | list[int]) -> list[int | str]:
        return self._ids[np.asarray(indices, dtype=np.int64)].tolist()

    def category_rows(self, category_ids: tuple[str, ...]) -> np.ndarray:
        if "*" in category_ids:
            mask = np.zeros(self.table.num_rows, dtype=bool)
            for m in self.masks.values():
                mask |= m
        else:
            mask = np.zeros(self.table.num_rows, dtype=bool)
            for cid in category_ids:
                mask |= self.masks[cid]
        return mask & self.counted

    def number(self, name: str) -> np.ndarray:
        """A numeric column for sums: blanks and non-numbers add nothing."""
        return np.nan_to_num(number_column(self.table, name), nan=0.0)

    def applies(self, rule: RuleBase, unit: str) -> bool:
        if rule.applies_to is None:
            return True
        info = self.unit_info.get(unit)
        return info is not None and info.type in rule.applies_to

    def active(self, unit: str, start: dt.date, end: dt.date) -> bool:
        """The unit existed for the whole of [start, end] (units without a list entry always did)."""
        if not self.unit_info:
            return True
        info = self.unit_info.get(unit)
        if info is None:
            return True
        return (info.established is None or info.established <= start) and (
            info.dissolved is None or info.dissolved >= end
        )

    def period_applies(self, unit: str, period: Period) -> bool:
        return self.active(unit, period.start, period.end)

    def unit_rows(self, mask: np.ndarray) -> dict[int, np.ndarray]:
        """Indices of the rows in `mask`, grouped by unit code, each group in date order."""
        idx = np.flatnonzero(mask)
        if not len(idx):
            return {}
        order = np.lexsort((self.dates[idx], self.units[idx]))
        idx = idx[order]
        codes = self.units[idx]
        cuts = np.flatnonzero(np.diff(codes)) + 1
        return {int(codes[g[0]]): idx[g] for g in np.split(np.arange(len(idx)), cuts)}
