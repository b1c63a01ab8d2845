"""Find, read, validate and merge rule packs; every complaint names file:line:col."""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from checklist.errors import Location, PackError, Problem, UsageError
from checklist.kinds import PACK, PACK_DOCUMENT, RULE_KINDS, RULE_MODELS, RulePatch
from checklist.pack.model import Category, Pack, PackDocument, PackSource, RuleBase, RulePatchBase
from checklist.pack.yamlsrc import LocatedDoc, dotted, load_located
from checklist.text import Message, msg, number, one_line, os_reason

PACK_SUFFIXES = (".yaml", ".yml")


def packs_dir() -> Path:
    """Where the shipped packs live: package data when installed, the repo's rules/ otherwise."""
    packaged = Path(str(resources.files("checklist"))) / "rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "rules"


def shipped_pack_ids() -> list[str]:
    return sorted(p.stem for p in packs_dir().glob("*.yaml"))


def find_pack(ref: str | Path, relative_to: Path | None = None) -> Path:
    """A pack path from an id (`branch-routines`) or a path; raise UsageError if there is none."""
    text = str(ref)
    candidates = []
    if text.endswith(PACK_SUFFIXES) or "/" in text or "\\" in text:
        path = Path(text)
        if not path.is_absolute() and relative_to is not None:
            candidates.append(relative_to / path)
        candidates.append(path)
    else:
        candidates.append(packs_dir() / f"{text}.yaml")
        if relative_to is not None:
            candidates.append(relative_to / f"{text}.yaml")
    for candidate in candidates:
        if _is_file(candidate):
            return candidate.resolve()
    raise UsageError(msg("pack.not_found", ref=text, shipped=shipped_pack_ids()))


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a name too long for the file system (ENAMETOOLONG): no such pack either
        return False


# ---------------------------------------------------------------- validation errors


_KEYED_MODELS: tuple[type[BaseModel], ...] = (*RULE_MODELS.values(), PACK_DOCUMENT, RulePatch, Category)
_ALL_KEYS = sorted(
    {name for model in _KEYED_MODELS for name in model.model_fields}
    | {
        "from",
        "to",
        "first_days",
        "last_days",
        "by_day",
        "of",
        "filled",
        "field",
        "ratio",
        "contains",
        "equals",
    }
    | {"year_start_month", "week_start"}
)


def _did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> Message | str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return msg("pack.hint.did_you_mean", word=close[0]) if close else ""


def _strip_tags(loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    """Drop the union tag pydantic puts after a rule index: ('rules', 3, 'frequency', 'every')."""
    out: list[str | int] = []
    for i, part in enumerate(loc):
        if i > 0 and isinstance(loc[i - 1], int) and part in RULE_KINDS and out[:1] == ["rules"]:
            continue
        if isinstance(part, str) and part.startswith("function-"):
            continue
        out.append(part)
    return tuple(out)


# What Chinese authors write where the pack language wants its own words (every: 每年 -> year).
_CHINESE_WORDS = {
    "每周": "week",
    "周": "week",
    "每月": "month",
    "月": "month",
    "月度": "month",
    "每季度": "quarter",
    "季度": "quarter",
    "每半年": "half",
    "半年": "half",
    "每年": "year",
    "年": "year",
    "年度": "year",
    "高": "high",
    "中": "medium",
    "低": "low",
    "是": "true",
    "否": "false",
    "中文": "zh",
    "英文": "en",
}

# pydantic error types, grouped by the one sentence each group reads as (pydantic's `type`, never its text).
_TYPE_CODES = {
    "int_type": "pack.value.whole",
    "int_parsing": "pack.value.whole",
    "int_from_float": "pack.value.whole",
    "int_parsing_size": "pack.value.whole",
    "float_type": "pack.value.number",
    "float_parsing": "pack.value.number",
    "finite_number": "pack.value.number",
    "decimal_parsing": "pack.value.number",
    "bool_type": "pack.value.bool",
    "bool_parsing": "pack.value.bool",
    "string_type": "pack.value.text",
    "string_unicode": "pack.value.text",
    "list_type": "pack.value.list",
    "tuple_type": "pack.value.list",
    "set_type": "pack.value.list",
    "dict_type": "pack.value.mapping",
    "model_type": "pack.value.mapping",
    "model_attributes_type": "pack.value.mapping",
    "date_type": "pack.value.date",
    "date_parsing": "pack.value.date",
    "date_from_datetime_parsing": "pack.value.date",
    "date_from_datetime_inexact": "pack.value.date",
    "date_future": "pack.value.date",
    "date_past": "pack.value.date",
    "greater_than_equal": "pack.value.ge",
    "greater_than": "pack.value.gt",
    "less_than_equal": "pack.value.le",
    "less_than": "pack.value.lt",
    "too_short": "pack.value.too_short",
    "too_long": "pack.value.too_long",
    "string_too_short": "pack.value.text_short",
    "string_too_long": "pack.value.text_long",
    "string_pattern_mismatch": "pack.value.id",
    "union_tag_not_found": "pack.kind.missing",
}


def _shown(value: Any) -> Message:
    """The offending value as the reader sees it: text quoted, numbers as written, containers named."""
    if isinstance(value, bool):
        return msg("pack.shown.plain", text="true" if value else "false")
    if value is None:
        return msg("pack.shown.nothing")
    if isinstance(value, int | float):
        return msg("pack.shown.plain", text=number(value))
    if isinstance(value, dict):
        return msg("pack.shown.mapping")
    if isinstance(value, list | tuple):
        return msg("pack.shown.list")
    return msg("pack.shown.text", text=one_line(value, limit=80))


def _hint(value: Any) -> Message | str:
    """A word the pack language has for what a Chinese author wrote (每年 -> year), if any."""
    if isinstance(value, str) and value.strip() in _CHINESE_WORDS:
        return msg("pack.hint.write_as", word=_CHINESE_WORDS[value.strip()])
    return ""


def _choices(ctx: dict[str, Any]) -> list[str]:
    """The allowed values pydantic lists in ctx['expected'] ("'week', 'month' or 'year'")."""
    return re.findall(r"'([^']*)'", str(ctx.get("expected", "")))


def _unknown_key(name: str) -> Message:
    bare = name.replace("\u3000", "").strip()
    if bare != name and bare in _ALL_KEYS:
        return msg("pack.key.unknown", key=name, hint=msg("pack.hint.wide_space"))
    return msg("pack.key.unknown", key=name, hint=_did_you_mean(name, _ALL_KEYS))


def _from_validator(error: ErrorDetails) -> Message:
    """A model validator's complaint: the Message it raised (checklist.pack.model raises no bare text)."""
    raised = (error.get("ctx") or {}).get("error")
    said = raised.args[0] if isinstance(raised, Exception) and raised.args else None
    if isinstance(said, Message):
        return said
    return msg("pack.value.invalid", value=_shown(error.get("input")), type=error["type"])


def _describe(error: ErrorDetails) -> tuple[Message, bool]:
    """Message for one pydantic error (by its `type` and `ctx`), and whether it points at a key."""
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    name = str(error["loc"][-1]) if error["loc"] else ""
    if kind == "extra_forbidden":
        return _unknown_key(name), True
    if kind == "missing":
        return msg("pack.key.missing", key=name), False
    if kind in ("literal_error", "enum"):
        return msg("pack.value.choice", value=_shown(value), choices=_choices(ctx), hint=_hint(value)), False
    if kind == "union_tag_invalid":
        return msg("pack.kind.unknown", value=_shown(ctx.get("tag")), choices=list(RULE_KINDS)), False
    if kind in ("value_error", "assertion_error"):
        return _from_validator(error), False
    code = _TYPE_CODES.get(kind)
    if code is None:
        return msg("pack.value.invalid", value=_shown(value), type=kind), False
    limits = {key: number(ctx[key]) for key in ("ge", "gt", "le", "lt", "min_length", "max_length") if key in ctx}
    return msg(code, value=_shown(value), hint=_hint(value) or _list_hint(kind, value), **limits), False


def _list_hint(kind: str, value: Any) -> Message | str:
    """`-id: a` (no space after the dash) makes a mapping where a list was meant."""
    if kind == "list_type" and isinstance(value, dict) and any(str(k).startswith("-") for k in value):
        return msg("pack.hint.dash_space")
    return ""


def validation_problems(err: ValidationError, doc: LocatedDoc, prefix: tuple[str | int, ...] = ()) -> list[Problem]:
    """Map pydantic errors back to the YAML positions they concern."""
    problems = []
    for error in err.errors():
        loc = (*prefix, *_strip_tags(tuple(error["loc"])))
        message, at_key = _describe(error)
        if error["type"] == "missing":
            shown_path = loc[:-1]
            where = doc.where(shown_path)
        elif error["type"] == "union_tag_invalid":
            shown_path = (*loc, "kind")
            where = doc.where(shown_path)
        else:
            shown_path = loc
            where = doc.where(loc, key=at_key)
        problems.append(Problem(where, message, dotted(shown_path)))
    return problems


# ---------------------------------------------------------------- reading one file


@dataclass
class _Document:
    path: Path
    located: LocatedDoc
    model: PackDocument
    digest: str  # SHA-256 of the file's bytes as read: the fingerprint's, never read again


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def read_document(path: Path) -> _Document:
    """One pack file, validated on its own (`extends` not yet resolved)."""
    shown = _display(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise PackError(Problem(Location(shown), msg("pack.unreadable", reason=os_reason(err)))) from None
    located = load_located(shown, raw)
    if not isinstance(located.data, dict):
        raise PackError(Problem(located.where(()), msg("pack.not_mapping")))
    try:
        model = PACK_DOCUMENT.model_validate(located.data)
    except ValidationError as err:
        raise PackError(validation_problems(err, located)) from None
    return _Document(path, located, model, hashlib.sha256(raw).hexdigest())


# ---------------------------------------------------------------- extends and merge


@dataclass
class _RuleEntry:
    rule: RuleBase
    doc: LocatedDoc
    index: int


@dataclass
class _Merged:
    categories: dict[str, Category] = field(default_factory=dict)
    category_docs: dict[str, LocatedDoc] = field(default_factory=dict)
    rules: dict[str, _RuleEntry] = field(default_factory=dict)
    calendar: Any = None
    sources: list[PackSource] = field(default_factory=list)
    seen: set[Path] = field(default_factory=set)
    top: PackDocument | None = None


def _merge_category(old: Category | None, new: Category) -> Category:
    """A pack may extend an inherited category's vocabulary; lists are unioned, in order."""
    if old is None:
        return new
    given = new.model_dump(exclude_unset=True)
    merged = old.model_dump()
    for key in ("aliases", "keywords", "exclude"):
        merged[key] = list(dict.fromkeys([*old.model_dump()[key], *given.pop(key, [])]))
    merged.update(given)
    return Category.model_validate(merged)


def _apply_patch(entry: _RuleEntry, patch: RulePatchBase, doc: LocatedDoc, rule_id: str) -> _RuleEntry:
    base = entry.rule.model_dump(by_alias=True, exclude_unset=True)
    base["kind"] = entry.rule.kind
    changes = patch.model_dump(by_alias=True, exclude_unset=True)
    if {"at_least", "at_most", "exactly"} & changes.keys():
        for key in ("at_least", "at_most", "exactly"):
            base.pop(key, None)
    base.update(changes)
    model = RULE_MODELS[base["kind"]]
    foreign = _foreign_fields(changes, model, doc, rule_id, entry.rule.kind)
    if foreign:
        raise PackError(foreign)
    try:
        rule = model.model_validate(base)
    except ValidationError as err:
        raise PackError(validation_problems(err, doc, ("overrides", rule_id))) from None
    return _RuleEntry(rule, entry.doc, entry.index)


def _foreign_fields(
    changes: dict[str, Any], model: type[BaseModel], doc: LocatedDoc, rule_id: str, kind: str
) -> list[Problem]:
    """Override keys the rule's kind has no field for (`by:` on a frequency rule): RulePatch accepts
    every kind's fields, so pydantic would only say "unknown key" and suggest the very same key."""
    fields = {f.alias or name for name, f in model.model_fields.items()}
    return [
        Problem(
            doc.where(("overrides", rule_id, key), key=True),
            msg("pack.override.not_a_field", key=key, kind=kind, rule=rule_id),
            dotted(("overrides", rule_id, key)),
        )
        for key in changes
        if key not in fields
    ]


def _same_definition(a: _RuleEntry, b: _RuleEntry) -> bool:
    return a.doc.file == b.doc.file and a.index == b.index


def _merge_into(merged: _Merged, base: _Merged) -> None:
    for cid, cat in base.categories.items():
        merged.categories[cid] = _merge_category(merged.categories.get(cid), cat)
        merged.category_docs.setdefault(cid, base.category_docs[cid])
    for rid, entry in base.rules.items():
        first = merged.rules.get(rid)
        if first is not None and _same_definition(first, entry):
            # A pack reached twice (two profiles both extend branch-routines) is one pack.
            if first.rule == entry.rule:
                continue
            raise PackError(
                Problem(
                    first.doc.where(("rules", first.index, "id")),
                    msg("pack.rule_two_ways", rule=rid),
                    dotted(("rules", first.index, "id")),
                )
            )
        if first is not None:
            raise PackError(
                Problem(
                    entry.doc.where(("rules", entry.index, "id")),
                    msg("pack.rule_twice", rule=rid, at=str(first.doc.where(("rules", first.index, "id"))), hint=""),
                    dotted(("rules", entry.index, "id")),
                )
            )
        merged.rules[rid] = entry
    if base.calendar is not None:
        merged.calendar = base.calendar
    merged.sources.extend(s for s in base.sources if s not in merged.sources)
    merged.seen |= base.seen


def _resolve(path: Path, stack: tuple[Path, ...]) -> _Merged:
    document = read_document(path)
    located, model = document.located, document.model
    merged = _Merged()
    for i, ref in enumerate(model.extends):
        where = located.where(("extends", i))
        try:
            base_path = find_pack(ref, path.parent)
        except UsageError as err:
            raise PackError(Problem(where, err.message, dotted(("extends", i)))) from None
        if base_path in (*stack, path):
            chain = " -> ".join(_display(p) for p in (*stack, path, base_path))
            raise PackError(Problem(where, msg("pack.extends_cycle", chain=chain), dotted(("extends", i))))
        if base_path in merged.seen:
            continue
        _merge_into(merged, _resolve(base_path, (*stack, path)))
    for cid, cat in model.categories.items():
        merged.categories[cid] = _merge_category(merged.categories.get(cid), cat)
        merged.category_docs[cid] = located
    for rid, patch in model.overrides.items():
        if rid not in merged.rules:
            raise PackError(
                Problem(
                    located.where(("overrides", rid), key=True),
                    msg(
                        "pack.override_unknown",
                        rule=rid,
                        hint=_did_you_mean(rid, list(merged.rules)),
                        known=list(merged.rules) or msg("pack.shown.none"),
                    ),
                    dotted(("overrides", rid)),
                )
            )
        merged.rules[rid] = _apply_patch(merged.rules[rid], patch, located, rid)
    for i, rule in enumerate(model.rules):
        if rule.id in merged.rules:
            first = merged.rules[rule.id]
            hint = msg("pack.hint.inherited") if first.doc is not located else ""
            raise PackError(
                Problem(
                    located.where(("rules", i, "id")),
                    msg(
                        "pack.rule_twice",
                        rule=rule.id,
                        at=str(first.doc.where(("rules", first.index, "id"))),
                        hint=hint,
                    ),
                    dotted(("rules", i, "id")),
                )
            )
        merged.rules[rule.id] = _RuleEntry(rule, located, i)
    if model.calendar is not None:
        merged.calendar = model.calendar
    source = PackSource(id=model.pack, version=model.version, path=_display(path), digest=document.digest)
    merged.sources.append(source)
    merged.seen.add(path)
    merged.top = model
    return merged


def _reference_problems(merged: _Merged) -> list[Problem]:
    """Rules that name categories the pack does not define."""
    problems = [
        Problem(
            merged.category_docs[cid].where(("categories", cid)),
            msg("pack.key.missing", key="label"),
            dotted(("categories", cid)),
        )
        for cid, cat in merged.categories.items()
        if not cat.label
    ]
    known = list(merged.categories)
    for entry in merged.rules.values():
        for key, ids in _category_refs(entry.rule):
            for j, cid in enumerate(ids):
                if cid == "*" or cid in merged.categories:
                    continue
                path: tuple[str | int, ...] = ("rules", entry.index, key)
                if isinstance(getattr(entry.rule, key), list):
                    path = (*path, j)
                problems.append(
                    Problem(
                        entry.doc.where(path),
                        msg("pack.category_unknown", category=cid, hint=_did_you_mean(cid, known)),
                        dotted(path),
                    )
                )
    return problems


def _points_problems(merged: _Merged) -> list[Problem]:
    """考核细则: a pack that gives points to some enabled rules gives them to all (DESIGN §5.1)."""
    enabled = [e for e in merged.rules.values() if e.rule.enabled]
    scored = [e for e in enabled if e.rule.points is not None]
    if not scored or len(scored) == len(enabled):
        return []
    example = scored[0]
    problems = []
    for entry in enabled:
        if entry.rule.points is None:
            path: tuple[str | int, ...] = ("rules", entry.index, "id")
            where = entry.doc.where(path)
            message = msg(
                "assess.points_missing",
                rule=entry.rule.id,
                example=example.rule.id,
                at=str(example.doc.where(("rules", example.index, "points"))),
            )
            problems.append(Problem(where, message, dotted(("rules", entry.index))))
    return problems


def _category_refs(rule: RuleBase) -> list[tuple[str, list[str]]]:
    refs = []
    for key in ("category", "categories", "trigger", "then", "event", "notice"):
        value = getattr(rule, key, None)
        if value is not None:
            refs.append((key, list(value) if isinstance(value, list) else [value]))
    return refs


def load_pack(ref: str | Path) -> Pack:
    """Load a pack by shipped id or path, with everything it extends; raise PackError/UsageError."""
    return _finish(_resolve(find_pack(ref), ()))


def load_packs(refs: list[str | Path]) -> Pack:
    """Several packs evaluated together, as if one pack extended them all (duplicate rule ids are errors)."""
    if len(refs) == 1:
        return load_pack(refs[0])
    merged = _Merged()
    for ref in refs:
        path = find_pack(ref)
        if path not in merged.seen:
            _merge_into(merged, _resolve(path, ()))
    return _finish(merged, top_override=load_pack(refs[0]))


def _finish(merged: _Merged, top_override: Pack | None = None) -> Pack:
    problems = _reference_problems(merged) + _points_problems(merged)
    if problems:
        raise PackError(problems)
    if top_override is not None:
        return top_override.model_copy(
            update={
                "id": "+".join(s.id for s in merged.sources),
                "categories": merged.categories,
                "rules": [e.rule for e in merged.rules.values()],
                "sources": merged.sources,
            }
        )
    top = merged.top
    assert top is not None
    return PACK(
        id=top.pack,
        version=top.version,
        title=top.title,
        title_en=top.title_en,
        language=top.language,
        source=top.source,
        calendar=merged.calendar or {},
        categories=merged.categories,
        rules=[e.rule for e in merged.rules.values()],
        sources=merged.sources,
    )
