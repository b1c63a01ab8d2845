"""`checklist plan`: create or update the rectification ledger (整改台账)."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from checklist.cli import options as o
from checklist.cli.output import check_output, require_extension, write_output
from checklist.errors import UsageError
from checklist.text import msg, say


def add(sub: argparse._SubParsersAction, h: o.Help) -> None:
    plan_options(sub.add_parser("plan", help=h("plan"), description=h("plan")), h)


def plan_options(p: argparse.ArgumentParser, h: o.Help) -> None:
    o.add_evaluation(p, h)
    p.add_argument("--ledger", metavar="XLSX", help=h("plan_ledger"))
    p.add_argument("--deadline", metavar="DATE|+N", help=h("deadline"))
    o.add_output(p, h, "plan_output")
    o.add_lang(p, h)
    p.set_defaults(handler=cmd_plan)


def checked(args: argparse.Namespace) -> None:
    if not args.output:
        raise UsageError(msg("usage.plan_needs_output"))
    require_extension(args.output, ".xlsx")
    # -o may name the --ledger workbook (to update it in place), never the activity ledger or a side input
    check_output(args.output, [p for p in o.input_paths(args) if p != args.ledger])
    if args.as_of:
        o.day(args.as_of, "--as-of")


def cmd_plan(args: argparse.Namespace, out: TextIO) -> int:
    from checklist.rectify import parse_deadline, record_lookup
    from checklist.workflow.plan import read_plan, update_plan, write_plan

    checked(args)
    deadline = parse_deadline(args.deadline) if args.deadline else None
    pack = o.load_rules(args)
    ledger = o.read_log(args)
    existing = read_plan(args.ledger) if args.ledger else []
    as_of = o.day(args.as_of, "--as-of") if args.as_of else None
    result = o.evaluated(args, pack, ledger, year=args.year, as_of=as_of)
    lang = o.lang_of(args)
    changes = update_plan(result, existing, lang, deadline, record_lookup(ledger, result))
    write_output(write_plan(changes.items, lang), args.output, out)
    summary = say(
        "cli.plan.summary",
        o.lang_of(args),
        path=args.output,
        items=len(changes.items),
        opened=len(changes.opened),
        closed=len(changes.closed),
        overdue=len(changes.overdue),
    )
    print(summary, file=sys.stderr)
    return 0
