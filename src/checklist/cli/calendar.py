"""`checklist calendar`: the duties as an iCalendar file, with a unit's due items from its ledger."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TextIO

from checklist.cli import options as o
from checklist.cli.output import check_output, require_extension, write_output
from checklist.errors import UsageError
from checklist.text import msg


def add(sub: argparse._SubParsersAction, h: o.Help) -> None:
    calendar_options(sub.add_parser("calendar", help=h("calendar"), description=h("calendar")), h)


def calendar_options(p: argparse.ArgumentParser, h: o.Help) -> None:
    o.add_rules(p, h)
    o.add_year(p, h, "count_year")
    o.add_units_filter(p, h)
    p.add_argument("--ledger", metavar="LOG", help=h("calendar_ledger"))
    o.add_as_of(p, h)
    o.add_lang(p, h)
    o.add_output(p, h, "calendar_output")
    p.set_defaults(handler=cmd_calendar)


def checked(args: argparse.Namespace) -> None:
    if args.unit and not args.ledger:
        raise UsageError(msg("usage.unit_needs_ledger"))
    if not args.output:
        raise UsageError(msg("usage.calendar_needs_output"))
    require_extension(args.output, ".ics")
    check_output(args.output, o.input_paths(args))
    if args.as_of:
        o.day(args.as_of, "--as-of")


def cmd_calendar(args: argparse.Namespace, out: TextIO) -> int:
    from checklist.workflow.ical import duty_calendar

    checked(args)
    pack = o.load_rules(args)
    year = args.year if args.year is not None else dt.date.today().year
    due = None
    if args.ledger:
        from checklist.engine import evaluate
        from checklist.ledger import read_ledger

        as_of = o.day(args.as_of, "--as-of") if args.as_of else None
        result = evaluate(pack, read_ledger(args.ledger), year=year, as_of=as_of, units=args.unit)
        due = result.due_findings()
    write_output(duty_calendar(pack, year, o.lang_of(args), due), args.output, out)
    return 0
