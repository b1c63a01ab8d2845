"""`checklist watch`: follow records as they arrive and write alerts as JSON Lines."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import TYPE_CHECKING, Any, TextIO

from checklist.cli import options as o
from checklist.text import msg, own_words, whole

if TYPE_CHECKING:
    from checklist.stream.monitor import Change


def add(sub: argparse._SubParsersAction, h: o.Help) -> None:
    watch_options(sub.add_parser("watch", help=h("watch"), description=h("watch")), h)


def watch_options(p: argparse.ArgumentParser, h: o.Help) -> None:
    o.add_rules(p, h)
    p.add_argument("--units", metavar="F", help=h("units"))
    o.add_year(p, h, "watch_year")
    o.add_within(p, h, default=7, name="watch_within")
    p.add_argument("--clock", choices=["simulated", "system"], default="simulated", help=h("clock"))
    p.add_argument("--follow", metavar="FILE", help=h("follow"))
    idle = o.bounded(h.lang, 0, 86400, integer=False)
    p.add_argument("--idle", type=idle, default=2.0, metavar="SECONDS", help=h("idle"))
    p.add_argument("--verdicts", action="store_true", help=h("verdicts"))
    o.add_lang(p, h)
    p.set_defaults(handler=cmd_watch)


def cmd_watch(args: argparse.Namespace, out: TextIO) -> int:  # noqa: C901 - to split (CLI package owner)
    from checklist.ledger.side import read_units
    from checklist.periods import fiscal_year_of, year_period
    from checklist.stream.alerts import AlertRules, worded
    from checklist.stream.monitor import Monitor, record_day, rejected
    from checklist.stream.watch import records

    rules = AlertRules()  # first: without durable-rules, say so before reading anything
    pack = o.load_rules(args)
    month = pack.calendar.year_start_month
    today = dt.date.today()
    units = read_units(args.units) if args.units else None
    within = int(args.within)

    def watching(day: dt.date) -> Monitor:
        span = year_period(args.year if args.year is not None else fiscal_year_of(day, month), month)
        return Monitor(pack, span.start, span.end, units)

    # Without --year, simulated time watches the year of the first record (a ledger replayed from
    # 2023 is about 2023); the system clock watches this year.
    follows_first = args.year is None and args.clock == "simulated"
    monitor = watching(today)
    if args.clock == "system":
        monitor.advance(today, within)

    lang = o.lang_of(args)
    titles = {r.id: own_words(r, lang) for r in pack.rules}

    def judge(changes: list[Change]) -> None:
        for alert in (alert for change in changes for alert in rules.judge(change)):
            line = {**worded(alert, lang, titles), "at": str(monitor.now or today)}
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
        out.flush()

    for row, record, problem in records(sys.stdin, args.follow, args.idle):
        if record is None:
            judge([rejected(row, problem or msg("row.json_not_object"))])
        elif "tick" in record:
            judge(monitor.advance(o.day(str(record["tick"]), "tick"), within))
        else:
            if args.clock == "simulated":  # a record's date is "now" in simulated time
                day = record_day(record)
                if day is not None:
                    if follows_first:
                        monitor, follows_first = watching(day), False
                    judge(monitor.advance(day, within))
            judge(monitor.feed(record, row))
    if monitor.outside:
        _outside(monitor, out, lang, verdicts=args.verdicts)
    if args.verdicts:
        _verdicts(monitor, monitor.now or today, out)
    return 0


def _outside(monitor: Any, out: TextIO, lang: str, *, verdicts: bool) -> None:
    """Records dated outside the watched year count in nothing: say how many, and which rows."""
    from checklist.text import say

    rows, year = monitor.outside, monitor.start.year
    text = say("watch.outside_year", lang, count=len(rows), year=year, rows=rows)
    line: dict[str, Any] = {"warning": "year", "code": "watch.outside_year", "count": len(rows), "rows": rows}
    out.write(json.dumps({**line, "message": text}, ensure_ascii=False) + "\n")
    if verdicts:
        out.write(json.dumps({"verdict": "outside_year", "year": year, "count": len(rows)}) + "\n")


def _verdicts(monitor: Any, as_of: dt.date, out: TextIO) -> None:
    for v in monitor.verdicts(as_of):
        line = {
            "verdict": v.status,
            "unit": v.unit,
            "rule": v.rule,
            "period": v.period,
            "count": whole(float(v.count)),
            "missing": whole(float(v.missing)),
            "records": v.records,
        }
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
