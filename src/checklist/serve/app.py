"""The web application: Starlette routes over the Service, pages rendered by Jinja2 (autoescaped)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from checklist.serve import auth, library
from checklist.serve.auth import Visitor
from checklist.serve.service import Refused, Service
from checklist.serve.store import Store
from checklist.serve.uploads import Limits, UploadRefused
from checklist.text import LANGS, number, say
from checklist.text.periods import period_name

HERE = Path(__file__).parent
SHOWN = 200  # rows of each list on the verdict page; a county's full lists are in the downloads
SHOWN_PLAN = 500  # items on the 整改台账 page (one unit at a time shows all of a unit's)
Handler = Callable[[Request], Awaitable[Response]]
PLAN_STATUS_CODES = {"未整改": "open", "整改中": "progress", "已销号": "closed", "逾期": "overdue"}
MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
    "json": "application/json",
}


class Page:
    """Shared state of the application: the store, the service, the templates."""

    def __init__(self, store: Store, limits: Limits, lang: str, workers: int) -> None:
        self.store = store
        self.service = Service(store, limits, workers)
        self.lang = lang
        self.accounts = store.has_users()
        self.env = Environment(
            loader=FileSystemLoader(str(HERE / "templates")),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def lang_of(self, request: Request) -> str:
        chosen = request.session.get("lang")
        return chosen if chosen in LANGS else self.lang

    def who(self, request: Request) -> Visitor | None:
        return auth.visitor(request, self.store, self.accounts)

    def render(self, request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        lang = self.lang_of(request)

        def t(code: str, **args: Any) -> str:
            return say(f"serve.{code}", lang, **args)

        html = self.env.get_template(name).render(
            t=t,
            lang=lang,
            num=number,
            csrf=auth.csrf_token(request),
            visitor=self.who(request),
            accounts=self.accounts,
            path=request.url.path,
            plan_code=lambda s: PLAN_STATUS_CODES.get(s, "open"),
            **context,
        )
        return HTMLResponse(html, status_code=status)


def page_of(request: Request) -> Page:
    return request.app.state.page


def guarded(handler: Handler) -> Handler:
    """Pages that need a visitor: with accounts, nobody signed in goes to the login page."""

    async def wrapper(request: Request) -> Response:
        if page_of(request).who(request) is None:
            return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
        return await handler(request)

    return wrapper


async def checked_form(request: Request, limits: Limits) -> FormData:
    """Every POST: the form within bounds, and the session's CSRF token in it (403 otherwise)."""
    try:
        # One part more than the file bound, so that the Spool's own message names the bound.
        form = await request.form(max_files=limits.files + 2, max_fields=50, max_part_size=1024 * 1024)
    except HTTPException:
        lang = page_of(request).lang_of(request)
        raise HTTPException(400, say("serve.upload.count", lang, limit=limits.files)) from None
    if not auth.csrf_ok(request, form.get("csrf")):
        raise HTTPException(403, say("serve.csrf", page_of(request).lang_of(request)))
    return form


# ---------------------------------------------------------------- pages


async def _home(request: Request, error: list[str] | None = None, status: int = 200) -> Response:
    page = page_of(request)
    who = page.who(request)
    assert who is not None
    recent = await run_in_threadpool(page.store.recent, who.units)
    units = await run_in_threadpool(page.store.units, who.units)
    return page.render(
        request,
        "home.html",
        status=status,
        packs=library.shipped_packs(),
        default_pack=library.DEFAULT_PACK,
        recent=recent,
        units=units,
        error=error or [],
        this_year=dt.date.today().year,
    )


home = guarded(_home)


@guarded
async def evaluate(request: Request) -> Response:
    page = page_of(request)
    who = page.who(request)
    assert who is not None
    lang = page.lang_of(request)
    form = await checked_form(request, page.service.limits)
    try:
        files = [f for f in [await _read(v, "ledger.csv") for v in form.getlist("files")] if f is not None]
        pack_file = await _read(form.get("pack_file"), "pack.yaml")
        units_file = await _read(form.get("units_file"), "units.csv")
        options = library.Options(
            pack=str(form.get("pack") or library.DEFAULT_PACK),
            year=_year(form.get("year"), lang),
            as_of=_day(form.get("as_of"), lang),
            units=tuple(sorted(who.units)) if who.units is not None else None,
            lang=lang,
        )
        outcome = await run_in_threadpool(page.service.evaluate, files, options, who.name or "-", pack_file, units_file)
    except UploadRefused as err:
        return await _home(request, error=[err.message.text(lang)], status=400)
    except _FormError as err:
        return await _home(request, error=[str(err)], status=400)
    except Refused as err:
        return await _home(request, error=err.lines, status=400)
    return RedirectResponse(f"/e/{outcome.evaluation_id}", status_code=303)


class _FormError(Exception):
    pass


async def _read(value: object, default: str, limit: int = -1) -> tuple[str, bytes] | None:
    """An uploaded file's name and bytes; None when the field holds no file."""
    if not isinstance(value, UploadFile) or not value.filename:
        return None
    return value.filename or default, await value.read(limit)


def _year(value: object, lang: str) -> int | None:
    text = str(value or "").strip()
    if not text:
        return None
    if not (text.isdigit() and len(text) == 4 and 1900 <= int(text) <= 2100):
        raise _FormError(say("serve.form.year", lang, value=text))
    return int(text)


def _day(value: object, lang: str) -> dt.date | None:
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _FormError(say("serve.form.as_of", lang, value=text)) from None


async def _evaluation(request: Request) -> tuple[Page, dict[str, Any]]:
    page = page_of(request)
    who = page.who(request)
    assert who is not None
    row = await run_in_threadpool(page.store.evaluation, int(request.path_params["eid"]), who.units)
    if row is None:
        raise HTTPException(404, say("serve.not_found", page.lang_of(request)))
    return page, row


@guarded
async def verdict(request: Request) -> Response:
    page, row = await _evaluation(request)
    lang = page.lang_of(request)
    records = json.loads(row["records"])
    result = library.result_from_json(row["result"], records)
    units = [u["unit"] for u in library.unit_rows(result)]
    items = await run_in_threadpool(page.store.items, units)
    changes = json.loads(row["changes"])
    return page.render(
        request,
        "verdict.html",
        row=row,
        result=result,
        inputs=json.loads(row["inputs"]),
        options=json.loads(row["options"]),
        records=library.row_info(records),
        cite=lambda r: library.cite(records, r, lang),
        period=lambda label: period_name(label, lang),
        unit_rows=library.unit_rows(result),
        rated=library.has_rating(result),
        titles=library.rule_titles(result, lang),
        matrix=library.matrix(result),
        worst=library.worst,
        violations=library.violations(result),
        due=library.due_findings(result),
        text=lambda f: library.finding_text(result, f, lang),
        items=items,
        closed=set(changes.get("closed", [])),
        opened=set(changes.get("opened", [])),
        downloads=_downloads(result),
        statuses=library.plan_statuses(),
        limit=SHOWN,
    )


def _downloads(result: Any) -> list[str]:
    kinds = ["docx", "plan", "html", "json", "xlsx"]
    if library.bulletin_available(result):
        kinds.insert(2, "bulletin")
    return kinds


@guarded
async def download(request: Request) -> Response:
    page, row = await _evaluation(request)
    lang = page.lang_of(request)
    kind = request.path_params["kind"]
    result = library.result_from_json(row["result"], json.loads(row["records"]))
    if kind not in _downloads(result):
        raise HTTPException(404, say("serve.not_found", lang))
    stem = _stem(result, row, lang)
    if kind == "plan":
        units = [u.unit for u in result.units]
        items = await run_in_threadpool(page.store.items, units)
        data = await run_in_threadpool(library.plan_workbook, items)
        return _file(data, f"{stem}-{say('serve.file.plan', lang)}.xlsx", MEDIA["xlsx"])
    if kind == "bulletin":
        data = await run_in_threadpool(library.bulletin_bytes, result, lang)
        return _file(data, f"{stem}-{say('serve.file.bulletin', lang)}.docx", MEDIA["docx"])
    data = await run_in_threadpool(library.render_bytes, result, kind, lang)
    name = {
        "docx": say("serve.file.report", lang),
        "xlsx": say("serve.file.results", lang),
        "html": say("serve.file.html", lang),
        "json": "result",
    }[kind]
    return _file(data, f"{stem}-{name}.{kind}", MEDIA[kind])


def _stem(result: Any, row: dict[str, Any], lang: str) -> str:
    units = result.units
    who = units[0].unit if len(units) == 1 else say("serve.file.units", lang, count=len(units))
    return f"{who}-{row['year']}"


def _file(data: bytes, name: str, media: str) -> Response:
    ascii_name = "checklist" + Path(name).suffix
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return Response(data, media_type=media, headers={"Content-Disposition": disposition})


@guarded
async def plan(request: Request) -> Response:
    page = page_of(request)
    who = page.who(request)
    assert who is not None
    unit = request.query_params.get("unit") or None
    items = await run_in_threadpool(page.store.items, [unit] if unit else None, who.units)
    if request.url.path.endswith(".xlsx"):
        data = await run_in_threadpool(library.plan_workbook, items)
        lang = page.lang_of(request)
        return _file(data, f"{unit or say('serve.file.all', lang)}-{say('serve.file.plan', lang)}.xlsx", MEDIA["xlsx"])
    units = await run_in_threadpool(page.store.units, who.units)
    return page.render(
        request, "plan.html", items=items, unit=unit, units=units, statuses=library.plan_statuses(), limit=SHOWN_PLAN
    )


@guarded
async def edit_item(request: Request) -> Response:
    page = page_of(request)
    who = page.who(request)
    assert who is not None
    form = await checked_form(request, page.service.limits)
    item_id = int(request.path_params["iid"])
    item = await run_in_threadpool(page.store.item, item_id, who.units)
    if item is None:
        raise HTTPException(404, say("serve.not_found", page.lang_of(request)))
    values = {k: str(form.get(k) or "").strip()[:2000] for k in ("measure", "owner", "notes") if k in form}
    status = str(form.get("status") or "")
    if status:
        if status not in library.plan_statuses():
            raise HTTPException(400, say("serve.plan.bad_status", page.lang_of(request), value=status))
        values["status"] = status
    await run_in_threadpool(page.store.edit_item, item_id, values, who.name or "-")
    back = str(form.get("next") or "/plan")
    return RedirectResponse(back if back.startswith("/") and not back.startswith("//") else "/plan", status_code=303)


@guarded
async def item_page(request: Request) -> Response:
    page = page_of(request)
    who = page.who(request)
    assert who is not None
    item_id = int(request.path_params["iid"])
    item = await run_in_threadpool(page.store.item, item_id, who.units)
    if item is None:
        raise HTTPException(404, say("serve.not_found", page.lang_of(request)))
    events = await run_in_threadpool(page.store.events, item_id)
    return page.render(request, "item.html", item=item, events=events, statuses=library.plan_statuses())


@guarded
async def unit_page(request: Request) -> Response:
    page = page_of(request)
    who = page.who(request)
    assert who is not None
    unit = request.path_params["unit"]
    if who.units is not None and unit not in who.units:
        raise HTTPException(404, say("serve.not_found", page.lang_of(request)))
    trend = await run_in_threadpool(page.store.trend, unit)
    items = await run_in_threadpool(page.store.items, [unit])
    return page.render(request, "unit.html", unit=unit, trend=trend, items=items, statuses=library.plan_statuses())


@guarded
async def rules(request: Request) -> Response:
    page = page_of(request)
    return page.render(
        request, "rules.html", packs=library.shipped_packs(), template=library.template_available(), checked=None
    )


@guarded
async def rule_pack(request: Request) -> Response:
    page = page_of(request)
    lang = page.lang_of(request)
    try:
        text = library.pack_catalogue(request.path_params["pack"], lang)
    except KeyError:
        raise HTTPException(404, say("serve.not_found", lang)) from None
    return page.render(request, "pack.html", pack=request.path_params["pack"], text=text)


@guarded
async def validate(request: Request) -> Response:
    page = page_of(request)
    form = await checked_form(request, page.service.limits)
    upload = await _read(form.get("pack_file"), "pack.yaml", page.service.limits.file_bytes + 1)
    if upload is None:
        checked: dict[str, Any] = {
            "name": "",
            "pack": None,
            "errors": [say("serve.rules.no_file", page.lang_of(request))],
        }
    else:
        name, data = upload
        summary, errors = await run_in_threadpool(library.validate_pack, name, data)
        checked = {"name": name, "pack": summary, "errors": errors}
    status = 400 if checked["errors"] else 200
    return page.render(
        request,
        "rules.html",
        status=status,
        packs=library.shipped_packs(),
        template=library.template_available(),
        checked=checked,
    )


@guarded
async def template(request: Request) -> Response:
    page = page_of(request)
    lang = page.lang_of(request)
    pack_id = request.path_params["pack"]
    if not library.template_available() or pack_id not in {p["id"] for p in library.shipped_packs()}:
        raise HTTPException(404, say("serve.not_found", lang))
    data = await run_in_threadpool(library.template_workbook, pack_id, lang)
    return _file(data, f"{say('serve.file.template', lang)}-{pack_id}.xlsx", MEDIA["xlsx"])


async def set_lang(request: Request) -> Response:
    lang = request.path_params["lang"]
    if lang in LANGS:
        request.session["lang"] = lang
    back = request.query_params.get("next", "/")
    return RedirectResponse(back if back.startswith("/") and not back.startswith("//") else "/", status_code=303)


async def login(request: Request) -> Response:
    page = page_of(request)
    if request.method == "GET":
        return page.render(request, "login.html", error=None, next=request.query_params.get("next", "/"))
    form = await checked_form(request, page.service.limits)
    name, password = str(form.get("name") or ""), str(form.get("password") or "")
    back = str(form.get("next") or "/")
    back = back if back.startswith("/") and not back.startswith("//") else "/"
    if await run_in_threadpool(auth.check_password, page.store, name, password):
        request.session["user"] = name
        request.session["csrf"] = auth.secrets.token_urlsafe(32)  # a new token after signing in
        return RedirectResponse(back, status_code=303)
    error = say("serve.login.failed", page.lang_of(request))
    return page.render(request, "login.html", status=401, error=error, next=back)


async def logout(request: Request) -> Response:
    await checked_form(request, page_of(request).service.limits)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    page = page_of(request)
    return page.render(request, "error.html", status=exc.status_code, message=exc.detail)


# Pages run no script at all and load only what this server serves; nobody may frame them.
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'none'; object-src 'none'; "
        b"frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every HTTP response (a pure ASGI middleware)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(
    store: Store,
    *,
    limits: Limits | None = None,
    lang: str = "zh",
    workers: int = 2,
) -> Starlette:
    limits = limits or Limits()
    routes = [
        Route("/", home),
        Route("/evaluate", evaluate, methods=["POST"]),
        Route("/e/{eid:int}", verdict),
        Route("/e/{eid:int}/download/{kind}", download),
        Route("/plan", plan),
        Route("/plan.xlsx", plan),
        Route("/plan/{iid:int}", item_page),
        Route("/plan/{iid:int}/edit", edit_item, methods=["POST"]),
        Route("/units/{unit}", unit_page),
        Route("/rules", rules),
        Route("/rules/validate", validate, methods=["POST"]),
        Route("/rules/{pack}", rule_pack),
        Route("/rules/{pack}/template", template),
        Route("/lang/{lang}", set_lang),
        Route("/login", login, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["POST"]),
        Mount("/static", app=StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(
            SessionMiddleware,
            secret_key=store.secret(),
            session_cookie="checklist_session",
            same_site="strict",
        ),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={HTTPException: http_error},
        max_body_size=limits.body_bytes,
    )
    app.state.page = Page(store, limits, lang, workers)
    return app
