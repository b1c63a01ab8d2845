"""`checklist serve`: run the local web page (DESIGN §11), or add an account (`--add-user`)."""

from __future__ import annotations

import argparse
import getpass
import ipaddress
import os
import sys
import threading
import webbrowser
from typing import TextIO

from checklist.cli.options import Help
from checklist.errors import UsageError
from checklist.text import say, system_lang

DEFAULT_PORT = 8765
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def add(sub: argparse._SubParsersAction, h: Help) -> None:
    def w(name: str, **args: object) -> str:
        return say(f"serve.cli.opt.{name}", h.lang, **args)

    p = sub.add_parser("serve", help=say("serve.cli.help", h.lang), description=say("serve.cli.help", h.lang))
    p.add_argument("--host", default="127.0.0.1", help=w("host"))
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=w("port", port=DEFAULT_PORT))
    p.add_argument("--db", metavar="URL", help=w("db"))
    p.add_argument("--open", action="store_true", help=w("open"))
    p.add_argument("--lang", choices=["zh", "en"], help=w("lang"))
    p.add_argument("--add-user", dest="add_user", metavar="NAME", help=w("add_user"))
    p.add_argument("--role", choices=["unit", "department"], default="unit", help=w("role"))
    p.add_argument("--unit", action="append", default=[], metavar="U", help=w("unit"))
    p.add_argument("--password-stdin", dest="password_stdin", action="store_true", help=w("password_stdin"))
    p.set_defaults(handler=cmd_serve)


def cmd_serve(args: argparse.Namespace, out: TextIO) -> int:
    from checklist.serve.store import Store, default_url

    lang = args.lang or getattr(args, "help_lang", None) or system_lang()
    url = args.db or default_url()
    store = Store(url)
    if args.add_user:
        return _add_user(store, args, lang, out)
    if not _is_local(args.host) and not store.has_users():
        raise UsageError(say("serve.cli.refuse_host", lang, host=args.host))
    if not 0 < args.port < 65536:
        raise UsageError(say("serve.cli.port_range", lang, port=args.port))
    _check_free(args.host, args.port, lang)
    return _run(store, args, lang, _shown(url))


def _check_free(host: str, port: int, lang: str) -> None:
    """A port already taken (often: the page is already running) is one clear line, not uvicorn's log."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as err:
        raise UsageError(say("serve.cli.bad_host", lang, host=host, detail=err.strerror or str(err))) from None
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        if os.name != "nt":  # as uvicorn binds: a port in TIME_WAIT is free; a listening one is not
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError:
            raise UsageError(say("serve.cli.port_busy", lang, port=port)) from None


def _is_local(host: str) -> bool:
    if host in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _shown(url: str) -> str:
    """The database URL without a password."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _add_user(store: object, args: argparse.Namespace, lang: str, out: TextIO) -> int:
    from checklist.serve.auth import hash_password

    if args.role == "unit" and len(args.unit) != 1:
        raise UsageError(say("serve.cli.unit_needed", lang))
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(say("serve.cli.password", lang, name=args.add_user))
        if getpass.getpass(say("serve.cli.password_again", lang)) != password:
            raise UsageError(say("serve.cli.password_mismatch", lang))
    if len(password) < 8:
        raise UsageError(say("serve.cli.password_short", lang))
    store.add_user(args.add_user, hash_password(password), args.role, args.unit)  # type: ignore[attr-defined]
    units = say("serve.cli.units", lang, units="、".join(args.unit)) if args.unit else ""
    out.write(say("serve.cli.user_added", lang, name=args.add_user, role=args.role, units=units) + "\n")
    return 0


def _run(store: object, args: argparse.Namespace, lang: str, shown_db: str) -> int:
    import uvicorn

    from checklist.serve.app import create_app

    app = create_app(store, lang=args.lang or "zh")  # type: ignore[arg-type]
    server = uvicorn.Server(uvicorn.Config(app, host=args.host, port=args.port, log_level="warning"))
    host = f"[{args.host}]" if ":" in args.host else args.host
    page = f"http://{host}:{args.port}/"
    print(say("serve.cli.database", lang, url=shown_db), file=sys.stderr)
    threading.Thread(target=_announce, args=(server, page, lang, args.open), daemon=True).start()
    server.run()
    return 0


def _announce(server: object, page: str, lang: str, open_browser: bool) -> None:
    """Once uvicorn listens: say where, and open the browser when asked."""
    import time

    for _ in range(600):
        if getattr(server, "started", False):
            print(say("serve.cli.started", lang, url=page), file=sys.stderr)
            if open_browser:
                webbrowser.open(page)
            return
        time.sleep(0.05)
