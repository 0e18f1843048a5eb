"""Sign-in through the cooperative's identity provider (OpenID Connect, services/console/oidc.py)."""

from fastapi import APIRouter, HTTPException
from fastapi.responses import RedirectResponse, Response

from services.console.oidc import SignInFailed, relying_party
from services.console.session import COOKIE, OIDC_COOKIE, Session, SessionStore
from services.console.web import AnyPage, Page, safe_path

router = APIRouter()
# Each role's first page after either sign-in.
HOME = {
    "cm": "/my-day",
    "supervisor": "/overview",
    "admin": "/overview",
    "hr": "/hr/managers",
    "auditor": "/audit/departures",
    "management": "/dashboard",
}


def _absolute(page: Page, configured: str | None, path: str) -> str:
    """A URL of this console the IdP sends the browser back to (configured, else this request's base)."""
    return configured or f"{str(page.request.base_url).rstrip('/')}{path}"


def failed(page: Page, error: SignInFailed) -> Response:
    """The page of a sign-in that could not complete, in the user's language, with a way to try again."""
    response = page.render("sign_in_failed.html", status_code=error.status, reason=error.reason)
    response.delete_cookie(OIDC_COOKIE, path="/auth")
    return response


@router.get("/auth/login")
async def login(page: AnyPage, next: str | None = None) -> Response:
    """Send the browser to the IdP with state, nonce and a PKCE challenge."""
    if not page.settings.oidc:
        raise HTTPException(404)
    rp = relying_party(page.request.app.state)
    redirect_uri = _absolute(page, page.settings.oidc_redirect_url, "/auth/callback")
    try:
        pending, url = await rp.begin(redirect_uri, safe_path(next))
    except SignInFailed as error:
        return failed(page, error)
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        OIDC_COOKIE,
        pending,
        max_age=600,
        path="/auth",
        httponly=True,
        samesite="lax",
        secure=bool(page.settings.secure_cookies),
    )
    return response


@router.get("/auth/callback")
async def callback(page: AnyPage) -> Response:
    """The IdP's answer: check it, start the session, go where the user was going."""
    if not page.settings.oidc:
        raise HTTPException(404)
    rp = relying_party(page.request.app.state)
    params = {k: v[:4096] for k, v in page.request.query_params.items()}
    try:
        session, next_path = await rp.finish(page.request.cookies.get(OIDC_COOKIE), params)
    except SignInFailed as error:
        return failed(page, error)
    store: SessionStore = page.request.app.state.sessions
    store.drop(page.request.cookies.get(COOKIE))
    store.add(session)
    target = next_path if next_path != "/" else HOME.get(session.role, "/customers")
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        COOKIE,
        session.id,
        httponly=True,
        samesite="lax",
        secure=bool(page.settings.secure_cookies),
        max_age=int(page.settings.session_hours * 3600),
    )
    response.delete_cookie(OIDC_COOKIE, path="/auth")
    return response


@router.get("/signed-out")
async def signed_out(page: AnyPage) -> Response:
    """Where the IdP sends the browser back after signing out."""
    return page.render("signed_out.html", oidc=page.settings.oidc)


async def idp_sign_out(page: Page, session: Session) -> Response:
    """After the session is dropped: the IdP's logout (RP-initiated) when it offers one."""
    rp = relying_party(page.request.app.state)
    post_logout = _absolute(page, page.settings.oidc_post_logout_url, "/signed-out")
    url = await rp.logout_url(session, post_logout)
    page.session = None
    if url is None:
        return RedirectResponse("/signed-out", status_code=303)
    # A page that moves on by itself: the CSP's form-action 'self' would block a redirect off-site.
    return page.render("signing_out.html", logout_url=url)
