"""`checklist evaluate`: check a ledger against rule packs and write the result in one format."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, TextIO

from checklist.cli import options as o
from checklist.cli.output import check_output, output_format, write_output
from checklist.errors import UsageError
from checklist.text import Message, msg

if TYPE_CHECKING:
    from checklist.pack.model import Pack
    from checklist.result import Result


def add(sub: argparse._SubParsersAction, h: o.Help) -> None:
    evaluate_options(sub.add_parser("evaluate", help=h("evaluate"), description=h("evaluate")), h)


def evaluate_options(p: argparse.ArgumentParser, h: o.Help) -> None:
    from checklist.render import formats

    o.add_evaluation(p, h, span=True)
    o.add_format(p, h, formats())
    o.add_output(p, h)
    o.add_lang(p, h)
    p.add_argument(
        "--fail-on", dest="fail_on", default="violation", choices=["violation", "due", "never"], help=h("fail_on")
    )
    p.add_argument("--group-by", dest="group_by", choices=["parent"], help=h("group_by"))
    p.add_argument("--compare-previous", dest="compare_previous", action="store_true", help=h("compare_previous"))
    p.add_argument("--audit", action="store_true", help=h("audit_flag"))
    p.add_argument("--split-by", dest="split_by", choices=["unit"], help=h("split_by"))
    p.add_argument("--deadline", metavar="DATE|+N", help=h("deadline"))
    p.set_defaults(handler=cmd_evaluate)


def progress(step: Message | None, lang: str) -> None:
    """A one-line progress note on an interactive stderr; silent in pipes, files and CI."""
    if sys.stderr.isatty():
        text = step.text(lang) if step else ""
        print(f"\r\x1b[2K{text}", end="", file=sys.stderr, flush=True)


def checked(args: argparse.Namespace) -> str:
    """Everything that can be refused without reading a file; returns the output format."""
    from checklist.render import BINARY

    if args.year is not None and (args.date_from or args.date_to):
        raise UsageError(msg("usage.year_and_window"))
    if getattr(args, "split_by", None):
        from checklist.cli.split import check_split

        return check_split(args)
    if args.output is not None:
        check_output(args.output, o.input_paths(args))
    fmt = output_format(args.output, args.format)
    if args.output is None and fmt in BINARY:
        raise UsageError(msg("usage.binary_needs_output", format=fmt))
    for option, value in (("--from", args.date_from), ("--to", args.date_to), ("--as-of", args.as_of)):
        if value:
            o.day(value, option)
    return fmt


def run_evaluation(args: argparse.Namespace, keep: dict | None = None) -> tuple[Result, Pack]:
    """Read, evaluate (and audit). `keep`, when given, receives the ledger (for --split-by)."""
    from checklist.engine import evaluate

    lang = o.lang_of(args)
    progress(msg("cli.progress.rules"), lang)
    pack = o.load_rules(args)
    lang = o.lang_of(args)
    progress(msg("cli.progress.reading", path=args.log), lang)
    ledger = o.read_log(args)
    if keep is not None:
        keep["ledger"] = ledger
    progress(msg("cli.progress.evaluating", rows=ledger.rows), lang)
    result = evaluate(
        pack,
        ledger,
        year=args.year,
        start=o.day(args.date_from, "--from") if args.date_from else None,
        end=o.day(args.date_to, "--to") if args.date_to else None,
        as_of=o.day(args.as_of, "--as-of") if args.as_of else None,
        units=args.unit,
        group_by=args.group_by,
        compare_previous=args.compare_previous,
        **o.side_inputs(args),
    )
    if args.audit:
        progress(msg("cli.progress.auditing"), lang)
        result = with_audit(result, ledger, pack)
    progress(None, lang)
    return result, pack


def with_audit(result: Result, ledger: object, pack: Pack) -> Result:
    from checklist.result import IntegrityNote
    from checklist.workflow.audit import audit

    notes = [
        IntegrityNote(
            kind=f.kind, unit=f.unit, rows=f.rows, message=f.message.text("zh"), message_en=f.message.text("en")
        )
        for f in audit(ledger, pack)  # type: ignore[arg-type]
    ]
    return result.model_copy(update={"integrity": notes})


def exit_code(result: Result, fail_on: str) -> int:
    if fail_on == "never":
        return 0
    if result.violations():
        return 1
    return 1 if fail_on == "due" and result.due_findings() else 0


def cmd_evaluate(args: argparse.Namespace, out: TextIO) -> int:
    from checklist.rectify import parse_deadline, record_lookup
    from checklist.render import RenderOptions, render

    fmt = checked(args)
    deadline = parse_deadline(args.deadline) if args.deadline else None
    if args.split_by:
        from checklist.cli.split import write_split

        return write_split(args, fmt)
    keep: dict = {}
    result, pack = run_evaluation(args, keep)
    ledger = keep["ledger"]
    lang = o.lang_of(args)
    code = "cli.window" if args.as_of else "cli.window_default"
    window = msg(code, start=result.window.from_, end=result.window.to, as_of=result.as_of)
    print(window.text(lang), file=sys.stderr)
    color = args.output is None and fmt == "table" and out.isatty() and not os.environ.get("NO_COLOR")
    # Every format a person reads names cited records by date and activity, and says whether their
    # numbers are the ledger's 序号 or its Excel rows; JSON keeps the bare ids (DESIGN §6).
    records = record_lookup(ledger, result) if fmt != "json" else None
    options = RenderOptions(lang=lang, color=color, pack=pack, records=records, deadline=deadline)
    data = render(result, fmt, options)
    write_output(data, args.output, out)
    return exit_code(result, args.fail_on)
