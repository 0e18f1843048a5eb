"""OpenID Connect sign-in (authorization code + PKCE): discovery, ID token, refresh, logout.

Authlib builds the authorization request and the PKCE challenge, joserfc verifies the ID token, and
httpx (the console's client) talks to the IdP; Authlib's httpx integration is not used (deprecated).

The IdP's access token is what the console forwards to the services as the bearer token; the ID
token tells the console who signed in (roles and cooperative mapped by settings).
"""

import asyncio
import logging
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.rfc6749 import OAuth2Token
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core.util import create_half_hash
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from services.console.i18n import N_
from services.console.session import Session, SessionStore
from services.console.settings import ConsoleSettings

log = logging.getLogger("steward.console.oidc")
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"]
# The roles the Workbench knows, in the order the menu is chosen by (a CM who also supervises sees My day).
KNOWN_ROLES = ("cm", "supervisor", "admin", "hr", "management", "auditor", "risk", "product")
PENDING_SECONDS = 600
LEEWAY_SECONDS = 60


class SignInFailed(Exception):
    """A sign-in that cannot complete; `reason` is an English msgid shown in the user's language."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


class TokenRefused(Exception):
    """The IdP's token endpoint said no."""


@dataclass
class Pending:
    """A sign-in under way: what the callback must match (state, nonce) and the PKCE verifier."""

    state: str
    nonce: str
    verifier: str
    redirect_uri: str
    next: str
    created: float = field(default_factory=time.monotonic)


def claim(claims: dict[str, Any], path: str) -> Any:
    """The value at a dotted path (`realm_access.roles`), or None; a key with dots is tried whole first."""
    if path in claims:
        return claims[path]
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def map_roles(raw: Any) -> tuple[str, ...]:
    """The Workbench roles among the claim's values (a list, or a space-separated string)."""
    values = raw.split() if isinstance(raw, str) else raw if isinstance(raw, list) else []
    given = {str(v) for v in values}
    return tuple(r for r in KNOWN_ROLES if r in given)


class OIDC:
    """One console's relying party: the IdP's metadata and keys (cached), and the sign-ins under way."""

    def __init__(self, settings: ConsoleSettings, transport: httpx.AsyncBaseTransport | None = None) -> None:
        assert settings.oidc_issuer, "OIDC needs an issuer"
        self.settings = settings
        self.issuer = settings.oidc_issuer.rstrip("/")
        self._transport = transport
        self._metadata: dict[str, Any] | None = None
        self._keys: KeySet | None = None
        self._pending: OrderedDict[str, Pending] = OrderedDict()
        self._locks: dict[str, asyncio.Lock] = {}

    def _http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=self.settings.oidc_timeout_seconds, transport=self._transport)

    async def _token(self, form: dict[str, str]) -> OAuth2Token:
        """A token endpoint call (client_secret_basic, or a public client naming itself)."""
        meta = await self.metadata()
        secret = self.settings.oidc_client_secret
        async with self._http() as http:
            if secret is not None:
                auth = httpx.BasicAuth(self.settings.oidc_client_id, secret.get_secret_value())
                answer = await http.post(meta["token_endpoint"], data=form, auth=auth)
            else:
                form = {**form, "client_id": self.settings.oidc_client_id}
                answer = await http.post(meta["token_endpoint"], data=form)
        data = answer.json()
        if answer.status_code != 200 or not isinstance(data, dict) or "access_token" not in data:
            error = data.get("error") if isinstance(data, dict) else None
            raise TokenRefused(f"{answer.status_code} {error}")
        return OAuth2Token(data)

    async def metadata(self) -> dict[str, Any]:
        """The IdP's discovery document (fetched once; its issuer must be the configured one)."""
        if self._metadata is None:
            url = f"{self.issuer}/.well-known/openid-configuration"
            try:
                async with self._http() as http:
                    answer = await http.get(url)
                answer.raise_for_status()
                data = answer.json()
            except (httpx.HTTPError, ValueError) as exc:
                log.warning("OIDC discovery at %s failed: %s", url, exc)
                raise SignInFailed(N_("The identity provider is not answering."), 502) from exc
            needed = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
            if (
                not isinstance(data, dict)
                or not all(isinstance(data.get(k), str) for k in needed)
                or data["issuer"].rstrip("/") != self.issuer
            ):
                log.warning("OIDC discovery at %s is incomplete or names another issuer", url)
                raise SignInFailed(N_("The identity provider is not answering."), 502)
            self._metadata = data
        return self._metadata

    async def keys(self, refresh: bool = False) -> KeySet:
        """The IdP's signing keys, fetched again when a token names a key not yet known (rotation)."""
        if self._keys is None or refresh:
            meta = await self.metadata()
            try:
                async with self._http() as http:
                    answer = await http.get(meta["jwks_uri"])
                answer.raise_for_status()
                self._keys = KeySet.import_key_set(answer.json())
            except (httpx.HTTPError, ValueError, KeyError, JoseError) as exc:
                log.warning("OIDC keys could not be read: %s", exc)
                raise SignInFailed(N_("The identity provider is not answering."), 502) from exc
        return self._keys

    def _remember(self, pending: Pending) -> str:
        now = time.monotonic()
        while self._pending and (
            len(self._pending) >= 10_000 or next(iter(self._pending.values())).created < now - PENDING_SECONDS
        ):
            self._pending.popitem(last=False)
        key = secrets.token_urlsafe(32)
        self._pending[key] = pending
        return key

    async def begin(self, redirect_uri: str, next_path: str) -> tuple[str, str]:
        """Start a sign-in: (the id the browser's cookie keeps, the IdP's authorization URL)."""
        meta = await self.metadata()
        pending = Pending(generate_token(32), generate_token(32), generate_token(64), redirect_uri, next_path)
        scopes = [s for s in self.settings.oidc_scopes.split() if s != "openid"]
        url = prepare_grant_uri(
            meta["authorization_endpoint"],
            client_id=self.settings.oidc_client_id,
            response_type="code",
            redirect_uri=redirect_uri,
            scope=" ".join(["openid", *scopes]),
            state=pending.state,
            nonce=pending.nonce,
            code_challenge=create_s256_code_challenge(pending.verifier),
            code_challenge_method="S256",
        )
        return self._remember(pending), url

    async def finish(self, pending_id: str | None, params: dict[str, str]) -> tuple[Session, str]:
        """The callback: check state, trade the code (with the PKCE verifier), verify the ID token."""
        pending = self._pending.pop(pending_id, None) if pending_id else None
        if pending is None or pending.created < time.monotonic() - PENDING_SECONDS:
            raise SignInFailed(N_("This sign-in has expired or was started in another browser."))
        if not secrets.compare_digest(params.get("state", ""), pending.state):
            raise SignInFailed(N_("The sign-in could not be verified (its state does not match)."))
        if params.get("error"):
            log.info("IdP refused the sign-in: %s %s", params.get("error"), params.get("error_description"))
            raise SignInFailed(N_("The identity provider refused the sign-in."), 401)
        if not params.get("code"):
            raise SignInFailed(N_("The identity provider's answer was incomplete."))
        form = {
            "grant_type": "authorization_code",
            "code": params["code"],
            "redirect_uri": pending.redirect_uri,
            "code_verifier": pending.verifier,
        }
        try:
            token = await self._token(form)
        except (TokenRefused, httpx.HTTPError, ValueError) as exc:
            log.warning("OIDC code exchange failed: %s", exc)
            raise SignInFailed(N_("The identity provider refused the sign-in."), 401) from exc
        claims = await self.verify_id_token(token, pending.nonce)
        return await self._session(token, claims), pending.next

    async def verify_id_token(self, token: dict[str, Any], nonce: str | None) -> dict[str, Any]:
        """The ID token's claims after signature, issuer, audience, expiry, nonce and at_hash checks."""
        raw = token.get("id_token")
        if not isinstance(raw, str):
            raise SignInFailed(N_("The identity provider's answer was incomplete."))
        try:
            try:
                decoded = jwt.decode(raw, await self.keys(), algorithms=ALGORITHMS)
            except (JoseError, ValueError):
                decoded = jwt.decode(raw, await self.keys(refresh=True), algorithms=ALGORITHMS)
            options: dict[str, Any] = {
                "iss": {"essential": True, "value": (await self.metadata())["issuer"]},
                "aud": {"essential": True, "value": self.settings.oidc_client_id},
                "sub": {"essential": True},
                "exp": {"essential": True},
                "iat": {"essential": True},
            }
            if nonce is not None:
                options["nonce"] = {"essential": True, "value": nonce}
            jwt.JWTClaimsRegistry(leeway=LEEWAY_SECONDS, **options).validate(decoded.claims)
        except (JoseError, ValueError) as exc:
            log.warning("OIDC ID token refused: %s", exc)
            raise SignInFailed(N_("The sign-in could not be verified (the ID token is not valid).")) from exc
        claims = dict(decoded.claims)
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.settings.oidc_client_id:
            raise SignInFailed(N_("The sign-in could not be verified (the ID token is not valid)."))
        at_hash = claims.get("at_hash")
        if at_hash is not None:
            expected = create_half_hash(str(token.get("access_token", "")), decoded.header.get("alg", ""))
            if expected is None or not secrets.compare_digest(expected.decode(), str(at_hash)):
                raise SignInFailed(N_("The sign-in could not be verified (the ID token is not valid)."))
        return claims

    async def _userinfo(self, access_token: str) -> dict[str, Any]:
        meta = await self.metadata()
        if not meta.get("userinfo_endpoint"):
            return {}
        try:
            async with self._http() as http:
                answer = await http.get(
                    meta["userinfo_endpoint"], headers={"Authorization": f"Bearer {access_token}"}
                )
            answer.raise_for_status()
            data = answer.json()
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("OIDC userinfo failed: %s", exc)
            return {}
        return data if isinstance(data, dict) else {}

    async def _session(self, token: dict[str, Any], claims: dict[str, Any]) -> Session:
        """A session from the IdP's tokens; roles and cooperative from the claims mapped by settings."""
        s = self.settings
        if claim(claims, s.oidc_roles_claim) is None or claim(claims, s.oidc_org_claim) is None:
            extra = await self._userinfo(str(token.get("access_token", "")))
            if extra.get("sub") == claims.get("sub"):
                claims = {**extra, **claims}
        roles = map_roles(claim(claims, s.oidc_roles_claim))
        org, user = claim(claims, s.oidc_org_claim), claim(claims, s.oidc_user_claim)
        if not roles:
            raise SignInFailed(N_("Your account has no role in the Workbench; ask your administrator."), 403)
        if not isinstance(org, str) or not org or not isinstance(user, str) or not user:
            raise SignInFailed(N_("Your account names no cooperative; ask your administrator."), 403)
        name = claim(claims, s.oidc_name_claim)
        now = time.time()
        return Session(
            token=str(token["access_token"]),
            user_id=user,
            roles=roles,
            org_id=org,
            display_name=name if isinstance(name, str) and name else user,
            expires_at=now + s.session_hours * 3600,
            method="oidc",
            refresh_token=token.get("refresh_token"),
            token_expires_at=_expiry(token, now),
            id_token=token.get("id_token"),
        )

    def _due(self, session: Session) -> bool:
        """True when the access token expires within the refresh margin."""
        if session.token_expires_at is None:
            return False
        return time.time() >= session.token_expires_at - self.settings.oidc_refresh_seconds

    async def keep_fresh(self, store: SessionStore, session: Session) -> Session | None:
        """The session with an access token that is not about to expire, or None (signed out)."""
        if not self._due(session):
            return session
        lock = self._locks.setdefault(session.id, asyncio.Lock())
        async with lock:
            if not self._due(session):
                return session  # another request refreshed it meanwhile
            fresh = await self._refresh(session)
        self._locks.pop(session.id, None)
        if not fresh:
            store.drop(session.id)
            return None
        return session

    async def _refresh(self, session: Session) -> bool:
        if not session.refresh_token:
            return False
        try:
            token = await self._token({"grant_type": "refresh_token", "refresh_token": session.refresh_token})
            if token.get("id_token"):
                await self.verify_id_token(dict(token), None)
        except (TokenRefused, httpx.HTTPError, ValueError, SignInFailed) as exc:
            log.info("OIDC refresh failed, the user signs in again: %s", exc)
            return False
        session.token = str(token["access_token"])
        session.refresh_token = token.get("refresh_token") or session.refresh_token
        session.token_expires_at = _expiry(dict(token), time.time())
        session.id_token = token.get("id_token") or session.id_token
        return True

    async def logout_url(self, session: Session, post_logout: str) -> str | None:
        """The IdP's RP-initiated logout URL when its discovery offers one, else None."""
        try:
            meta = await self.metadata()
        except SignInFailed:
            return None
        endpoint = meta.get("end_session_endpoint")
        if not endpoint:
            return None
        params = {"client_id": self.settings.oidc_client_id, "post_logout_redirect_uri": post_logout}
        if session.id_token:
            params["id_token_hint"] = session.id_token
        return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}"


def _expiry(token: dict[str, Any], now: float) -> float | None:
    """When the access token expires (`expires_at`, else now + `expires_in`), or None if not said."""
    if token.get("expires_at"):
        return float(token["expires_at"])
    if token.get("expires_in"):
        return now + float(token["expires_in"])
    return None


def relying_party(state: Any) -> OIDC:
    """The app's relying party (created on first use)."""
    rp: OIDC | None = getattr(state, "oidc", None)
    if rp is None:
        rp = OIDC(state.settings)
        state.oidc = rp
    return rp
