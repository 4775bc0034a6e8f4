"""The dashboard: server-rendered page shells (Jinja2) whose scripts fetch ``/api/...``.

Each page is a template over ``base.html`` (skip link, navigation, language switch,
sign-in/out). The server renders labels in the reader's language and the names the
scripts need (actor names in English and Korean); the data come from the JSON API,
fetched by ``/static/<page>.js`` and drawn with the Plotly bundle that this server
serves from the installed ``plotly`` package (nothing is fetched from the internet,
and no inline script is needed: the CSP is ``script-src 'self'``).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from urllib.parse import quote, urlsplit

import plotly
from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException

from panmun.web.pages import i18n

HERE = Path(__file__).parent
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
LANG_COOKIE_DAYS = 365

#: (path, template/script name, navigation label key); the order of the navigation.
PAGES: tuple[tuple[str, str, str], ...] = (
    ("/", "overview", "overview"),
    ("/agreements", "agreements", "agreements"),
    ("/environment", "environment", "environment"),
    ("/scenarios", "scenarios", "scenarios"),
    ("/armscontrol", "armscontrol", "armscontrol"),
    ("/actors", "actors", "actors"),
    ("/roadmap", "roadmap", "roadmap"),
)

_env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                   trim_blocks=True, lstrip_blocks=True)


def language(request: Request) -> str:
    """The reader's language: ``?lang=`` first, then the ``lang`` cookie, else English."""
    return i18n.pick(request.query_params.get("lang") or request.cookies.get(i18n.COOKIE))


#: Characters that make a URL mean something else than it shows: browsers drop ASCII tabs and
#: newlines inside URLs (``/\t/evil.example`` becomes ``//evil.example``) and read ``\`` as ``/``.
_UNSAFE_CATEGORIES = ("Cc", "Cf", "Zs", "Zl", "Zp", "Cs", "Co", "Cn")


def safe_next(value: str | None) -> str:
    """Where to go after signing in: ``value`` if it is a path on this server, else ``/``.

    Accepted: text starting with one ``/`` (not ``//``), without control characters,
    whitespace, format characters or backslashes, with neither scheme nor host once parsed,
    so that ``new URL(value, origin)`` keeps the origin in every browser. The sign-in
    page's script checks the same again (``static/signin.js``).
    """
    if not value or not value.startswith("/") or value.startswith("//"):
        return "/"
    if any(c == "\\" or c.isspace() or unicodedata.category(c) in _UNSAFE_CATEGORIES for c in value):
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return "/"
    return value


def local_path(request: Request) -> str:
    """The path of this request as a link on this server: percent-encoded, with one leading
    slash (``//evil.example/x`` would be a link to another site)."""
    path = "/" + request.url.path.lstrip("/\\")
    return quote(path, safe="/-._~!$&'()*+,;=:@")


def actor_names(request: Request) -> dict[str, dict[str, str]]:
    """Actor code -> {"en": name, "ko": name_ko or name} from the store (for the scripts)."""
    cursor = request.app.state.store.con.cursor()
    try:
        rows = cursor.execute("SELECT code, name, name_ko FROM actors").fetchall()
    finally:
        cursor.close()
    return {code: {"en": name, "ko": name_ko or name} for code, name, name_ko in rows}


def record_through(request: Request):
    """The date the store's record runs to: its newest event or implementation change."""
    cursor = request.app.state.store.con.cursor()
    try:
        event, change = cursor.execute(
            "SELECT (SELECT max(date) FROM events), (SELECT max(date) FROM status_changes)").fetchall()[0]
    finally:
        cursor.close()
    return max((d for d in (event, change) if d is not None), default=None)


def render(request: Request, template: str, **context) -> HTMLResponse:
    """Render a page in the reader's language; remember a language chosen with ``?lang=``."""
    lang = language(request)
    html = _env.get_template(f"{template}.html").render(
        request=request, here=local_path(request), lang=lang,
        t=lambda key, **f: i18n.translate(key, lang, **f),
        labels=i18n.labels(lang), pages=PAGES, page=template, actors=actor_names(request), **context)
    response = HTMLResponse(html)
    chosen = request.query_params.get("lang")
    if chosen in i18n.LANGS:
        response.set_cookie(i18n.COOKIE, chosen, max_age=LANG_COOKIE_DAYS * 86400, samesite="lax",
                            secure=request.app.state.settings.cookie_secure)
    return response


def _page(template: str):
    def show(request: Request) -> HTMLResponse:          # plain def: runs in the thread pool
        if template == "overview":
            return render(request, template, record_through=record_through(request))
        return render(request, template)

    show.__name__ = f"page_{template}"
    return show


def _html_errors(app: FastAPI) -> None:
    """HTTP errors of pages (not of ``/api`` or ``/static``) as an HTML page for browsers; every
    other error keeps the JSON shape of :mod:`panmun.web.errors` (its handler is called)."""
    json_handler = app.exception_handlers.get(StarletteHTTPException)

    async def handler(request: Request, exc: StarletteHTTPException):
        path = request.url.path
        wants_html = "text/html" in request.headers.get("accept", "")
        if json_handler is not None and (path.startswith(("/api/", "/static/")) or not wants_html):
            # starlette types a handler as sync or async; panmun.web.errors's JSON handler is async
            return await json_handler(request, exc)  # type: ignore[misc]
        response = render(request, "error", status=exc.status_code, message=str(exc.detail))
        response.status_code = exc.status_code
        return response

    # starlette types every handler as taking any Exception; this one is for its HTTPException only
    app.add_exception_handler(StarletteHTTPException, handler)  # type: ignore[arg-type]


def install(app: FastAPI) -> None:
    """Add the page routes, ``/static/vendor/plotly.min.js`` and the ``/static`` files to ``app``."""
    _html_errors(app)

    @app.get("/static/vendor/plotly.min.js", include_in_schema=False)
    async def plotly_bundle() -> FileResponse:
        return FileResponse(PLOTLY_JS, media_type="text/javascript",
                            headers={"Cache-Control": "public, max-age=86400"})

    for path, template, _label in PAGES:
        if template == "scenarios":
            continue                                    # below: it lists the built-in scenarios
        app.add_api_route(path, _page(template), methods=["GET"], response_class=HTMLResponse,
                          include_in_schema=False)

    @app.get("/scenarios", response_class=HTMLResponse, include_in_schema=False)
    def scenarios_page(request: Request) -> HTMLResponse:
        from panmun.vectors.scenarios import BUILTIN

        return render(request, "scenarios", builtin=list(BUILTIN))

    @app.get("/agreements/{agreement_id}", response_class=HTMLResponse, include_in_schema=False)
    def agreement_page(request: Request, agreement_id: str) -> HTMLResponse:
        return render(request, "agreement", agreement_id=agreement_id)

    @app.get("/signin", response_class=HTMLResponse, include_in_schema=False)
    def signin_page(request: Request) -> HTMLResponse:
        return render(request, "signin", next=safe_next(request.query_params.get("next")))

    @app.get("/signout", response_class=HTMLResponse, include_in_schema=False)
    def signout_page(request: Request) -> HTMLResponse:
        return render(request, "signout")          # a button: signing out is a DELETE with CSRF

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
