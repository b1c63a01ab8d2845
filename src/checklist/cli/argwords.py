"""argparse's own words (usage:, options, its error sentences) in the help language, via the catalogue."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator

from checklist.text import say

# argparse's msgids (Python 3.11-3.13) -> catalogue codes; a msgid not listed stays English.
MSGIDS = {
    "usage: ": "cli.argparse.usage",
    "positional arguments": "cli.argparse.positionals",
    "options": "cli.argparse.options",
    "optional arguments": "cli.argparse.options",
    "show this help message and exit": "cli.argparse.help",
    "%(prog)s: error: %(message)s\n": "cli.argparse.error",
    "%(prog)s: %(message)s": "cli.argparse.where",  # our own: _Parser.error's one line
    "the following arguments are required: %s": "cli.argparse.required",
    "unrecognized arguments: %s": "cli.argparse.unrecognized",
    "argument %(argument_name)s: %(message)s": "cli.argparse.argument",
    "invalid choice: %(value)r (choose from %(choices)s)": "cli.argparse.choice",
    "invalid %(type)s value: %(value)r": "cli.argparse.type",
    "expected one argument": "cli.argparse.one",
    "expected at most one argument": "cli.argparse.at_most_one",
    "expected at least one argument": "cli.argparse.at_least_one",
    "expected %s argument": "cli.argparse.n",
    "expected %s arguments": "cli.argparse.n_plural",
    "ambiguous option: %(option)s could match %(matches)s": "cli.argparse.ambiguous",
    "not allowed with argument %s": "cli.argparse.not_allowed",
    "one of the arguments %s is required": "cli.argparse.one_of",
    "ignored explicit argument %r": "cli.argparse.explicit",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "cli.argparse.unknown_parser",
    "unexpected option string: %s": "cli.argparse.unexpected",
}


def translate(text: str, lang: str) -> str:
    code = MSGIDS.get(text)
    return say(code, lang) if code else text


@contextlib.contextmanager
def argparse_words(lang: str) -> Iterator[None]:
    """While the parser is built and run, argparse's gettext gives our words (argparse has no other hook)."""
    saved = (argparse._, argparse.ngettext)  # type: ignore[attr-defined]

    def plural(singular: str, plural_: str, n: int) -> str:
        return translate(singular if n == 1 else plural_, lang)

    argparse._ = lambda text: translate(text, lang)  # type: ignore[attr-defined]
    argparse.ngettext = plural  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]
