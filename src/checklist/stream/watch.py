"""`checklist watch`: read records as JSON Lines (or follow a CSV being appended), write alerts as JSON Lines."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from checklist.errors import UsageError


def _lines(args: argparse.Namespace, stdin: TextIO) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
    """(row, record or None when unreadable, raw text): stdin JSON Lines, or a CSV file as it grows."""
    if args.follow:
        yield from _follow(Path(args.follow), args.idle)
        return
    for number, line in enumerate(stdin, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as err:
            yield number, None, f"invalid JSON: {err.msg} at column {err.colno}"
            continue
        yield number, value if isinstance(value, dict) else None, "a JSON Lines record must be an object"


def _follow(path: Path, idle: float) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
    """Rows of a CSV as they are appended (UTF-8 or GBK); stops after `idle` seconds without growth."""
    try:
        stream = path.open("rb")
    except OSError as err:
        raise UsageError(f"cannot follow {path}: {err.strerror or err}") from None
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
                    yield number, dict(zip(header, cells, strict=False)), ""


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gb18030", errors="replace")


def cmd_watch(args: argparse.Namespace, out: TextIO) -> int:
    from checklist.calendar import fiscal_year_of, year_period
    from checklist.commands import DEFAULT_PACK, parse_day
    from checklist.ledger.side import read_units
    from checklist.pack import load_packs
    from checklist.stream.alerts import AlertRules
    from checklist.stream.monitor import Change, Monitor, record_day

    rules = AlertRules()  # first: without durable-rules, say so before reading anything
    pack = load_packs(args.rules or [DEFAULT_PACK])
    month = pack.calendar.year_start_month
    today = dt.date.today()
    year = args.year or fiscal_year_of(today, month)
    span = year_period(year, month)
    monitor = Monitor(pack, span.start, span.end, read_units(args.units) if args.units else None)
    if args.clock == "system":
        monitor.advance(today, args.within)

    def emit(alerts: list[dict[str, Any]]) -> None:
        for alert in alerts:
            out.write(json.dumps({**alert, "at": str(monitor.now or today)}, ensure_ascii=False) + "\n")
        out.flush()

    def judge(changes: list[Change]) -> None:
        emit([alert for change in changes for alert in rules.judge(change)])

    for row, record, problem in _lines(args, sys.stdin):
        if record is None:
            judge([Change("rejected", {"row": row, "reason": problem})])
        elif "tick" in record:
            judge(monitor.advance(parse_day(str(record["tick"]), "tick"), args.within))
        else:
            if args.clock == "simulated":  # a record's date is "now" in simulated time
                day = record_day(record)
                if day is not None:
                    judge(monitor.advance(day, args.within))
            judge(monitor.feed(record, row))
    if args.verdicts:
        as_of = monitor.now or today
        for v in monitor.verdicts(as_of):
            out.write(
                json.dumps(
                    {
                        "verdict": v.status,
                        "unit": v.unit,
                        "rule": v.rule,
                        "period": v.period,
                        "count": _whole(v.count),
                        "missing": _whole(v.missing),
                        "records": v.records,
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
    return 0


def _whole(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def add_watch(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("watch", help="follow records as they arrive; alerts as JSON Lines (needs checklist[stream])")
    p.add_argument("--rules", action="append", metavar="PACK")
    p.add_argument("--units", metavar="F")
    p.add_argument("--year", type=int, help="the (fiscal) year watched (default: this year)")
    p.add_argument("--within", type=int, default=7, metavar="DAYS", help="warn this many days before a due date")
    p.add_argument(
        "--clock",
        choices=["simulated", "system"],
        default="simulated",
        help='simulated: time advances with the records\' dates and {"tick": DATE} lines',
    )
    p.add_argument("--follow", metavar="FILE", help="follow a CSV file being appended instead of standard input")
    p.add_argument("--idle", type=float, default=2.0, metavar="SECONDS", help="with --follow: stop after this idle")
    p.add_argument("--verdicts", action="store_true", help="at the end, one line per unit × duty × period")
    p.set_defaults(handler=cmd_watch)
