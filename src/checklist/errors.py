"""Typed errors the library raises; the CLI turns each into one line on stderr and exit 2.

Every error carries a stable `code` and a `Message` (checklist.text) that reads in Chinese or
English: `err.text("zh")`. `str(err)` is the English sentence, as it always was.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from checklist.text import Message, Pair, one_line

Said = Message | Pair | str  # a catalogue message, one assembled in both languages, or plain text


def _words(message: Said, lang: str) -> str:
    return message if isinstance(message, str) else message.text(lang)


@dataclass(frozen=True, slots=True)
class Location:
    """A place in an input file, 1-based like editors show it."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


@dataclass(frozen=True, slots=True)
class Problem:
    """One located complaint about an input: `file:line:col: path: message`.

    Built with a Message (or Pair), `message` is its English sentence (as before) and `text(lang)`
    gives either language; `code` is the catalogue code."""

    location: Location
    message: Said
    path: str = ""
    code: str | None = None
    said: Message | Pair | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.message, str):
            object.__setattr__(self, "said", self.message)
            object.__setattr__(self, "code", self.code or self.message.code)
            object.__setattr__(self, "message", self.message.text("en"))

    def text(self, lang: str = "en") -> str:
        where = f"{self.path}: " if self.path else ""
        # One line whatever the input holds: a header cell '活动\n日期' or an escape sequence in a file
        # name is shown, not obeyed (issue 11).
        return one_line(f"{self.location}: {where}{_words(self.said or self.message, lang)}", limit=2000)

    def __str__(self) -> str:
        return self.text("en")


class ChecklistError(Exception):
    """Base of every error the library raises on purpose: a `code` and a message in two languages."""

    default_code = "error"

    def __init__(self, message: Said = "", *, code: str | None = None) -> None:
        self.message = message
        self.code = code or (self.default_code if isinstance(message, str) else message.code)
        super().__init__(_words(message, "en"))

    def text(self, lang: str = "zh") -> str:
        """The sentence in `lang` ("zh" or "en")."""
        return _words(self.message, lang)


class UsageError(ChecklistError):
    """The caller asked for something that cannot be done (bad option value, unknown pack)."""

    default_code = "usage"


class InputError(ChecklistError):
    """An input file is unusable; carries one or more located problems."""

    default_code = "input"

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__(
            "\n".join(str(p) for p in self.problems), code=self.problems[0].code if self.problems else None
        )

    def text(self, lang: str = "zh") -> str:
        return "\n".join(p.text(lang) for p in self.problems)


class PackError(InputError):
    """A rule pack is invalid."""


class LedgerError(InputError):
    """A ledger or side input cannot be read at all."""
