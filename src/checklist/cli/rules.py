"""`checklist rules list | show | validate | schema | explain`: the rule packs."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from checklist.cli.options import Help, add_lang, lang_of, year_type
from checklist.errors import InputError, UsageError
from checklist.text import msg, own_words, say


def add(sub: argparse._SubParsersAction, h: Help) -> None:
    rules = sub.add_parser("rules", help=h("rules_group"), description=h("rules_group"))
    rsub = rules.add_subparsers(dest="rules_command", required=True, parser_class=type(rules))
    listing = rsub.add_parser("list", help=h("rules_list"), description=h("rules_list"))
    add_lang(listing, h)
    listing.set_defaults(handler=cmd_list)
    show_options(rsub.add_parser("show", help=h("rules_show"), description=h("rules_show")), h)
    validate_options(rsub.add_parser("validate", help=h("rules_validate"), description=h("rules_validate")), h)
    schema = rsub.add_parser("schema", help=h("rules_schema"), description=h("rules_schema"))
    schema.set_defaults(handler=cmd_schema)
    explain_options(rsub.add_parser("explain", help=h("rules_explain"), description=h("rules_explain")), h)


def show_options(p: argparse.ArgumentParser, h: Help) -> None:
    p.add_argument("pack", help=h("pack"))
    add_lang(p, h)
    p.add_argument("--year", type=year_type(h.lang), metavar="YYYY", help=h("count_year"))
    p.set_defaults(handler=cmd_show)


def validate_options(p: argparse.ArgumentParser, h: Help) -> None:
    p.add_argument("packs", nargs="+", metavar="PACK", help=h("pack"))
    add_lang(p, h)
    p.set_defaults(handler=cmd_validate)


def explain_options(p: argparse.ArgumentParser, h: Help) -> None:
    p.add_argument("pack", help=h("pack"))
    p.add_argument("rule", help=h("rule_id"))
    add_lang(p, h)
    p.add_argument("--year", type=year_type(h.lang), metavar="YYYY", help=h("count_year"))
    p.set_defaults(handler=cmd_explain)


def cmd_list(args: argparse.Namespace, out: TextIO) -> int:
    from tabulate import tabulate

    from checklist.pack import load_pack, shipped_pack_ids

    lang = lang_of(args)
    rows = []
    for pack_id in shipped_pack_ids():
        pack = load_pack(pack_id)
        extends = ", ".join(s.id for s in pack.sources[:-1]) or "-"
        title = own_words(pack, lang)
        rows.append([pack.id, pack.version, len(pack.active_rules), extends, title])
    headers = say("cli.rules.list.headers", lang).split("|")
    out.write(tabulate(rows, headers=headers, disable_numparse=True) + "\n")
    return 0


def cmd_show(args: argparse.Namespace, out: TextIO) -> int:
    from checklist.pack import load_pack
    from checklist.pack.catalogue import catalogue

    pack = load_pack(args.pack)
    args.out_lang = args.lang or pack.language
    out.write(catalogue(pack, args.out_lang, args.year))
    return 0


def cmd_validate(args: argparse.Namespace, out: TextIO) -> int:
    from checklist.pack import load_pack

    lang = lang_of(args)
    failed = False
    for ref in args.packs:
        try:
            pack = load_pack(ref)
        except InputError as err:
            failed = True
            for problem in err.problems:
                print(problem.text(lang) if hasattr(problem, "text") else problem, file=sys.stderr)
            continue
        line = say(
            "cli.rules.validate.ok", lang, ref=ref, pack=pack.id, version=pack.version, rules=len(pack.active_rules)
        )
        out.write(line + "\n")
    return 2 if failed else 0


def cmd_schema(args: argparse.Namespace, out: TextIO) -> int:
    from checklist.kinds import PACK_DOCUMENT

    schema = PACK_DOCUMENT.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    out.write(json.dumps(schema, ensure_ascii=False, indent=2) + "\n")
    return 0


def cmd_explain(args: argparse.Namespace, out: TextIO) -> int:
    from checklist.pack import load_pack
    from checklist.pack.explain import explain

    pack = load_pack(args.pack)
    args.out_lang = args.lang or pack.language
    try:
        rule = pack.rule(args.rule)
    except KeyError:
        known = [r.id for r in pack.rules]
        raise UsageError(msg("usage.no_rule", pack=pack.id, rule=args.rule, known=known)) from None
    out.write(explain(pack, rule, args.out_lang, args.year) + "\n")
    return 0
