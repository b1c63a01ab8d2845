"""`checklist evaluate` and `checklist log check`: the ledger-facing commands."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from checklist.errors import UsageError

if TYPE_CHECKING:
    from checklist.pack.model import Pack
    from checklist.result import Result

DEFAULT_PACK = "ideology-responsibility"


def parse_day(text: str, option: str) -> dt.date:
    from checklist.ledger.dates import DateError, parse_when

    try:
        return parse_when(text).day
    except DateError as err:
        raise UsageError(f"{option}: {err}") from None


def add_ledger_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("log", metavar="LOG", help="the ledger: CSV, XLSX, XLS or JSON Lines")
    parser.add_argument("--rules", action="append", metavar="PACK", help="pack id or path (repeatable)")
    parser.add_argument("--mapping", metavar="FILE", help="YAML 'field: header' for unusual headers")
    parser.add_argument("--sheet", metavar="NAME", help="the sheet of a workbook (default: the first)")


def add_evaluate(sub: argparse._SubParsersAction) -> None:
    from checklist.render import formats

    p = sub.add_parser("evaluate", help="check a ledger against rule packs")
    add_ledger_options(p)
    p.add_argument("--year", type=int, help="evaluate this (fiscal) year")
    p.add_argument("--from", dest="date_from", metavar="D", help="window start (with --to)")
    p.add_argument("--to", dest="date_to", metavar="D", help="window end (with --from)")
    p.add_argument("--as-of", dest="as_of", metavar="D", help="evaluate as on this day (default: today)")
    p.add_argument("--unit", action="append", metavar="U", help="only this unit (repeatable)")
    p.add_argument("--roster", metavar="F", help="unit,person,role,from,to")
    p.add_argument("--units", metavar="F", help="unit,type,parent,established,dissolved")
    p.add_argument("--waivers", metavar="F", help="unit,rule,from,to,reason,approved_by,expires")
    p.add_argument("--format", default="table", choices=formats())
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of standard output")
    p.add_argument("--lang", choices=["zh", "en"], help="language of the output (default: the pack's)")
    p.add_argument("--fail-on", dest="fail_on", default="violation", choices=["violation", "due", "never"])
    p.add_argument("--group-by", dest="group_by", choices=["parent"], help="roll units up to their parent body")
    p.add_argument(
        "--compare-previous",
        dest="compare_previous",
        action="store_true",
        help="add last year's result per unit, when the ledger covers it",
    )
    p.add_argument("--audit", action="store_true", help="add integrity warnings (as `checklist audit`) to the report")
    p.set_defaults(handler=cmd_evaluate)


def _progress(step: str) -> None:
    """A one-line progress note on an interactive stderr; silent in pipes, files and CI."""
    if sys.stderr.isatty():
        print(f"\r\x1b[2K{step}" if step else "\r\x1b[2K", end="", file=sys.stderr, flush=True)


def _evaluate(args: argparse.Namespace) -> tuple[Result, Pack]:
    from checklist.engine import evaluate
    from checklist.ledger import read_ledger
    from checklist.ledger.side import read_roster, read_units, read_waivers
    from checklist.pack import load_packs

    if args.year is not None and (args.date_from or args.date_to):
        raise UsageError("--year excludes --from/--to")
    _progress("loading rules…")
    pack = load_packs(args.rules or [DEFAULT_PACK])
    _progress(f"reading {args.log}…")
    ledger = read_ledger(args.log, sheet=args.sheet, mapping=args.mapping)
    _progress(f"evaluating {ledger.rows} rows…")
    result = evaluate(
        pack,
        ledger,
        year=args.year,
        start=parse_day(args.date_from, "--from") if args.date_from else None,
        end=parse_day(args.date_to, "--to") if args.date_to else None,
        as_of=parse_day(args.as_of, "--as-of") if args.as_of else None,
        units=args.unit,
        roster=read_roster(args.roster) if args.roster else None,
        unit_list=read_units(args.units) if args.units else None,
        waivers=read_waivers(args.waivers) if args.waivers else None,
        group_by=args.group_by,
        compare_previous=args.compare_previous,
    )
    if args.audit:
        from checklist.result import IntegrityNote
        from checklist.workflow.audit import audit

        _progress("auditing…")
        notes = [IntegrityNote(kind=f.kind, unit=f.unit, rows=f.rows, message=f.message) for f in audit(ledger, pack)]
        result = result.model_copy(update={"integrity": notes})
    _progress("")
    return result, pack


def _exit_code(result: Result, fail_on: str) -> int:
    if fail_on == "never":
        return 0
    if result.violations():
        return 1
    return 1 if fail_on == "due" and result.due_findings() else 0


def write_output(data: str | bytes, output: str | None, out: TextIO, *, binary: bool = True) -> None:
    """To -o FILE atomically (temp file + rename), else to standard output. Bytes are a binary
    format unless `binary` is False (UTF-8 text such as JSON, written as it is)."""
    if output is None:
        if isinstance(data, bytes):
            if binary:
                raise UsageError("this format is binary: give -o FILE")
            buffer = getattr(out, "buffer", None)
            if buffer is None:
                out.write(data.decode("utf-8"))
            else:
                out.flush()
                buffer.write(data)
                buffer.flush()
            return
        out.write(data)
        return
    target = Path(output)
    tmp = target.with_name(f".{target.name}.tmp{os.getpid()}")
    try:
        if isinstance(data, bytes):
            tmp.write_bytes(data)
        else:
            tmp.write_text(data, encoding="utf-8")
        os.replace(tmp, target)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise UsageError(f"cannot write {output}: {err.strerror or err}") from None


def cmd_evaluate(args: argparse.Namespace, out: TextIO) -> int:
    from checklist.render import BINARY, RenderOptions, render

    result, pack = _evaluate(args)
    lang = args.lang or pack.language
    defaulted = "" if args.as_of else (" (默认)" if lang == "zh" else " (default)")
    print(f"window {result.window.from_}..{result.window.to}, as_of {result.as_of}{defaulted}", file=sys.stderr)
    color = args.output is None and args.format == "table" and out.isatty() and not os.environ.get("NO_COLOR")
    data = render(result, args.format, RenderOptions(lang=lang, color=color))
    write_output(data, args.output, out, binary=args.format in BINARY)
    return _exit_code(result, args.fail_on)


def add_log(sub: argparse._SubParsersAction) -> None:
    log = sub.add_parser("log", help="inspect a ledger")
    lsub = log.add_subparsers(dest="log_command", required=True)
    check = lsub.add_parser("check", help="parse and validate a ledger only")
    add_ledger_options(check)
    check.add_argument("--format", default="table", choices=["table", "json"])
    check.set_defaults(handler=cmd_log_check)


def cmd_log_check(args: argparse.Namespace, out: TextIO) -> int:
    from checklist.ledger import read_ledger
    from checklist.logcheck import ledger_report
    from checklist.pack import load_packs

    pack = load_packs(args.rules or [DEFAULT_PACK])
    ledger = read_ledger(args.log, sheet=args.sheet, mapping=args.mapping)
    out.write(ledger_report(ledger, pack, args.format))
    return 0
