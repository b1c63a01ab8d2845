"""`checklist audit`: integrity warnings (back-filled, crammed, copied, too close)."""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from checklist.cli import options as o
from checklist.text import joined, say


def add(sub: argparse._SubParsersAction, h: o.Help) -> None:
    audit_options(sub.add_parser("audit", help=h("audit"), description=h("audit")), h)


def audit_options(p: argparse.ArgumentParser, h: o.Help) -> None:
    o.add_ledger(p, h)
    days = o.bounded(h.lang, 0, o.MAX_DAYS)
    p.add_argument(
        "--backfill-days", dest="backfill_days", type=days, default=30, metavar="DAYS", help=h("backfill_days")
    )
    p.add_argument("--format", choices=["table", "json"], default="table", help=h("format"))
    o.add_lang(p, h)
    p.set_defaults(handler=cmd_audit)


def cmd_audit(args: argparse.Namespace, out: TextIO) -> int:
    from checklist.workflow.audit import audit

    pack = o.load_rules(args)
    ledger = o.read_log(args)
    found = audit(ledger, pack, backfill_days=int(args.backfill_days))
    lang = o.lang_of(args)
    if args.format == "json":
        rows = [{**f.__dict__, "message": f.message.text(lang)} for f in found]
        out.write(json.dumps(rows, ensure_ascii=False, indent=2, default=str) + "\n")
    elif found:
        for f in found:
            kind = say(f"audit.kind.{f.kind}", lang)
            line = say("cli.audit.line", lang, kind=kind, message=f.message, rows=joined(f.rows, lang, 20))
            out.write(line + "\n")
    else:
        out.write(say("cli.audit.none", lang) + "\n")
    return 1 if found else 0
