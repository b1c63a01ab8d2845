"""The `checklist` command: parse arguments, call the library, map its errors to exit codes."""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from checklist.errors import ChecklistError, InputError

EXIT_OK, EXIT_VIOLATION, EXIT_USAGE = 0, 1, 2

Handler = Callable[[argparse.Namespace, TextIO], int]


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so `main` stays in charge of the exit code."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise ChecklistError(f"{self.prog}: {message}")


# ---------------------------------------------------------------- rules


def _cmd_rules_list(args: argparse.Namespace, out: TextIO) -> int:
    from tabulate import tabulate

    from checklist.pack import load_pack, shipped_pack_ids

    rows = []
    for pack_id in shipped_pack_ids():
        pack = load_pack(pack_id)
        extends = ", ".join(s.id for s in pack.sources[:-1]) or "-"
        rows.append([pack.id, pack.version, len(pack.active_rules), extends, pack.title])
    headers = ["pack", "version", "rules", "extends", "title"]
    out.write(tabulate(rows, headers=headers, disable_numparse=True) + "\n")
    return EXIT_OK


def _cmd_rules_show(args: argparse.Namespace, out: TextIO) -> int:
    from checklist.pack import load_pack
    from checklist.pack.catalogue import catalogue

    pack = load_pack(args.pack)
    out.write(catalogue(pack, args.lang or pack.language, args.year))
    return EXIT_OK


def _cmd_rules_validate(args: argparse.Namespace, out: TextIO) -> int:
    from checklist.pack import load_pack

    failed = False
    for ref in args.packs:
        try:
            pack = load_pack(ref)
        except InputError as err:
            failed = True
            for problem in err.problems:
                print(problem, file=sys.stderr)
            continue
        out.write(f"ok: {ref} ({pack.id} {pack.version}, {len(pack.active_rules)} rules)\n")
    return EXIT_USAGE if failed else EXIT_OK


def _cmd_rules_schema(args: argparse.Namespace, out: TextIO) -> int:
    from checklist.pack.model import PackDocument

    schema = PackDocument.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    out.write(json.dumps(schema, ensure_ascii=False, indent=2) + "\n")
    return EXIT_OK


def _cmd_rules_explain(args: argparse.Namespace, out: TextIO) -> int:
    from checklist.pack import load_pack
    from checklist.pack.explain import explain

    pack = load_pack(args.pack)
    try:
        rule = pack.rule(args.rule)
    except KeyError as err:
        raise ChecklistError(str(err.args[0])) from None
    out.write(explain(pack, rule, args.lang or pack.language, args.year) + "\n")
    return EXIT_OK


def _add_rules(sub: argparse._SubParsersAction) -> None:
    rules = sub.add_parser("rules", help="list, show, validate and explain rule packs")
    rsub = rules.add_subparsers(dest="rules_command", required=True, parser_class=_Parser)
    rsub.add_parser("list", help="the shipped packs").set_defaults(handler=_cmd_rules_list)
    show = rsub.add_parser("show", help="a readable catalogue of a pack's rules")
    show.add_argument("pack", help="pack id or path")
    show.add_argument("--lang", choices=["zh", "en"])
    show.add_argument("--year", type=int, help="year used to count periods (default: this year)")
    show.set_defaults(handler=_cmd_rules_show)
    validate = rsub.add_parser("validate", help="check packs; exit 2 with located errors")
    validate.add_argument("packs", nargs="+", metavar="PACK")
    validate.set_defaults(handler=_cmd_rules_validate)
    rsub.add_parser("schema", help="JSON Schema of the pack format").set_defaults(handler=_cmd_rules_schema)
    explain = rsub.add_parser("explain", help="one plain sentence for one rule")
    explain.add_argument("pack")
    explain.add_argument("rule")
    explain.add_argument("--lang", choices=["zh", "en"])
    explain.add_argument("--year", type=int)
    explain.set_defaults(handler=_cmd_rules_explain)


# ---------------------------------------------------------------- entry points


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="checklist", description="Check activity ledgers (台账) against rule packs.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    _add_rules(sub)
    for extra in _extra_commands():
        extra(sub)
    return parser


def _extra_commands() -> list[Callable[[argparse._SubParsersAction], None]]:
    from checklist.commands import add_evaluate, add_log
    from checklist.stream.watch import add_watch
    from checklist.workflow_cli import add_workflow

    return [add_evaluate, add_log, add_workflow, add_watch]


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run one command; return the exit code. Errors become one line each on stderr."""
    out = out or sys.stdout
    try:
        args = build_parser().parse_args(argv)
        handler: Handler = args.handler
        return handler(args, out)
    except InputError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        return EXIT_USAGE
    except ChecklistError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def run() -> None:
    """Console-script entry: terminals on Windows may be GBK; never die on an unencodable glyph."""
    # A one-shot command builds tens of thousands of small objects and frees them all at exit:
    # cyclic garbage collection only costs time here (a third of a 1M-row evaluation).
    gc.disable()
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
    code = main()
    # Every output is written and closed by now; freeing a big result object by object at
    # interpreter exit only adds time (a tenth of a second on a 1M-row ledger), so leave at once.
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more can be said on it
            stream.flush()
    os._exit(code)
