"""Sign-in (dev picker, or the IdP through OpenID Connect: pages/sso.py), sign-out, language, home."""

import secrets
import time
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from services.console.i18n import LANG_COOKIE, LOCALES, N_
from services.console.pages.sso import HOME, idp_sign_out
from services.console.session import COOKIE, PRE_COOKIE, Session, SessionStore, anonymous_csrf
from services.console.web import AnyPage, UserPage, form_data, safe_path

router = APIRouter()
DEV_ROLES = ("cm", "supervisor", "hr", "auditor", "management", "admin")


def _mint(user_id: str, role: str, org_id: str, hours: float) -> str:
    """The same signing code `steward token` uses (dev profile only)."""
    from shared.settings import ServiceSettings
    from shared.tokens import issue_token

    return issue_token(
        ServiceSettings(), user_id=user_id, roles=[role], org_id=org_id, ttl=timedelta(hours=hours)
    )


def _max_token_hours() -> float:
    """The longest lifetime the services accept for a token (JWT_MAX_LIFETIME_HOURS)."""
    from shared.settings import ServiceSettings

    return ServiceSettings().jwt_max_lifetime_hours


def _pre_id(request: Request) -> str:
    return request.cookies.get(PRE_COOKIE) or secrets.token_urlsafe(24)


@router.get("/")
async def home(page: AnyPage) -> Response:
    """Each role's first page."""
    if page.session is None:
        return RedirectResponse("/sign-in", status_code=303)
    return RedirectResponse(HOME.get(page.session.role, "/customers"), status_code=303)


@router.get("/sign-in")
async def sign_in_form(page: AnyPage, org: str | None = None, next: str | None = None) -> Response:
    """Pick a cooperative, a role and a user (dev profile); refused in test and prod."""
    if page.settings.oidc:
        # A session cookie without a live session: it expired or the IdP no longer renews it.
        expired = bool(page.request.cookies.get(COOKIE)) and page.session is None
        response = page.render("sign_in_oidc.html", next=safe_path(next), expired=expired)
        if expired:
            response.delete_cookie(COOKIE)
        return response
    if not page.settings.dev_sign_in:
        return page.render("error.html", status_code=404, status=404, reason=N_("Dev sign-in is off"))
    org_id = (org or page.settings.dev_org).strip()[:64]
    managers, reachable = [], True
    token = _mint("console-dev-sign-in", "supervisor", org_id, 0.05)
    answer = await page.backend.call(
        "staffing", "GET", "/managers", token=token, params={"status": "active", "limit": 500}
    )
    if answer.ok:
        managers = sorted(answer.data, key=lambda m: (m.get("branch", ""), m.get("name", "")))
    else:
        reachable = False
    pre = _pre_id(page.request)
    response = page.render(
        "sign_in.html",
        org=org_id,
        managers=managers,
        reachable=reachable,
        roles=DEV_ROLES,
        next=safe_path(next),
        anon_csrf=anonymous_csrf(page.request.app.state.csrf_secret, pre),
    )
    response.set_cookie(
        PRE_COOKIE, pre, httponly=True, samesite="lax", secure=bool(page.settings.secure_cookies)
    )
    return response


@router.post("/sign-in")
async def sign_in(
    page: AnyPage,
    role: Annotated[str, Form(max_length=32)],
    org: Annotated[str, Form(min_length=1, max_length=64)],
    csrf_token: Annotated[str, Form(max_length=200)],
    manager_id: Annotated[str, Form(max_length=64)] = "",
    user_id: Annotated[str, Form(max_length=64)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    """Start a session: the token is kept here; the browser gets an opaque, HttpOnly cookie."""
    if not page.settings.dev_sign_in:
        raise HTTPException(404)
    pre = page.request.cookies.get(PRE_COOKIE, "")
    expected = anonymous_csrf(page.request.app.state.csrf_secret, pre)
    if not pre or not secrets.compare_digest(expected, csrf_token):
        raise HTTPException(403)
    if role not in DEV_ROLES:
        raise HTTPException(400)
    user = (manager_id if role == "cm" else user_id or "sup-1").strip()
    if not user:
        return RedirectResponse(f"/sign-in?org={org}", status_code=303)
    hours = min(page.settings.session_hours, _max_token_hours())
    token = _mint(user, role, org.strip(), hours)
    name = user
    if role == "cm":
        answer = await page.backend.call("staffing", "GET", f"/managers/{user}", token=token)
        name = answer.data.get("name", user) if answer.ok else user
    session = Session(
        token=token,
        user_id=user,
        roles=(role,),
        org_id=org.strip(),
        display_name=name,
        expires_at=time.time() + hours * 3600,
    )
    store: SessionStore = page.request.app.state.sessions
    store.add(session)
    response = RedirectResponse(safe_path(next) if next != "/" else HOME.get(role, "/"), status_code=303)
    response.set_cookie(
        COOKIE,
        session.id,
        httponly=True,
        samesite="lax",
        secure=bool(page.settings.secure_cookies),
        max_age=int(hours * 3600),
    )
    response.delete_cookie(PRE_COOKIE)
    return response


@router.post("/sign-out")
async def sign_out(page: UserPage, request: Request) -> Response:
    """Forget the session and its token; with an IdP, sign out there too (RP-initiated logout)."""
    await form_data(request, page)
    store: SessionStore = request.app.state.sessions
    session = page.user
    store.drop(session.id)
    if session.method == "oidc" and page.settings.oidc:
        response = await idp_sign_out(page, session)
    else:
        response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/language/{locale}")
async def language(locale: str, next: str | None = None) -> Response:
    """Remember the user's language (zh-CN or English) in a cookie."""
    if locale not in LOCALES:
        raise HTTPException(404)
    response = RedirectResponse(safe_path(next), status_code=303)
    response.set_cookie(LANG_COOKIE, locale, max_age=365 * 86400, samesite="lax", httponly=True)
    return response
