"""Parse the arguments, run one command, map what happened to an exit code (DESIGN §7, §7.1).

0 no violation, 1 a violation (never a crash), 2 a usage error or unusable input (one line per
problem, in the output language), 3 anything unexpected (one line; the traceback with --debug),
130 interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
import traceback
from collections.abc import Sequence
from typing import TextIO

from checklist.cli import audit, bulletin, calendar, evaluate, log, plan, remind, rules, serve, template, watch
from checklist.cli.argwords import argparse_words
from checklist.cli.options import Help, lang_of
from checklist.errors import ChecklistError, InputError, UsageError
from checklist.text import one_line, say, system_lang

EXIT_OK, EXIT_VIOLATION, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

# Each module adds its command(s) with `add(sub, h)` and sets `handler` on its parser.
COMMANDS = (evaluate, bulletin, log, rules, plan, remind, audit, calendar, watch, serve, template)


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so `main` stays in charge of the exit code."""

    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse's gettext gives the words of the help language (cli/argwords.py): "checklist：…" in Chinese
        raise UsageError(argparse._("%(prog)s: %(message)s") % {"prog": self.prog, "message": message})  # type: ignore[attr-defined]


class _Formatter(argparse.HelpFormatter):
    """Lists the commands under their heading (命令:) without a first line that only repeats it."""

    def _format_action(self, action: argparse.Action) -> str:
        if isinstance(action, argparse._SubParsersAction):
            return "".join(self._format_action(command) for command in action._get_subactions())
        return super()._format_action(action)


def build_parser(lang: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, its help in `lang` (default: CHECKLIST_LANG or the system locale)."""
    h = Help(lang or system_lang())
    parser = _Parser(prog="checklist", description=h("description"), formatter_class=_Formatter)
    parser.add_argument("--debug", action="store_true", help=h("debug"))
    # metavar: argparse names the command by it in errors ("参数 命令：无效的选项值"), never by the dest
    sub = parser.add_subparsers(
        dest="command", metavar=h("command"), required=True, parser_class=_Parser, title=h("commands")
    )
    for module in COMMANDS:
        module.add(sub, h)
    return parser


def _lang_in(argv: list[str]) -> str | None:
    """--lang as given on the command line, looked up before parsing (parse errors use it too)."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in ("zh", "en"):
            return argv[i + 1]
        if arg in ("--lang=zh", "--lang=en"):
            return arg[-2:]
    return None


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run one command; return the exit code. Errors become one line each on stderr."""
    out = out or sys.stdout
    words = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in words
    words = [w for w in words if w != "--debug"]
    lang = _lang_in(words) or system_lang()
    args = argparse.Namespace(help_lang=lang, debug=debug)
    try:
        with argparse_words(lang):
            build_parser(lang).parse_args(words, namespace=args)
        return int(args.handler(args, out))
    except SystemExit as done:  # --help and --version end here
        return done.code if isinstance(done.code, int) else EXIT_OK
    except BaseException as err:  # every outcome becomes an exit code and one line
        return _failed(err, args)


def _failed(err: BaseException, args: argparse.Namespace) -> int:
    lang = lang_of(args)
    if isinstance(err, InputError):
        for problem in err.problems:
            _say(problem.text(lang) if hasattr(problem, "text") else str(problem))
        return EXIT_USAGE
    if isinstance(err, ChecklistError):
        _say(say("cli.error", lang, detail=_text(err, lang)))
        return EXIT_USAGE
    if isinstance(err, BrokenPipeError):  # `checklist … | head`: the reader left; nothing went wrong here
        return EXIT_OK
    if isinstance(err, KeyboardInterrupt):
        _say(say("cli.interrupted", lang))
        return EXIT_INTERRUPTED
    if isinstance(err, MemoryError):
        _say(say("cli.memory", lang, detail=type(err).__name__))
        return EXIT_USAGE
    _say(say("internal", lang, detail=_one_line(f"{type(err).__name__}: {err}")))
    if args.debug:
        _say(say("cli.traceback", lang))
        traceback.print_exception(err, file=sys.stderr)
    return EXIT_INTERNAL


def _text(err: ChecklistError, lang: str) -> str:
    text = getattr(err, "text", None)
    return _one_line(text(lang) if callable(text) else str(err))


def _one_line(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= 300 else flat[:299] + "…"


def _say(line: str) -> None:
    # Ledger text and file names in a message: escape sequences shown, not obeyed; one line (issue 11).
    print(one_line(line, limit=2000), file=sys.stderr)


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
