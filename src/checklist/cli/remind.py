"""`checklist remind`: the duties falling due in the next N days (exit 1 when any)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import Any, TextIO

from checklist.cli import options as o
from checklist.text import number, own_words, say
from checklist.text.periods import period_name


def add(sub: argparse._SubParsersAction, h: o.Help) -> None:
    remind_options(sub.add_parser("remind", help=h("remind"), description=h("remind")), h)


def remind_options(p: argparse.ArgumentParser, h: o.Help) -> None:
    o.add_evaluation(p, h)
    o.add_within(p, h, default=30)
    p.add_argument("--format", choices=["table", "json"], default="table", help=h("format"))
    o.add_lang(p, h)
    p.set_defaults(handler=cmd_remind)


def cmd_remind(args: argparse.Namespace, out: TextIO) -> int:
    from checklist.periods import fiscal_year_of
    from checklist.workflow.remind import reminder_rows

    as_of = o.day(args.as_of, "--as-of") if args.as_of else dt.date.today()
    pack = o.load_rules(args)
    ledger = o.read_log(args)
    year = args.year if args.year is not None else fiscal_year_of(as_of, pack.calendar.year_start_month)
    result = o.evaluated(args, pack, ledger, year=year, as_of=as_of)
    lang = o.lang_of(args)
    titles = {r["id"]: own_words(r, lang) for r in result.rules}
    rows = reminder_rows(result, int(args.within), titles)
    if args.format == "json":
        document = {"as_of": str(as_of), "within": int(args.within), "reminders": rows}
        out.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(_table(rows, o.lang_of(args), as_of, int(args.within)))
    return 1 if rows else 0


def _table(rows: list[dict[str, Any]], lang: str, as_of: dt.date, within: int) -> str:
    from tabulate import tabulate

    if not rows:
        return say("cli.remind.none", lang, as_of=as_of, within=within) + "\n"
    risk = say("cli.remind.at_risk", lang)
    table = [
        [
            r["unit"],
            r["title"],
            period_name(r["period"], lang) + (f" {r['person']}" if r["person"] else ""),
            number(r["missing"]),
            r["due"],
            r["days_left"],
            risk if r["outlook"] == "at_risk" else "",
        ]
        for r in rows
    ]
    headers = say("cli.remind.headers", lang).split("|")
    return tabulate(table, headers=headers, disable_numparse=True) + "\n"
