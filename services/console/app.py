"""Composition root of the console: settings, pooled backend clients, sessions, pages, safety headers."""

import logging
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.console import i18n
from services.console.backend import Backend, busy_seconds, call_spans
from services.console.import_jobs import ImportJobs
from services.console.pages import ROUTERS
from services.console.session import COOKIE, SessionStore
from services.console.settings import ConsoleSettings
from services.console.web import NotSignedIn, Page, build_environment, sign_in_url

log = logging.getLogger("steward.console")
STATIC = Path(__file__).parent / "static"

# 'self' only: no inline script or style, no external origin, no framing.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def create_app(settings: ConsoleSettings, backend: Backend | None = None) -> FastAPI:
    """Build the console; `backend` may be given (unit tests pass one over a fake transport)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await app.state.imports.close()
        await app.state.backend.close()

    app = FastAPI(
        title="Steward Workbench", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )
    app.state.settings = settings
    app.state.backend = backend or Backend(settings)
    app.state.sessions = SessionStore(settings.session_capacity)
    app.state.imports = ImportJobs()
    app.state.templates = build_environment(settings)
    secret = settings.csrf_secret.get_secret_value() if settings.csrf_secret else secrets.token_hex(32)
    app.state.csrf_secret = secret.encode()
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router)

    @app.middleware("http")
    async def safety_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        spans: list[tuple[float, float]] = []
        call_spans.set(spans)
        response = await call_next(request)
        # How long the page took and how much of it was spent waiting on the services (bench/console.py).
        total = (time.perf_counter() - started) * 1000
        backend = busy_seconds(spans) * 1000
        response.headers["Server-Timing"] = f"backend;dur={backend:.1f}, total;dur={total:.1f}"
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if settings.secure_cookies:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    def error_page(request: Request, status: int) -> Response:
        store: SessionStore = app.state.sessions
        locale = i18n.negotiate(request, settings.default_locale)
        i18n.current_locale.set(locale)
        page = Page(request, settings, app.state.backend, store.get(request.cookies.get(COOKIE)), locale)
        response = page.render("error.html", status_code=status, status=status)
        response.headers.update(SECURITY_HEADERS)
        return response

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, _exc: Exception) -> Response:
        if request.headers.get("HX-Request"):
            return Response(status_code=401, headers={"HX-Redirect": sign_in_url(request.url.path)})
        return RedirectResponse(sign_in_url(request.url.path), status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, StarletteHTTPException) else 500
        return error_page(request, status)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, _exc: Exception) -> Response:
        return error_page(request, 400)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        # Logged with its trace for ops; the user sees a plain page, never a stack trace.
        log.exception("console error on %s", request.url.path, exc_info=exc)
        return error_page(request, 500)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> JSONResponse:
        return JSONResponse({"status": "ok"})

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        # Ready to serve pages; a service being down shows as a banner, not as an unready console.
        return JSONResponse({"status": "ready"})

    return app


def app() -> FastAPI:
    """Factory for `uvicorn --factory`: settings from the environment."""
    settings = ConsoleSettings()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s console %(levelname)s %(message)s")
    return create_app(settings)
