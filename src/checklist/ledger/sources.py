"""What `read_ledger` was given, as a list of files to read (DESIGN §4.1 "Several files", §8 rev 2).

A path, several paths, a directory (every ledger file below it), or bytes / a binary file object
with a `name` that stands for it in messages: no temporary path is ever shown to a person.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checklist.errors import LedgerError, Location, Problem
from checklist.text import msg

LEDGER_SUFFIXES = (".csv", ".xlsx", ".xls", ".jsonl")
LOCK_PREFIX = "~$"  # Office and WPS keep `~$台账.xlsx` beside an open workbook
DEFAULT_NAME = "ledger"


@dataclass(frozen=True)
class Source:
    """One file to read: where its bytes are, how messages name it, its name in row references."""

    path: Path
    shown: str
    name: str

    @property
    def stem(self) -> str:
        """The name without its extension: the unit's name when nothing else gives one."""
        return Path(self.name).stem


def _problem(where: str, code: str, **args: Any) -> LedgerError:
    return LedgerError(Problem(Location(where), msg(code, **args)))


def in_folder(folder: Path) -> list[Path]:
    """Ledger files below `folder`, in sorted path order; hidden files and folders and lock files skipped."""
    found: list[tuple[str, Path]] = []  # (path below the folder, path): each made once, pathlib is slow
    for path in folder.rglob("*"):
        if path.suffix.lower() not in LEDGER_SUFFIXES or path.name.startswith(LOCK_PREFIX):
            continue
        relative = path.relative_to(folder)
        if not any(part.startswith(".") for part in relative.parts) and path.is_file():
            found.append((relative.as_posix(), path))
    return [path for _below, path in sorted(found, key=lambda pair: pair[0])]


def from_paths(given: Sequence[str | os.PathLike[str]]) -> list[Source]:
    """Files as given and files found in the folders given, each read once, in order."""
    paths: list[tuple[Path, Path]] = []  # (file, what it is named relative to)
    for item in given:
        path = Path(item)
        if path.is_dir():
            files = in_folder(path)
            if not files:
                raise _problem(str(path), "input.no_files")
            paths += [(f, path) for f in files]
        elif path.exists() or path.is_symlink():
            paths.append((path, path.parent))
        else:
            raise _problem(str(path), "input.not_found")
    seen: set[Path] = set()
    unique = []
    for file, base in paths:
        real = file.resolve()  # once: each resolve asks the file system about every folder on the way
        if real not in seen:
            seen.add(real)
            unique.append((file, base))
    return _named(unique)


def _named(paths: list[tuple[Path, Path]]) -> list[Source]:
    """A file's name in references is its own name, or its path below the folder when names repeat
    (two towns' folders may each hold a `台账.xlsx`)."""
    counts: dict[str, int] = {}
    for path, _base in paths:
        counts[path.name] = counts.get(path.name, 0) + 1
    out = []
    for path, base in paths:
        name = path.name if counts[path.name] == 1 else _below(path, base)
        out.append(Source(path=path, shown=str(path), name=name))
    return out


def _below(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


@contextmanager
def from_bytes(data: bytes, name: str | None) -> Iterator[list[Source]]:
    """Bytes read through a private temporary file; messages and references use `name` only."""
    shown = Path(name or DEFAULT_NAME).name
    handle, temp = tempfile.mkstemp(suffix=Path(shown).suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        yield [Source(path=Path(temp), shown=shown, name=shown)]
    finally:
        Path(temp).unlink(missing_ok=True)


def read_binary(stream: Any) -> bytes:
    """The bytes of a binary file object (an upload), or an error saying what was given instead."""
    data = stream.read()
    if not isinstance(data, bytes | bytearray | memoryview):
        raise _problem(DEFAULT_NAME, "input.type", kind=f"{type(stream).__name__} (text, not bytes)")
    return bytes(data)
