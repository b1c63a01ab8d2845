"""The rule-pack language as pydantic models: what a pack may say, and nothing else."""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from checklist.text import fold, msg

Every = Literal["week", "month", "quarter", "half", "year"]
Severity = Literal["high", "medium", "low"]

_ID = r"^[a-z0-9][a-z0-9_-]*$"
_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


class Strict(BaseModel):
    """Unknown keys are errors: they are nearly always typos."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class CalendarSpec(Strict):
    """How periods are cut. Fiscal years start in `year_start_month`; weeks are ISO weeks."""

    year_start_month: int = Field(1, ge=1, le=12, description="1 = calendar years; 4 = April–March")
    week_start: Literal["monday"] = Field("monday", description="ISO weeks, Monday to Sunday")


# A keyword is words in order with anything between them: `汇报…意识形态` (or `...`; NFKC makes
# `…` three dots, and a Chinese `……` six). Literal text only, never a pattern: matching stays
# linear in the text, whoever wrote the pack.
KEYWORD_GAP = re.compile(r"\.{3,}")
MAX_KEYWORD_CHARS = 60
MAX_KEYWORD_PARTS = 4


def keyword_parts(keyword: str) -> tuple[str, ...]:
    """A keyword as it is matched: folded (NFKC, case), split at each `…` into words in order."""
    return tuple(part.strip() for part in KEYWORD_GAP.split(fold(keyword)))


def _valid_keyword(keyword: str) -> str:
    parts = keyword_parts(keyword)
    if parts == ("",):
        raise ValueError(msg("pack.keyword.empty"))
    if "" in parts:
        raise ValueError(msg("pack.keyword.gap", keyword=keyword))
    if len(parts) > MAX_KEYWORD_PARTS:
        raise ValueError(msg("pack.keyword.parts", keyword=keyword, most=MAX_KEYWORD_PARTS))
    return keyword


Keyword = Annotated[
    str,
    StringConstraints(max_length=MAX_KEYWORD_CHARS),
    AfterValidator(_valid_keyword),
    Field(
        description="text looked for in the activity and the title; `…` between words asks for them in this "
        "order with anything between (`汇报…意识形态`); at most 4 words, no patterns"
    ),
]


class Category(Strict):
    """A kind of activity, and the ways ledgers write it."""

    label: str | None = Field(
        None, description="the name used in reports, e.g. 专题研究意识形态工作 (required unless inherited)"
    )
    label_en: str | None = Field(None, description="English label for --lang en")
    aliases: list[str] = Field(default_factory=list, description="other exact names in the activity column")
    keywords: list[Keyword] = Field(
        default_factory=list, description="text searched in the activity and the title; `…` for words in order"
    )
    exclude: list[Keyword] = Field(
        default_factory=list,
        description="a text holding one of these is not matched by this category's keywords (names still match)",
    )


def _month_day(text: str) -> tuple[int, int]:
    match = _MONTH_DAY.match(text)
    if not match:
        raise ValueError(msg("pack.rule.month_day", text=text))
    month, day = int(match[1]), int(match[2])
    try:
        dt.date(2024, month, day)  # 2024 is a leap year, so 02-29 is allowed
    except ValueError:
        raise ValueError(msg("pack.rule.day_of_year", text=text)) from None
    return month, day


class Window(Strict):
    """The part of each period that counts. Exactly one form:

    * `from`/`to` — calendar days of a year period (`{from: "12-01", to: "12-31"}`);
    * `first_days: N` / `last_days: N` — the first or last N days of every period;
    * `by_day: D` — from the period's start to day D of its last month (6月20日前 → 20).
    """

    from_: str | None = Field(None, alias="from", description="month-day, e.g. '12-01'")
    to: str | None = Field(None, description="month-day, e.g. '12-31'")
    first_days: int | None = Field(None, ge=1, le=366)
    last_days: int | None = Field(None, ge=1, le=366)
    by_day: int | None = Field(None, ge=1, le=31)

    @field_validator("from_", "to")
    @classmethod
    def _valid_month_day(cls, value: str | None) -> str | None:
        if value is not None:
            _month_day(value)
        return value

    @model_validator(mode="after")
    def _one_form(self) -> Window:
        forms = [
            self.from_ is not None or self.to is not None,
            self.first_days is not None,
            self.last_days is not None,
            self.by_day is not None,
        ]
        if sum(forms) != 1:
            raise ValueError(msg("pack.rule.one_of", keys=["from/to", "first_days", "last_days", "by_day"]))
        if forms[0] and (self.from_ is None or self.to is None):
            raise ValueError(msg("pack.rule.from_to"))
        return self

    @property
    def month_days(self) -> tuple[tuple[int, int], tuple[int, int]] | None:
        if self.from_ is None or self.to is None:
            return None
        return _month_day(self.from_), _month_day(self.to)


def _ratio(value: Any) -> Any:
    if isinstance(value, str) and "/" in value:
        try:
            return float(Fraction(value.replace(" ", "")))
        except (ValueError, ZeroDivisionError):
            raise ValueError(msg("pack.rule.fraction", text=value)) from None
    return value


class Ratio(Strict):
    """`of ÷ to`, e.g. present ÷ expected attendance (实到/应到)."""

    of: str = Field(description="numerator field, e.g. present")
    to: str = Field(description="denominator field, e.g. expected")
    at_least: float = Field(ge=0, description="a number or a fraction such as '2/3'")

    @field_validator("at_least", mode="before")
    @classmethod
    def _fraction(cls, value: Any) -> Any:
        return _ratio(value)


class Condition(Strict):
    """A structured condition on one record. Exactly one of `filled`, `field`, `ratio`."""

    filled: list[str] | None = Field(None, description="these fields must be non-empty")
    field: str | None = Field(None, description="a field to compare, with at_least/at_most/equals/contains")
    at_least: float | None = None
    at_most: float | None = None
    equals: str | None = None
    contains: str | None = None
    ratio: Ratio | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Condition:
        forms = [self.filled is not None, self.field is not None, self.ratio is not None]
        if sum(forms) != 1:
            raise ValueError(msg("pack.rule.one_of", keys=["filled", "field", "ratio"]))
        tests = [self.at_least, self.at_most, self.equals, self.contains]
        if self.field is not None and all(t is None for t in tests):
            raise ValueError(msg("pack.rule.field_test"))
        if self.field is None and any(t is not None for t in tests):
            raise ValueError(msg("pack.rule.test_field"))
        return self


class RuleBase(Strict):
    kind: str = Field(description="what the rule checks; each kind narrows it to its own name (checklist.kinds)")
    id: str = Field(pattern=_ID, description="stable id, lower-case with dashes")
    title: str = Field(description="the duty in the source's words")
    title_en: str | None = None
    severity: Severity = "medium"
    ref: str | None = Field(None, description="where the duty comes from (document, article)")
    applies_to: list[str] | None = Field(None, description="unit types this rule applies to; all if absent")
    where: list[Condition] = Field(default_factory=list, description="conditions each counted record must meet")
    enabled: bool = True
    points: float | None = Field(
        None, gt=0, description="考核细则 (扣分制): what the duty is worth; declare on every enabled rule or on none"
    )
    deduct: float | None = Field(
        None, gt=0, description="points taken per shortfall, 扣完为止 (default: all of points)"
    )

    @model_validator(mode="after")
    def _deduct_needs_points(self) -> RuleBase:
        if self.deduct is not None and self.points is None:
            raise ValueError(msg("pack.rule.deduct_points"))
        return self


class HasCategories(RuleBase):
    """A rule about the records of one category (`category`) or of several (`categories`)."""

    category: str | None = None
    categories: list[str] | None = None

    @model_validator(mode="after")
    def _one_category_form(self) -> HasCategories:
        if (self.category is None) == (self.categories is None):
            raise ValueError(msg("pack.rule.one_of", keys=["category", "categories"]))
        return self

    @property
    def category_ids(self) -> tuple[str, ...]:
        return (self.category,) if self.category is not None else tuple(self.categories or ())


class RulePatchBase(Strict):
    """Changes a pack that `extends` another makes to an inherited rule (by id)."""

    # The fields every kind has; checklist.kinds adds each kind's own (its `Kind.patchable`): RulePatch.
    title: str | None = None
    title_en: str | None = None
    severity: Severity | None = None
    ref: str | None = None
    applies_to: list[str] | None = None
    where: list[Condition] | None = None
    enabled: bool | None = None
    points: float | None = Field(None, gt=0)
    deduct: float | None = Field(None, gt=0)


# A pack holds rules of every kind; the kinds are plug-ins above this module (checklist.kinds), so the
# pack models take the rule type as a parameter: checklist.kinds makes PackDocument[Rule, RulePatch]
# and Pack[Rule] of the union of the kinds it found. Code below the kinds reads a bare `Pack`.
R = TypeVar("R", bound=RuleBase)
P = TypeVar("P", bound=RulePatchBase)


class PackSource(Strict):
    """A pack file that went into this pack (itself or one it extends)."""

    id: str
    version: str
    path: str
    digest: str = ""  # SHA-256 of the file's bytes, recorded when it was read (for the fingerprint)


class PackDocument(Strict, Generic[R, P]):
    """One pack file as written (before `extends` is resolved)."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        populate_by_name=True,
        json_schema_extra={"title": "checklist rule pack"},
    )

    pack: str = Field(pattern=_ID, description="pack id, e.g. ideology-responsibility")
    version: str = Field(description='pack version, quoted: "1.0"')
    title: str
    title_en: str | None = None
    language: Literal["zh", "en"] = "zh"
    source: str | None = Field(None, description="free-text reference to the source documents")
    calendar: CalendarSpec | None = None
    extends: list[str] = Field(default_factory=list, description="pack ids or paths merged in first")
    categories: dict[str, Category] = Field(default_factory=dict)
    rules: list[R] = Field(default_factory=list)
    overrides: dict[str, P] = Field(default_factory=dict, description="changes to inherited rules, by rule id")

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        # `version: 1.0` unquoted arrives as a float; accept it the way the author meant it.
        return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


class Pack(Strict, Generic[R]):
    """A resolved pack: its own rules plus everything it extends, ready to evaluate."""

    id: str
    version: str
    title: str
    title_en: str | None = None
    language: Literal["zh", "en"] = "zh"
    source: str | None = None
    calendar: CalendarSpec = CalendarSpec()
    categories: dict[str, Category]
    rules: list[R]
    sources: list[PackSource] = Field(default_factory=list)

    def rule(self, rule_id: str) -> R:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        known = ", ".join(r.id for r in self.rules)
        raise KeyError(f"no rule '{rule_id}' in pack '{self.id}' (rules: {known})")

    @property
    def active_rules(self) -> list[R]:
        return [r for r in self.rules if r.enabled]
