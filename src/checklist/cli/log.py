"""`checklist log check`: what a ledger holds, before any rule is applied."""

from __future__ import annotations

import argparse
from typing import TextIO

from checklist.cli import options as o


def add(sub: argparse._SubParsersAction, h: o.Help) -> None:
    log = sub.add_parser("log", help=h("log_group"), description=h("log_group"))
    lsub = log.add_subparsers(dest="log_command", required=True, parser_class=type(log))
    check_options(lsub.add_parser("check", help=h("log_check"), description=h("log_check")), h)


def check_options(p: argparse.ArgumentParser, h: o.Help) -> None:
    o.add_ledger(p, h)
    p.add_argument("--format", default="table", choices=["table", "json"], help=h("format"))
    o.add_lang(p, h)
    p.set_defaults(handler=cmd_log_check)


def cmd_log_check(args: argparse.Namespace, out: TextIO) -> int:
    from checklist.logcheck import ledger_report

    pack = o.load_rules(args)
    ledger = o.read_log(args)
    out.write(ledger_report(ledger, pack, args.format, o.lang_of(args)))
    return 0
