"""Options shared by the commands, each added by one function, and the checks on their values.

Every check that needs no file runs while the arguments are parsed, before anything is read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING

from checklist.errors import UsageError
from checklist.text import msg, say

if TYPE_CHECKING:
    from checklist.ledger import Ledger
    from checklist.pack.model import Pack
    from checklist.result import Result

DEFAULT_PACK = "ideology-responsibility"
MIN_YEAR, MAX_YEAR = 1900, 2100
MAX_DAYS = 3660  # ten years ahead is the furthest a reminder or a back-fill threshold can mean anything


class Help:
    """Help texts in the help language: `h("year")` is the catalogue's `cli.help.year`."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, name: str) -> str:
        return say(f"cli.help.{name}", self.lang)


def year_type(lang: str) -> Callable[[str], int]:
    """--year: four digits, 1900-2100 (0 or 10**20 never silently mean something else)."""

    def parse(text: str) -> int:
        value = unicodedata.normalize("NFKC", text).strip()  # full-width ２０２４ is what an IME gives
        if not (len(value) == 4 and value.isascii() and value.isdigit() and MIN_YEAR <= int(value) <= MAX_YEAR):
            raise argparse.ArgumentTypeError(say("usage.year", lang, value=text))
        return int(value)

    return parse


def bounded(lang: str, low: float, high: float, *, integer: bool = True) -> Callable[[str], float]:
    """A number type for argparse that refuses NaN, infinities and anything outside [low, high]."""

    def parse(text: str) -> float:
        try:
            value: float = int(text) if integer else float(text)
        except ValueError:
            value = math.nan
        if math.isnan(value) or not low <= value <= high:
            raise argparse.ArgumentTypeError(say("usage.bounded", lang, low=low, high=high, value=text))
        return value

    return parse


def day(text: str, option: str) -> dt.date:
    """A day given on the command line (--from, --as-of, a tick), in the years a ledger can hold."""
    from checklist.ledger.dates import DateError, parse_when

    try:
        value = parse_when(text).day
    except DateError as err:
        raise UsageError(msg("usage.day", option=option, reason=err.message)) from None
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise UsageError(msg("usage.day_range", option=option, value=value))
    return value


def add_lang(p: argparse.ArgumentParser, h: Help) -> None:
    p.add_argument("--lang", choices=["zh", "en"], help=h("lang"))


def add_rules(p: argparse.ArgumentParser, h: Help) -> None:
    p.add_argument("--rules", action="append", metavar="PACK", help=h("rules"))


def add_ledger(p: argparse.ArgumentParser, h: Help) -> None:
    """LOG..., --rules, --mapping, --sheet, --unit-name: how every ledger-reading command names its inputs."""
    p.add_argument("log", metavar="LOG", nargs="+", help=h("log"))
    add_rules(p, h)
    p.add_argument("--mapping", metavar="FILE", help=h("mapping"))
    p.add_argument("--sheet", metavar="NAME", action="append", help=h("sheet"))
    p.add_argument("--unit-name", dest="unit_name", metavar="NAME", help=h("unit_name"))


def read_log(args: argparse.Namespace) -> Ledger:
    """The ledger of LOG... (files and folders, DESIGN §4.1); a header-only ledger is evaluated
    when --units lists the units."""
    from checklist.ledger import read_ledger

    return read_ledger(
        args.log,
        sheet=args.sheet,
        mapping=args.mapping,
        unit_name=args.unit_name,
        year=getattr(args, "year", None),
        empty_ok=bool(getattr(args, "units", None)),
    )


def add_evaluation(p: argparse.ArgumentParser, h: Help, *, span: bool = False, unit_filter: bool = True) -> None:
    """What every command that evaluates a ledger takes, in this order: LOG... (add_ledger), --year
    (with --from/--to when `span`), --as-of, --unit (unless not `unit_filter`), --roster/--units/--waivers."""
    add_ledger(p, h)
    add_year(p, h)
    if span:
        p.add_argument("--from", dest="date_from", metavar="D", help=h("from"))
        p.add_argument("--to", dest="date_to", metavar="D", help=h("to"))
    add_as_of(p, h)
    if unit_filter:
        add_units_filter(p, h)
    add_side(p, h)


def evaluated(
    args: argparse.Namespace, pack: Pack, ledger: Ledger, *, year: int | None, as_of: dt.date | None
) -> Result:
    """The evaluation of `ledger` by `pack` for --unit with the side inputs (add_evaluation's options)."""
    from checklist.engine import evaluate

    return evaluate(pack, ledger, year=year, as_of=as_of, units=args.unit, **side_inputs(args))


def add_year(p: argparse.ArgumentParser, h: Help, name: str = "year") -> None:
    p.add_argument("--year", type=year_type(h.lang), metavar="YYYY", help=h(name))


def add_as_of(p: argparse.ArgumentParser, h: Help) -> None:
    p.add_argument("--as-of", dest="as_of", metavar="D", help=h("as_of"))


def add_units_filter(p: argparse.ArgumentParser, h: Help) -> None:
    p.add_argument("--unit", action="append", metavar="U", help=h("unit"))


def add_side(p: argparse.ArgumentParser, h: Help) -> None:
    """--roster, --units, --waivers: the side inputs of an evaluation."""
    p.add_argument("--roster", metavar="F", help=h("roster"))
    p.add_argument("--units", metavar="F", help=h("units"))
    p.add_argument("--waivers", metavar="F", help=h("waivers"))


def add_format(p: argparse.ArgumentParser, h: Help, choices: list[str]) -> None:
    """--format with no default: None means "from -o's extension, else table"."""
    p.add_argument("--format", choices=choices, help=h("format"))


def add_output(p: argparse.ArgumentParser, h: Help, name: str = "output") -> None:
    p.add_argument("-o", "--output", metavar="FILE", help=h(name))


def add_within(p: argparse.ArgumentParser, h: Help, default: int, name: str = "within") -> None:
    p.add_argument("--within", type=bounded(h.lang, 0, MAX_DAYS), default=default, metavar="DAYS", help=h(name))


def load_rules(args: argparse.Namespace) -> Pack:
    """The packs named by --rules (or the default); from here on, messages follow the pack's language."""
    from checklist.pack import load_packs

    pack = load_packs(args.rules or [DEFAULT_PACK])
    args.out_lang = getattr(args, "lang", None) or pack.language
    return pack


def lang_of(args: argparse.Namespace) -> str:
    """The output language: --lang, else the pack's once loaded, else the help language."""
    return getattr(args, "lang", None) or getattr(args, "out_lang", None) or args.help_lang


def side_inputs(args: argparse.Namespace) -> dict:
    from checklist.ledger.side import read_roster, read_units, read_waivers

    return {
        "roster": read_roster(args.roster) if getattr(args, "roster", None) else None,
        "unit_list": read_units(args.units) if getattr(args, "units", None) else None,
        "waivers": read_waivers(args.waivers) if getattr(args, "waivers", None) else None,
    }


def input_paths(args: argparse.Namespace) -> list[str]:
    """Every file the command reads, so that -o never names one of them."""
    names = ("log", "mapping", "roster", "units", "waivers", "ledger")
    paths: list[str] = []
    for name in names:
        value = getattr(args, name, None)
        if isinstance(value, str):
            paths.append(value)
        elif isinstance(value, list):
            paths += [v for v in value if isinstance(v, str)]
    return paths + list(getattr(args, "rules", None) or [])
