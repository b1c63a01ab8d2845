"""`checklist bulletin LOG --units F -o 通报.docx`: the county 通报 (DESIGN §10) as a 公文 DOCX.

A command of its own rather than a --format: the 通报 is a different document from the 自查报告 that
`evaluate --format docx` writes, and -o's .docx must not mean two things. Always rolled up by parent.
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from checklist.cli import options as o
from checklist.cli.output import check_output, require_extension, write_output
from checklist.errors import UsageError
from checklist.text import msg


def add(sub: argparse._SubParsersAction, h: o.Help) -> None:
    p = sub.add_parser("bulletin", help=h("bulletin"), description=h("bulletin"))
    o.add_evaluation(p, h, span=True, unit_filter=False)
    o.add_output(p, h, "bulletin_output")
    o.add_lang(p, h)
    p.set_defaults(
        handler=cmd_bulletin,
        unit=None,
        group_by="parent",
        compare_previous=False,
        audit=False,
        fail_on="never",
        format="docx",
        split_by=None,
    )


def checked(args: argparse.Namespace) -> None:
    if not args.output:
        raise UsageError(msg("assess.bulletin_needs_output"))
    require_extension(args.output, ".docx")
    check_output(args.output, o.input_paths(args))
    if args.year is not None and (args.date_from or args.date_to):
        raise UsageError(msg("usage.year_and_window"))
    for option, value in (("--from", args.date_from), ("--to", args.date_to), ("--as-of", args.as_of)):
        if value:
            o.day(value, option)


def cmd_bulletin(args: argparse.Namespace, out: TextIO) -> int:
    from checklist.cli.evaluate import run_evaluation
    from checklist.render import RenderOptions
    from checklist.render.bulletin import render_bulletin

    checked(args)
    result, _pack = run_evaluation(args)
    lang = o.lang_of(args)
    write_output(render_bulletin(result, RenderOptions(lang=lang)), args.output, out)
    print(msg("assess.bulletin_written", path=args.output, units=len(result.units)).text(lang), file=sys.stderr)
    return 0
