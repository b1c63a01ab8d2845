"""The evaluation result (DESIGN §6): typed, immutable, serialised once for every renderer."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from checklist.ledger import RejectedRow
from checklist.notice import Notice

SCHEMA = "checklist.result/1"
Status = Literal["met", "gap", "due", "exceeded", "late", "waived"]
VIOLATIONS: frozenset[str] = frozenset({"gap", "late", "exceeded"})
RecordId = int | str


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)


class NearMiss(_Frozen):
    """A record that almost counted, and why it did not (outside the window, failed a condition…)."""

    record: RecordId
    date: dt.date
    reason: str


class WaiverRef(_Frozen):
    reason: str
    approved_by: str
    expires: dt.date | None = None


class Finding(_Frozen):
    """One verdict: unit × rule × period (× person). Built once by the engine, never changed."""

    unit: str
    rule: str
    period: str
    start: dt.date
    end: dt.date
    status: Status
    required: float
    count: float
    missing: float
    due: dt.date
    person: str | None = None
    records: list[RecordId] = Field(default_factory=list)
    severity: str = "medium"
    message: str = ""
    # Additions beyond DESIGN §6 (allowed: fields may be added).
    kind: str = "frequency"
    excess: float | None = None
    outlook: Literal["on_track", "at_risk"] | None = None
    near_misses: list[NearMiss] = Field(default_factory=list)
    waiver: WaiverRef | None = None

    @property
    def is_violation(self) -> bool:
        return self.status in VIOLATIONS


class UnitSummary(_Frozen):
    unit: str
    score: float | None
    met: int
    violations: int
    due: int
    waived: int = 0
    type: str | None = None
    parent: str | None = None


class PackRef(_Frozen):
    id: str
    version: str


class Window(_Frozen):
    from_: dt.date = Field(alias="from")
    to: dt.date


class InputCounts(_Frozen):
    rows: int
    matched: int
    unmatched: int
    rejected: int
    blank: int = 0


class UnmatchedRow(_Frozen):
    row: int
    activity: str
    suggestion: str | None = None


class Result(_Frozen):
    schema_: str = Field(SCHEMA, alias="schema")
    packs: list[PackRef]
    window: Window
    as_of: dt.date
    input: InputCounts
    rejected: list[RejectedRow]
    unmatched: list[UnmatchedRow]
    findings: list[Finding]
    units: list[UnitSummary]
    warnings: list[Notice]
    # Additions: how to reproduce the run, and what it was run on.
    fingerprint: str = ""
    source: str = ""
    language: str = "zh"
    rules: list[dict[str, Any]] = Field(default_factory=list)

    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.is_violation]

    def due_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.status == "due"]

    def to_dict(self) -> dict[str, Any]:
        return _compact(self.model_dump(mode="json", by_alias=True))

    def to_json(self, indent: int | None = 2) -> str:
        import json

        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    """Whole numbers print as integers (a count of 2, not 2.0); sums keep their fractions."""
    for finding in data["findings"]:
        for key in ("required", "count", "missing", "excess"):
            value = finding.get(key)
            if isinstance(value, float) and value.is_integer():
                finding[key] = int(value)
    return data
