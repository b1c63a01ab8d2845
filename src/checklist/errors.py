"""Typed errors the library raises; the CLI turns each into one line on stderr and exit 2."""

from __future__ import annotations

from dataclasses import dataclass


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
    """One located complaint about an input: `file:line:col: path: message`."""

    location: Location
    message: str
    path: str = ""
    code: str | None = None  # the catalogue code (checklist.text) when the message comes from there

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{self.location}: {where}{self.message}"


class ChecklistError(Exception):
    """Base of every error the library raises on purpose."""


class UsageError(ChecklistError):
    """The caller asked for something that cannot be done (bad option value, unknown pack)."""


class InputError(ChecklistError):
    """An input file is unusable; carries one or more located problems."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class PackError(InputError):
    """A rule pack is invalid."""


class LedgerError(InputError):
    """A ledger or side input cannot be read at all."""
