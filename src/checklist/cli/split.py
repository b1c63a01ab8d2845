"""`checklist evaluate … --split-by unit -o DIR`: one report per unit, `DIR/<unit>.<ext>` (DESIGN §7.1)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from checklist.cli import options as o
from checklist.cli.output import write_output
from checklist.errors import UsageError
from checklist.notice import RowRef
from checklist.text import msg


def check_split(args: argparse.Namespace) -> str:
    """Refused before reading: no -o, or an -o that is a file or has no parent folder. Returns the format
    (--format, else the terminal table written as .txt: a folder has no extension to infer one from)."""
    if args.output is None:
        raise UsageError(msg("assess.split_needs_dir"))
    target = Path(args.output)
    if target.exists() and not target.is_dir():
        raise UsageError(msg("assess.split_not_dir", path=args.output))
    if not target.exists() and not target.parent.is_dir():
        raise UsageError(msg("usage.output_no_dir", path=args.output, folder=str(target.parent)))
    return args.format or "table"


def ledger_rows(ledger: Any) -> dict[RowRef, str]:
    """Each ledger row's unit, keyed as warnings cite rows: numbers, or `FILE:SHEET!ROW` references."""
    import numpy as np

    table = ledger.table
    units = table["unit"].to_pylist()
    refs = [ref for _file, _sheet, ref in ledger.places(np.arange(table.num_rows))]
    return dict(zip(refs, units, strict=True))


def write_split(args: argparse.Namespace, fmt: str) -> int:
    from checklist.cli.evaluate import exit_code, run_evaluation
    from checklist.render import RenderOptions, render_split

    kept: dict = {}
    result, _pack = run_evaluation(args, kept)
    lang = o.lang_of(args)
    code = "cli.window" if args.as_of else "cli.window_default"
    print(msg(code, start=result.window.from_, end=result.window.to, as_of=result.as_of).text(lang), file=sys.stderr)
    row_units = ledger_rows(kept["ledger"])
    folder = Path(args.output)
    try:
        folder.mkdir(exist_ok=True)
    except OSError as err:
        raise UsageError(msg("usage.output_cannot_write", path=args.output, reason=err.strerror or str(err))) from None
    count = 0
    for name, data in render_split(result, fmt, RenderOptions(lang=lang), row_units):
        write_output(data, str(folder / name), sys.stdout)
        count += 1
    print(msg("assess.split_written", count=count, folder=str(folder)).text(lang), file=sys.stderr)
    return exit_code(result, args.fail_on)
