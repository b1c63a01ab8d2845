"""Every word a person reads: a message is a stable `code` plus arguments, rendered zh or en here.

Library code builds `Message`s (or raises errors carrying one) and never formats sentences itself;
renderers, the CLI and the web page call `Message.text(lang)`. The templates live in
`checklist.text.catalogue`, one entry per code, both languages side by side.
"""

from __future__ import annotations

import datetime as dt
import locale
import os
import re
import string
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from checklist.text.catalogue import CATALOGUE

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")


def number(value: float | int | None) -> str:
    """Whole numbers print as integers (a count of 2, not 2.0); fractions keep what they have."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def whole(value: float | None) -> float | int | None:
    """A number for JSON: whole floats become ints, others stay as they are."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def fold(text: object) -> str:
    """How names, headers and activity types compare: NFKC, trimmed, case-folded."""
    return unicodedata.normalize("NFKC", str(text or "")).strip().casefold()


def tidy(text: object) -> str:
    """How unit names compare and show: NFKC and trimmed (case kept)."""
    return unicodedata.normalize("NFKC", str(text or "")).strip()


def joined(items: Iterable[object], lang: str, limit: int | None = 10) -> str:
    """A list as a reader writes it: 、 between Chinese items, ", " between English ones; long lists end in …
    (`limit=None`: every item)."""
    values = [number(v) if isinstance(v, float) else str(v) for v in items]
    limit = len(values) if limit is None else limit
    more = len(values) > limit
    sep = say("list.sep", lang)
    text = sep.join(values[:limit])
    if more:
        text += f"{sep}…" if lang == "en" else "等"
    return text


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Control characters (C0 but tab and newline, DEL, C1) and the bidirectional overrides that can make
# a terminal line say something else than it holds.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_BREAKS = re.compile("\r\n|[\r\n\t\v\f\x85\u2028\u2029]")


def own_words(item: object, lang: str, name: str = "title") -> str:
    """A pack's, rule's or category's own words (its `title`, or `label`) in the output language: the
    English twin (`title_en`) when English is asked for and the pack has one, else the Chinese.
    `item` is the model or its JSON record (a mapping)."""
    zh = _field(item, name)
    return (_field(item, f"{name}_en") or zh) if lang == "en" else zh


def _field(item: object, name: str) -> Any:
    return item.get(name) if isinstance(item, Mapping) else getattr(item, name, None)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_COLOUR = re.compile("\x1b\\[[0-9;]{0,12}m")


def printable(text: object, *, colours: bool = False) -> str:
    """Text from a ledger made safe for a terminal: control characters and escape sequences
    (ESC]0;… retitles the window, ESC[2J clears it) are shown as \\x1b etc. instead of acting.
    With `colours`, colour sequences (ESC[…m, which only paint) are kept: a table's own colours."""
    if not colours:
        return _UNPRINTABLE.sub(_escape, str(text))
    parts = _COLOUR.split(str(text))
    kept = _COLOUR.findall(str(text))
    out = [_UNPRINTABLE.sub(_escape, parts[0])]
    for sequence, part in zip(kept, parts[1:], strict=True):
        out += [sequence, _UNPRINTABLE.sub(_escape, part)]
    return "".join(out)


def one_line(text: object, limit: int = 300) -> str:
    """printable() on one line: line breaks and tabs become spaces (a header cell '活动\\n日期' in an
    error message), and overlong text ends in …"""
    flat = printable(_BREAKS.sub(" ", str(text)))
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def xml_safe(text: object) -> str:
    """Text that XML 1.0 can hold (JUnit, DOCX, XLSX): characters it forbids are dropped."""
    return _XML_BAD.sub("", str(text))


class _Formatter(string.Formatter):
    """str.format with the product's conventions: numbers, dates and lists by language. Dates are
    ISO (2024-03-05) for what programs read too, or in words (2024年3月5日) for documents (`words`)."""

    def __init__(self, lang: str, words: bool = False) -> None:
        self.lang = lang
        self.words = words

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec == "all" and isinstance(value, (list, tuple)):  # every item, however many
            return joined(value, self.lang, limit=len(value))
        if format_spec == "hide":  # an argument this language's sentence does not show (2次 vs "2 of 3")
            return ""
        if format_spec:
            return super().format_field(value, format_spec)
        if isinstance(value, Message):
            return value.text(self.lang, words=self.words)
        if isinstance(value, Pair):
            return value.text(self.lang)
        if isinstance(value, (float, int)) and not isinstance(value, bool):
            return number(value)
        if isinstance(value, dt.date) and self.words:
            from checklist.text.periods import date_name  # it renders its names through this module

            return date_name(value, self.lang)
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, (list, tuple, set, frozenset)):
            return joined(sorted(value) if isinstance(value, (set, frozenset)) else value, self.lang)
        return str(value)


@dataclass(frozen=True, slots=True)
class Message:
    """A code and its arguments; `text(lang)` is the sentence. Unknown codes are a programming error."""

    code: str
    args: Mapping[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "zh", *, words: bool = False) -> str:
        """The sentence in `lang`; with `words`, its dates as people write them (2024年3月5日, 5 March
        2024) rather than ISO: for documents and terminal reports, not for the JSON."""
        templates = CATALOGUE[self.code]
        template = templates[0] if lang == "zh" else templates[1]
        return _Formatter(lang, words).vformat(template, (), dict(self.args))

    def __str__(self) -> str:
        return self.text("zh")


@dataclass(frozen=True, slots=True)
class Pair:
    """A message whose two sentences are assembled from parts up front (lists of headers, hints),
    with its catalogue code; reads like a Message: `text(lang)`."""

    code: str
    zh: str
    en: str

    def text(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    def __str__(self) -> str:
        return self.zh


def template(code: str, lang: str) -> str:
    """The raw template of `code` in `lang`, for words renderers fill in themselves (column heads)."""
    zh, en = CATALOGUE[code]
    return zh if lang == "zh" else en


def msg(code: str, **args: Any) -> Message:
    """Message(code, args), checked against the catalogue at once so a typo fails where it is made."""
    if code not in CATALOGUE:
        raise KeyError(f"no message {code!r} in checklist.text.catalogue")
    return Message(code, args)


def say(code: str, lang: str = "zh", **args: Any) -> str:
    """The sentence for `code` in `lang` (shorthand for msg(code, **args).text(lang))."""
    return msg(code, **args).text(lang)


def add_words(words: Mapping[str, tuple[str, str]], owner: str) -> None:
    """Add a plug-in's catalogue entries (a rule kind's `words`, checklist.kinds) to the one catalogue.

    A code the catalogue already has is refused: one code, one meaning, one home.
    """
    taken = sorted(code for code in words if code in CATALOGUE and CATALOGUE[code] != words[code])
    if taken:
        raise ValueError(f"{owner}: catalogue codes defined twice: {', '.join(taken)}")
    CATALOGUE.update(words)


def os_reason(err: OSError) -> Message:
    """Why a file could not be opened, in words both languages have (strerror is English only)."""
    import errno

    codes = {errno.ENOENT: "os.not_found", errno.EACCES: "os.permission", errno.EISDIR: "os.is_dir"}
    code = codes.get(err.errno or 0)
    return msg(code) if code else msg("os.other", detail=err.strerror or str(err))


def record_kind(record: object, *, by_row: bool) -> str:
    """Which numbering a cited record id is: "ref" (a `台账.xlsx:一支部!7` reference, which says where it
    is itself), "row" (an Excel row: the ledger has no 序号 column) or "id" (the ledger's 序号)."""
    text = str(record)
    if "!" in text or ":" in text:
        return "ref"
    return "row" if by_row else "id"


def record_ref(record: object, *, by_row: bool) -> Message:
    """A cited record as a person finds it: 序号7, 第7行 or the reference itself (doc.record.*)."""
    return msg(f"doc.record.{record_kind(record, by_row=by_row)}", id=record)


def system_lang(environ: Mapping[str, str] | None = None) -> Lang:
    """The language for --help and the web page: CHECKLIST_LANG, else the system locale (zh on a
    Chinese Windows or Linux), else Chinese — the product's users are Chinese offices."""
    env = os.environ if environ is None else environ
    chosen = (env.get("CHECKLIST_LANG") or "").strip().lower()
    if chosen.startswith("en"):
        return "en"
    if chosen.startswith("zh"):
        return "zh"
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            return "en" if value.lower().startswith("en") else "zh"
    try:
        current = locale.getlocale()[0] or ""
    except ValueError:
        current = ""
    return "en" if current.lower().startswith("en") else "zh"


__all__ = [
    "LANGS",
    "Lang",
    "Message",
    "Pair",
    "fold",
    "joined",
    "msg",
    "number",
    "one_line",
    "os_reason",
    "own_words",
    "printable",
    "record_kind",
    "record_ref",
    "say",
    "system_lang",
    "template",
    "tidy",
    "whole",
    "xml_safe",
]
