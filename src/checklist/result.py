"""The evaluation result (DESIGN §6): typed, immutable, serialised once for every renderer."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from checklist.notice import Notice, RejectedRow

SCHEMA = "checklist.result/1"
Status = Literal["met", "gap", "due", "exceeded", "late", "waived"]
VIOLATIONS: frozenset[str] = frozenset({"gap", "late", "exceeded"})
RecordId = int | str
_new, _set = object.__new__, object.__setattr__


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)

    @classmethod
    def build(cls, **values: Any) -> Any:
        """Construct from values the engine already typed, skipping validation (5x model_construct).

        Every field must be given; tests hold the result equal to a validated model.
        """
        return cls.of(values)

    @classmethod
    def of(cls, values: dict[str, Any]) -> Any:
        """build() from a dict that becomes the object's own (hot paths pass a dict literal, which
        Python makes twice as fast as keyword arguments). All objects of a class share one
        fields-set (every field is set; pydantic copies it before any change): a set of nineteen
        names per finding was a third of a big result's memory.
        """
        obj = _new(cls)
        _set(obj, "__dict__", values)
        _set(obj, "__pydantic_fields_set__", _all_fields(cls))
        _set(obj, "__pydantic_extra__", None)
        _set(obj, "__pydantic_private__", None)
        return obj


_ALL_FIELDS: dict[type, set[str]] = {}


def _all_fields(cls: type[BaseModel]) -> set[str]:
    try:
        return _ALL_FIELDS[cls]
    except KeyError:
        return _ALL_FIELDS.setdefault(cls, set(cls.model_fields))


class NearMiss(_Frozen):
    """A record that almost counted, and why it did not (outside the window, failed a condition…)."""

    record: RecordId
    date: dt.date
    reason: str
    reason_en: str | None = None


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


class Duty(_Frozen):
    """How one unit did on one rule that applies to it (DESIGN §5.1): `met` of `judged` findings, or of
    the records checked for record-level rules (evidence: records on file of records checked)."""

    rule: str
    judged: int
    met: int
    shortfall: float = 0
    kept: float | None = None  # points kept (扣分制), when the pack declares points


class Tally(_Frozen):
    """A unit's own share of the input: rows = matched + unmatched + rejected."""

    rows: int
    matched: int
    unmatched: int
    rejected: int


class UnitSummary(_Frozen):
    unit: str
    score: float | None
    met: int
    violations: int
    due: int
    waived: int = 0
    type: str | None = None
    parent: str | None = None
    # DESIGN §5.1 (revision 2): the basis of reports, roll-ups and rankings.
    rating: float | None = None
    rank: int | None = None
    submitted: bool | None = None
    duties: list[Duty] = Field(default_factory=list)
    input: Tally | None = None


class Window(_Frozen):
    from_: dt.date = Field(alias="from")
    to: dt.date


class GroupDuty(_Frozen):
    """Of a parent body's units judged on a rule, how many met it in full (专题研究 2次: 41/52 个单位)."""

    rule: str
    met_units: int
    units: int


class GroupSummary(_Frozen):
    """A superior body's roll-up (`--group-by parent`): pooled score of its units, worst unit first."""

    group: str
    units: int
    score: float | None
    met: int
    violations: int
    due: int
    worst_unit: str | None = None
    rating: float | None = None  # mean of its units' ratings (DESIGN §5.1)
    rank: int | None = None
    duties: list[GroupDuty] = Field(default_factory=list)
    unsubmitted: list[str] = Field(default_factory=list)


class Comparison(_Frozen):
    """The same evaluation one year earlier (`--compare-previous`), per unit."""

    window: Window
    as_of: dt.date
    units: list[UnitSummary]


class IntegrityNote(_Frozen):
    """An integrity warning (`--audit`): back-filled, crammed, copied or too-close records."""

    kind: str
    unit: str
    rows: list[int]
    message: str


class PackRef(_Frozen):
    id: str
    version: str


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
    unit: str | None = None


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
    groups: list[GroupSummary] = Field(default_factory=list)
    previous: Comparison | None = None
    integrity: list[IntegrityNote] = Field(default_factory=list)

    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.is_violation]

    def due_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.status == "due"]

    def to_dict(self, *, bulky: bool = True) -> dict[str, Any]:
        """The DESIGN §6 object. Big lists are serialised by hand (a test holds them equal to
        pydantic's own dump): a million-row ledger may list tens of thousands of rows.
        `bulky=False` leaves findings, unmatched and rejected out (as None), for callers that
        serialise them their own way."""
        big = {"findings", "unmatched", "rejected"}
        head = self.model_dump(mode="json", by_alias=True, exclude=big)
        out: dict[str, Any] = {}
        for name, info in type(self).model_fields.items():
            key = info.alias or name
            if name in big and not bulky:
                out[key] = None
            elif name == "findings":
                out[key] = [finding_dict(f) for f in self.findings]
            elif name == "unmatched":
                out[key] = [
                    {"row": u.row, "activity": u.activity, "suggestion": u.suggestion, "unit": u.unit}
                    for u in self.unmatched
                ]
            elif name == "rejected":
                out[key] = [{"row": r.row, "reason": r.reason} for r in self.rejected]
            else:
                out[key] = head[key]
        return out

    def to_json(self, indent: bool = True) -> str:
        return self.to_json_bytes(indent).decode("utf-8")

    def to_json_bytes(self, indent: bool = True) -> bytes:
        """The same as to_json(), as UTF-8 bytes.

        The big lists go to orjson nearly as stored: dates as date objects (orjson writes them as
        ISO dates, as isoformat() does) and rows' own field dicts, which are read, never changed.
        """
        import orjson

        out = self.to_dict(bulky=False)
        out["findings"] = [_finding_raw(f) for f in self.findings]
        out["unmatched"] = [u.__dict__ for u in self.unmatched]
        out["rejected"] = [{"row": r.row, "reason": r.reason} for r in self.rejected]
        return orjson.dumps(out, option=orjson.OPT_INDENT_2 if indent else 0)


def score(met: int, violations: int) -> float | None:
    """met ÷ (met + violations) as a percentage with one decimal; None when nothing was judged."""
    judged = met + violations
    return round(100.0 * met / judged, 1) if judged else None


def group_by_parent(units: list[UnitSummary]) -> list[GroupSummary]:
    """Roll units up to their parent body (units without one form the group '-'), worst group first."""
    members: dict[str, list[UnitSummary]] = {}
    for unit in units:
        members.setdefault(unit.parent or "-", []).append(unit)
    groups = []
    for name, group in members.items():
        met, violations = sum(u.met for u in group), sum(u.violations for u in group)
        judged = [u for u in group if u.score is not None]
        worst = min(judged, key=lambda u: (u.score, u.unit)).unit if judged else None
        groups.append(
            GroupSummary(
                group=name,
                units=len(group),
                score=score(met, violations),
                met=met,
                violations=violations,
                due=sum(u.due for u in group),
                worst_unit=worst,
            )
        )
    return sorted(groups, key=lambda g: (g.score is None, g.score if g.score is not None else 0, g.group))


def _number(value: float | None) -> float | int | None:
    """Whole numbers print as integers (a count of 2, not 2.0); sums keep their fractions."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


_WHOLE: dict[float | None, float | int | None] = {}


def _whole(value: float | None) -> float | int | None:
    """_number, remembered: findings repeat a handful of counts."""
    try:
        return _WHOLE[value]
    except KeyError:
        if len(_WHOLE) < 10_000:
            _WHOLE[value] = _number(value)
        return _number(value)


def _finding_raw(f: Finding) -> dict[str, Any]:
    """finding_dict for orjson: the same keys and values, dates left as dates."""
    d = f.__dict__
    misses, waiver = d["near_misses"], d["waiver"]
    return {
        "unit": d["unit"],
        "rule": d["rule"],
        "period": d["period"],
        "start": d["start"],
        "end": d["end"],
        "status": d["status"],
        "required": _whole(d["required"]),
        "count": _whole(d["count"]),
        "missing": _whole(d["missing"]),
        "due": d["due"],
        "person": d["person"],
        "records": d["records"],
        "severity": d["severity"],
        "message": d["message"],
        "kind": d["kind"],
        "excess": _whole(d["excess"]),
        "outlook": d["outlook"],
        "near_misses": [m.__dict__ for m in misses] if misses else [],
        "waiver": waiver.model_dump(mode="json") if waiver else None,
    }


def finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "unit": f.unit,
        "rule": f.rule,
        "period": f.period,
        "start": f.start.isoformat(),
        "end": f.end.isoformat(),
        "status": f.status,
        "required": _number(f.required),
        "count": _number(f.count),
        "missing": _number(f.missing),
        "due": f.due.isoformat(),
        "person": f.person,
        "records": list(f.records),
        "severity": f.severity,
        "message": f.message,
        "kind": f.kind,
        "excess": _number(f.excess),
        "outlook": f.outlook,
        "near_misses": [
            {"record": m.record, "date": m.date.isoformat(), "reason": m.reason, "reason_en": m.reason_en}
            for m in f.near_misses
        ],
        "waiver": f.waiver.model_dump(mode="json") if f.waiver else None,
    }
