"""The evaluation result (DESIGN §6): typed, immutable, serialised once for every renderer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal, cast

import orjson
from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

from checklist.notice import Notice, RejectedRow, RowRef
from checklist.text import Message, Pair, own_words

SCHEMA = "checklist.result/1"
Status = Literal["met", "gap", "due", "exceeded", "late", "waived"]
Outlook = Literal["on_track", "at_risk"]
VIOLATIONS: frozenset[str] = frozenset({"gap", "late", "exceeded"})
RecordId = int | str


class _Frozen(BaseModel):
    """The small records of a result: validated pydantic models, immutable."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)


# The records a result holds by the ten thousand (findings, near misses, unmatched rows) are frozen
# slotted dataclasses: built once by the engine, never patched, and serialised by orjson as they are
# (orjson writes dataclasses and dates natively). A finding takes a third of the memory a pydantic
# model took. Numbers are stored as JSON shows them: whole numbers as int (see `whole`).


@dataclass(frozen=True, slots=True)
class NearMiss:
    """A record that almost counted, and why it did not (outside the window, failed a condition…).

    `reason` (the pack's language) and `reason_en` are the JSON's; `_said`, when the engine gives it,
    is the same reason as a catalogue message, so documents can name its dates in words. orjson
    leaves out fields whose name starts with an underscore: the JSON is unchanged."""

    record: RecordId
    date: dt.date
    reason: str
    reason_en: str | None = None
    _said: Message | Pair | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, record: RecordId, day: dt.date, said: Message | Pair, language: str) -> NearMiss:
        """A near miss whose reason is a catalogue message, written in the pack's `language` and English."""
        return cls(record=record, date=day, reason=said.text(language), reason_en=said.text("en"), _said=said)

    def text(self, lang: str) -> str:
        """The reason for a person reading `lang`: its dates in words when it is a catalogue message."""
        if isinstance(self._said, Message):
            return self._said.text(lang, words=True)
        if self._said is not None:
            return self._said.text(lang)
        return own_words(self, lang, "reason")


@dataclass(frozen=True, slots=True)
class WaiverRef:
    reason: str
    approved_by: str
    expires: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Finding:
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
    records: list[RecordId] = field(default_factory=list)
    severity: str = "medium"
    message: str = ""
    # Additions beyond DESIGN §6 (allowed: fields may be added).
    kind: str = "frequency"
    excess: float | None = None
    outlook: Outlook | None = None
    near_misses: list[NearMiss] = field(default_factory=list)
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


@dataclass(frozen=True, slots=True)
class UnmatchedRow:
    row: int
    activity: str
    suggestion: str | None = None
    unit: str | None = None  # the row's unit: per-unit reports show each unit its own rows
    # DESIGN §4.1: where the row is: file and sheet when several are read (null otherwise), and the
    # row's reference (`FILE:SHEET!ROW`, or the row number of a single sheet).
    file: str | None = None
    sheet: str | None = None
    ref: RowRef | None = None


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


class EvaluationWindow(_Frozen):
    """The evaluation window `[from, to]` (DESIGN §5); not a rule's `window` part."""

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
    lowest_rated: str | None = None  # of its units that submitted, the lowest rating (ties: by name)


class Comparison(_Frozen):
    """The same evaluation one year earlier (`--compare-previous`), per unit."""

    window: EvaluationWindow
    as_of: dt.date
    units: list[UnitSummary]


class IntegrityNote(_Frozen):
    """An integrity warning (`--audit`): back-filled, crammed, copied or too-close records."""

    kind: str
    unit: str
    rows: list[int]
    message: str
    message_en: str | None = None  # added: `message` is Chinese, this the English (as NearMiss.reason_en)

    def text(self, lang: str = "zh") -> str:
        return own_words(self, lang, "message")


class PackRef(_Frozen):
    id: str
    version: str


class FileCounts(_Frozen):
    """One file's own accounting when several are read (DESIGN §4.1 `input.files`)."""

    file: str | None
    rows: int
    matched: int
    unmatched: int
    rejected: int
    blank: int = 0


class InputCounts(_Frozen):
    rows: int
    matched: int
    unmatched: int
    rejected: int
    blank: int = 0
    files: list[FileCounts] | None = None  # only when several files were read

    @model_serializer(mode="wrap")
    def _serialise(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        out = handler(self)
        if out.get("files") is None:
            out.pop("files", None)
        return out


class Result(_Frozen):
    schema_: str = Field(SCHEMA, alias="schema")
    packs: list[PackRef]
    window: EvaluationWindow
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

    def to_dict(self) -> dict[str, Any]:
        """The DESIGN §6 object, as the JSON says it (dates as ISO text)."""
        return cast("dict[str, Any]", orjson.loads(self.to_json_bytes(indent=False)))

    def to_json(self, indent: bool = True) -> str:
        return self.to_json_bytes(indent).decode("utf-8")

    def to_json_bytes(self, indent: bool = True) -> bytes:
        """The DESIGN §6 JSON as UTF-8 bytes: the one serialisation every output reads.

        Fields go to orjson as stored, in declaration order; orjson writes the dataclass records
        (findings, unmatched rows) and dates itself, the few pydantic records through `_plain`.
        """
        out = {info.alias or name: getattr(self, name) for name, info in type(self).model_fields.items()}
        return orjson.dumps(out, default=_plain, option=orjson.OPT_INDENT_2 if indent else 0)


def _plain(value: object) -> Any:
    """orjson's hook for what it cannot write itself: the pydantic records (by alias: `from`)."""
    if isinstance(value, BaseModel):
        return value.model_dump(by_alias=True)
    raise TypeError(f"{type(value).__name__} is not serialisable")


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
