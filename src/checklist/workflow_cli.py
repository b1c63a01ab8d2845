"""`checklist plan | remind | audit | calendar`: the self-inspection workflow commands."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import TYPE_CHECKING, TextIO

from checklist.commands import DEFAULT_PACK, add_ledger_options, parse_day, write_output
from checklist.errors import UsageError

if TYPE_CHECKING:
    from checklist.ledger import Ledger
    from checklist.pack.model import Pack


def _load(args: argparse.Namespace) -> tuple[Pack, Ledger]:
    from checklist.ledger import read_ledger
    from checklist.pack import load_packs

    pack = load_packs(args.rules or [DEFAULT_PACK])
    return pack, read_ledger(args.log, sheet=args.sheet, mapping=args.mapping)


def _side(args: argparse.Namespace) -> dict:
    from checklist.ledger.side import read_roster, read_units, read_waivers

    return {
        "roster": read_roster(args.roster) if getattr(args, "roster", None) else None,
        "unit_list": read_units(args.units) if getattr(args, "units", None) else None,
        "waivers": read_waivers(args.waivers) if getattr(args, "waivers", None) else None,
    }


def _add_side(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int)
    parser.add_argument("--as-of", dest="as_of", metavar="D")
    parser.add_argument("--unit", action="append", metavar="U")
    parser.add_argument("--roster", metavar="F")
    parser.add_argument("--units", metavar="F")
    parser.add_argument("--waivers", metavar="F")


# ---------------------------------------------------------------- plan


def cmd_plan(args: argparse.Namespace, out: TextIO) -> int:
    from checklist.engine import evaluate
    from checklist.workflow.plan import read_plan, update_plan, write_plan

    if not args.output:
        raise UsageError("plan writes a workbook: give -o FILE (it may name the --ledger file to update it)")
    pack, ledger = _load(args)
    existing = read_plan(args.ledger) if args.ledger else []
    as_of = parse_day(args.as_of, "--as-of") if args.as_of else None
    result = evaluate(pack, ledger, year=args.year, as_of=as_of, units=args.unit, **_side(args))
    changes = update_plan(result, existing)
    write_output(write_plan(changes.items), args.output, out)
    print(
        f"{args.output}: {len(changes.items)} item(s); new {len(changes.opened)}, closed {len(changes.closed)}, "
        f"overdue {len(changes.overdue)}",
        file=sys.stderr,
    )
    return 0


# ---------------------------------------------------------------- remind


def cmd_remind(args: argparse.Namespace, out: TextIO) -> int:
    from tabulate import tabulate

    from checklist.calendar import fiscal_year_of
    from checklist.engine import evaluate
    from checklist.workflow.remind import reminder_rows

    pack, ledger = _load(args)
    as_of = parse_day(args.as_of, "--as-of") if args.as_of else dt.date.today()
    year = args.year or fiscal_year_of(as_of, pack.calendar.year_start_month)
    result = evaluate(pack, ledger, year=year, as_of=as_of, units=args.unit, **_side(args))
    titles = {r["id"]: r["title"] for r in result.rules}
    rows = reminder_rows(result, args.within, titles)
    if args.format == "json":
        out.write(
            json.dumps({"as_of": str(as_of), "within": args.within, "reminders": rows}, ensure_ascii=False, indent=2)
            + "\n"
        )
    elif rows:
        table = [
            [
                r["unit"],
                r["title"],
                r["period"] + (f" {r['person']}" if r["person"] else ""),
                f"{r['missing']:g}",
                r["due"],
                r["days_left"],
                "有风险" if r["outlook"] == "at_risk" else "",
            ]
            for r in rows
        ]
        out.write(
            tabulate(table, headers=["单位", "职责", "期间", "尚缺", "截止", "剩余天数", ""], disable_numparse=True)
            + "\n"
        )
    else:
        out.write(f"截至 {as_of},未来 {args.within} 天内没有到期事项。\n")
    return 1 if rows else 0


# ---------------------------------------------------------------- audit


def cmd_audit(args: argparse.Namespace, out: TextIO) -> int:
    from checklist.workflow.audit import audit

    pack, ledger = _load(args)
    found = audit(ledger, pack, backfill_days=args.backfill_days)
    if args.format == "json":
        out.write(json.dumps([f.__dict__ for f in found], ensure_ascii=False, indent=2, default=str) + "\n")
    else:
        for f in found:
            rows = ", ".join(map(str, f.rows[:20])) + (" …" if len(f.rows) > 20 else "")
            out.write(f"[{f.kind}] {f.message} (rows {rows})\n")
        if not found:
            out.write("no integrity problems found\n")
    return 1 if found else 0


# ---------------------------------------------------------------- calendar


def cmd_calendar(args: argparse.Namespace, out: TextIO) -> int:
    from checklist.pack import load_packs
    from checklist.workflow.ical import duty_calendar

    pack = load_packs(args.rules or [DEFAULT_PACK])
    year = args.year or dt.date.today().year
    due = None
    if args.ledger:
        from checklist.engine import evaluate
        from checklist.ledger import read_ledger

        as_of = parse_day(args.as_of, "--as-of") if args.as_of else None
        result = evaluate(pack, read_ledger(args.ledger), year=year, as_of=as_of, units=args.unit)
        due = result.due_findings()
    elif args.unit:
        raise UsageError("--unit needs --ledger LOG: the unit's due items come from its ledger")
    data = duty_calendar(pack, year, args.lang or pack.language, due)
    if not args.output:
        raise UsageError("give -o FILE.ics")
    write_output(data, args.output, out)
    return 0


def add_workflow(sub: argparse._SubParsersAction) -> None:
    plan = sub.add_parser("plan", help="create or update the rectification ledger (整改台账)")
    add_ledger_options(plan)
    _add_side(plan)
    plan.add_argument("--ledger", metavar="XLSX", help="the rectification ledger to update")
    plan.add_argument("-o", "--output", metavar="FILE")
    plan.set_defaults(handler=cmd_plan)

    remind = sub.add_parser("remind", help="duties falling due in the next N days (exit 1 when any)")
    add_ledger_options(remind)
    _add_side(remind)
    remind.add_argument("--within", type=int, default=30, metavar="DAYS")
    remind.add_argument("--format", choices=["table", "json"], default="table")
    remind.set_defaults(handler=cmd_remind)

    audit = sub.add_parser("audit", help="integrity warnings: back-filled, crammed, copied, too close")
    add_ledger_options(audit)
    audit.add_argument("--backfill-days", dest="backfill_days", type=int, default=30)
    audit.add_argument("--format", choices=["table", "json"], default="table")
    audit.set_defaults(handler=cmd_audit)

    calendar = sub.add_parser("calendar", help="duties as an iCalendar file")
    calendar.add_argument("--rules", action="append", metavar="PACK")
    calendar.add_argument("--year", type=int)
    calendar.add_argument("--unit", action="append", metavar="U")
    calendar.add_argument("--ledger", metavar="LOG", help="add the concrete due items from this ledger")
    calendar.add_argument("--as-of", dest="as_of", metavar="D")
    calendar.add_argument("--lang", choices=["zh", "en"])
    calendar.add_argument("-o", "--output", metavar="FILE")
    calendar.set_defaults(handler=cmd_calendar)


__all__ = ["add_workflow"]
