"""`checklist template -o 台账模板.xlsx [--rules PACK] [--year YYYY]`: a blank ledger for clerks to fill in."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from checklist.cli import options as o
from checklist.cli.output import check_output, require_extension, write_output
from checklist.errors import UsageError
from checklist.text import msg


def add(sub: argparse._SubParsersAction, h: o.Help) -> None:
    p = sub.add_parser("template", help=h("template"), description=h("template"))
    o.add_output(p, h, "template_output")
    o.add_rules(p, h)
    o.add_year(p, h, "template_year")
    o.add_lang(p, h)
    p.set_defaults(handler=cmd_template)


def cmd_template(args: argparse.Namespace, out: TextIO) -> int:
    from checklist.template import write_template

    if not args.output:
        raise UsageError(msg("template.needs_output"))
    require_extension(args.output, ".xlsx")
    check_output(args.output, [])
    pack = o.load_rules(args)
    lang = o.lang_of(args)
    write_output(write_template(pack, lang=lang, year=args.year), args.output, out)
    written = msg("template.written", path=args.output, types=len(pack.categories), pack=pack.id)
    print(written.text(lang), file=sys.stderr)
    return 0
