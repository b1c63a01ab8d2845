"""Where `checklist watch` gets its records: JSON Lines on standard input, or a CSV file as it grows."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from checklist.errors import UsageError
from checklist.ledger.readers import json_record
from checklist.text import Message, Pair, msg, os_reason


def records(
    stdin: TextIO, follow: str | None = None, idle: float = 2.0
) -> Iterator[tuple[int, dict[str, Any] | None, Message | Pair | None]]:
    """(row, record or None when unreadable, why not): stdin JSON Lines, or a CSV file as it grows."""
    if follow:
        yield from _follow(Path(follow), idle)
        return
    for number, line in enumerate(stdin, start=1):
        if not line.strip():
            continue
        value, why = json_record(line)
        yield number, value, why


def _follow(path: Path, idle: float) -> Iterator[tuple[int, dict[str, Any] | None, Message | Pair | None]]:
    """Rows of a CSV as they are appended (UTF-8 or GBK); stops after `idle` seconds without growth."""
    try:
        stream = path.open("rb")
    except OSError as err:
        raise UsageError(msg("usage.cannot_follow", path=str(path), reason=os_reason(err))) from None
    header: list[str] | None = None
    number, pending, quiet = 0, b"", 0.0
    with stream:
        while True:
            chunk = stream.read(1 << 16)
            if not chunk:
                if quiet >= idle:
                    return
                time.sleep(0.2)
                quiet += 0.2
                continue
            quiet = 0.0
            pending += chunk
            *complete, pending = pending.split(b"\n")
            for raw in complete:
                text = _decode(raw).rstrip("\r")
                number += 1
                cells = next(csv.reader(io.StringIO(text)), [])
                if header is None:
                    header = [c.strip().lstrip("\ufeff") for c in cells]
                    continue
                if any(c.strip() for c in cells):
                    yield number, dict(zip(header, cells, strict=False)), None


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gb18030", errors="replace")
