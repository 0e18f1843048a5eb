"""What every page shares: the Jinja environment, the signed-in user, rendering, forms and redirects."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from services.console import formatting, i18n
from services.console.backend import Answer, Backend, Problem, new_idempotency_key
from services.console.labels import label
from services.console.session import COOKIE, Session, SessionStore
from services.console.settings import ConsoleSettings

TEMPLATES = Path(__file__).parent / "templates"


def build_environment(settings: ConsoleSettings) -> Environment:
    """Autoescaped templates with `_()` bound to the request's language and the formatting filters."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    zone = settings.zone
    env.filters["money"] = formatting.money
    env.filters["percent"] = formatting.percent
    env.filters["when"] = lambda v: formatting.local_time(v, zone)
    env.filters["day"] = formatting.local_date
    env.globals["label"] = label
    return env


class NotSignedIn(Exception):
    """The page needs a signed-in user; the handler redirects to the sign-in page."""


class PageMissing(Exception):
    """A console page or an object the user may not see."""


@dataclass
class Page:
    """One request's context: who, which language, the services, and what went missing."""

    request: Request
    settings: ConsoleSettings
    backend: Backend
    session: Session | None
    locale: str
    missing: set[str] = field(default_factory=set)

    @property
    def user(self) -> Session:
        """The signed-in user (pages that need one depend on `signed_in`)."""
        if self.session is None:
            raise NotSignedIn
        return self.session

    async def call(self, service: str, method: str, path: str, **kwargs: Any) -> Answer:
        """Call a service as the user, in the user's language; remember outages for the banner."""
        answer = await self.backend.call(
            service, method, path, token=self.user.token, lang=i18n.HTTP_LANG[self.locale], **kwargs
        )
        if answer.unavailable:
            self.missing.add(service)
        return answer

    async def get(self, service: str, path: str, **params: Any) -> Answer:
        """GET with query parameters."""
        return await self.call(service, "GET", path, params=params)

    def render(self, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        """A page in the user's language with the layout's menu, banners and flash messages."""
        env: Environment = self.request.app.state.templates
        flash: list[str] = []
        if self.session is not None:
            flash, self.session.flash = self.session.flash, []
        body = env.get_template(template).render(
            page=self,
            user=self.session,
            locale=self.locale,
            path=self.request.url.path,
            full_path=str(self.request.url.path)
            + (f"?{self.request.url.query}" if self.request.url.query else ""),
            missing=sorted(self.missing),
            flash=flash,
            csrf=self.session.csrf if self.session else context.pop("anon_csrf", ""),
            new_key=new_idempotency_key,
            **context,
        )
        headers = {"Content-Language": i18n.HTTP_LANG[self.locale]}
        return HTMLResponse(body, status_code=status_code, headers=headers)

    def redirect(self, url: str, message: str | None = None) -> RedirectResponse:
        """Post/redirect/get, with a flash message for the next page."""
        if message and self.session is not None:
            self.session.flash.append(message)
        return RedirectResponse(url, status_code=303)


async def current_page(request: Request) -> Page:
    """The request's page context; sets the language for `_()`."""
    state = request.app.state
    store: SessionStore = state.sessions
    locale = i18n.negotiate(request, state.settings.default_locale)
    i18n.current_locale.set(locale)
    session = store.get(request.cookies.get(COOKIE))
    if session is not None and session.method == "oidc":
        from services.console.oidc import relying_party  # the IdP's access token is refreshed before expiry

        session = await relying_party(state).keep_fresh(store, session)
    return Page(request, state.settings, state.backend, session, locale)


async def signed_in(page: Annotated[Page, Depends(current_page)]) -> Page:
    """A page for signed-in users only."""
    if page.session is None:
        raise NotSignedIn
    return page


def role_guard(*roles: str) -> Any:
    """A dependency for pages of some roles; others get the "not for your role" page."""

    async def guard(page: Annotated[Page, Depends(signed_in)]) -> Page:
        if not page.user.has(*roles):
            raise HTTPException(403)
        return page

    return Depends(guard)


AnyPage = Annotated[Page, Depends(current_page)]
UserPage = Annotated[Page, Depends(signed_in)]
CMPage = Annotated[Page, role_guard("cm")]
SupervisorPage = Annotated[Page, role_guard("supervisor", "admin")]
StaffPage = Annotated[Page, role_guard("cm", "supervisor", "admin", "management", "auditor", "risk")]


async def form_data(request: Request, page: Page) -> dict[str, Any]:
    """The submitted form after its CSRF token is checked (403 otherwise)."""
    form = await request.form()
    if not page.user.csrf_ok(str(form.get("csrf_token") or "")):
        raise HTTPException(403, "csrf")
    data: dict[str, Any] = {}
    for key in form:
        values = form.getlist(key)
        data[key] = [str(v) for v in values] if len(values) > 1 else str(values[0])
    return data


def as_list(value: Any) -> list[str]:
    """A form field that may come once, many times or not at all, as a list without blanks."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [str(v) for v in items if str(v).strip()]


def safe_path(value: str | None, default: str = "/") -> str:
    """A path on this console only (no open redirect to another site)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return default


def sign_in_url(next_path: str) -> str:
    """Where a signed-out visitor goes, coming back afterwards."""
    return f"/sign-in?next={quote(next_path)}"


def refusal(problem: Problem | None) -> dict[str, Any]:
    """Template context of a refused submission: the message, rule id and inline field errors."""
    if problem is None:
        return {"problem": None, "field_errors": {}}
    return {"problem": problem, "field_errors": problem.field_errors()}
