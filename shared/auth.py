"""JWT bearer authentication and role guards for every service's HTTP API."""

import contextlib
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict

from shared.context import current_context, set_context
from shared.envelope import Actor
from shared.messages import Phrase
from shared.oidc import (
    MAX_ID_LENGTH,
    BadClaims,
    KeySet,
    KeysUnavailable,
    UnknownKey,
    mapped_identity,
    verified_claims,
)
from shared.problems import ProblemError
from shared.ratelimit import WRITES, RateLimiter
from shared.settings import ServiceSettings
from shared.timeutil import utcnow
from shared.tokens import ALGORITHM as ALGORITHM
from shared.tokens import Role as Role
from shared.tokens import issue_token as issue_token

LEEWAY_SECONDS = 5


class Principal(BaseModel):
    """The authenticated caller: user id, roles and organisation."""

    model_config = ConfigDict(frozen=True)

    user_id: str
    roles: frozenset[Role]
    org_id: str
    login: str | None = None  # a CM's sign-in login when it is linked to their manager id (shared.logins)

    def has_any(self, roles: Iterable[Role]) -> bool:
        """True if the caller holds at least one of the roles."""
        return not self.roles.isdisjoint(roles)

    def as_actor(self) -> Actor:
        """The actor recorded on events this caller causes."""
        return _actor(self)


@lru_cache(maxsize=4096)
def _actor(principal: Principal) -> Actor:
    """Built once per caller: every request names its caller as the actor (both are frozen)."""
    roles = tuple(sorted(r.value for r in principal.roles))
    return Actor(kind="user", user_id=principal.user_id, roles=roles)


def _verified_claims(settings: ServiceSettings, token: str) -> dict[str, Any]:
    """Claims of an HS256 token signed with the current key or one being retired (dev and test only)."""
    keys = settings.jwt_verification_keys()
    for index, key in enumerate(keys):
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=settings.jwt_audience,
                issuer=settings.jwt_issuer,
                options={"require": ["exp", "iat", "nbf", "sub", "iss", "aud"]},
                leeway=LEEWAY_SECONDS,
            )
            return claims
        except jwt.InvalidSignatureError:
            if index == len(keys) - 1:
                raise
    raise jwt.InvalidTokenError("no key to verify the token with")


def _shared_secret_identity(claims: dict[str, Any]) -> tuple[str, frozenset[Role], str]:
    """Login, roles and cooperative of a token `issue_token` signed: fixed claims, every role known."""
    raw_roles = claims.get("roles")
    org_id, sub = claims.get("org_id"), claims.get("sub")
    if not isinstance(raw_roles, list) or not isinstance(org_id, str) or not org_id:
        raise BadClaims("token lacks roles or org_id")
    if not isinstance(sub, str) or not sub.strip() or len(sub) > MAX_ID_LENGTH or len(org_id) > MAX_ID_LENGTH:
        raise BadClaims(f"sub and org_id must be 1 to {MAX_ID_LENGTH} characters")
    try:
        return sub, frozenset(Role(r) for r in raw_roles), org_id
    except ValueError as exc:
        raise BadClaims("unknown role in token") from exc


def decode_token(settings: ServiceSettings, token: str, keys: KeySet | None = None) -> Principal:
    """Verify signature, algorithm, expiry, audience and issuer; return the caller."""
    return _decode(settings, keys or KeySet(settings), token)[0]


def _decode(settings: ServiceSettings, keys: KeySet, token: str) -> tuple[Principal, float]:
    """One path for every token: HS256 (dev and test only) or the identity provider's key set."""
    if jwt.get_unverified_header(token).get("alg") == ALGORITHM:
        if not settings.accepts_shared_secret:
            raise jwt.InvalidAlgorithmError("HS256 is refused: tokens come from the identity provider")
        claims = _verified_claims(settings, token)
        user_id, roles, org_id = _shared_secret_identity(claims)
    else:
        claims = verified_claims(settings, keys, token)
        user_id, roles, org_id = mapped_identity(settings, claims)
    lifetime = float(claims["exp"]) - float(claims["iat"])
    if lifetime > settings.jwt_max_lifetime_hours * 3600 + LEEWAY_SECONDS:
        raise TooLongLived(settings.jwt_max_lifetime_hours)
    principal = Principal(user_id=user_id, roles=roles, org_id=org_id)
    return principal, float(claims["exp"])


class TooLongLived(jwt.InvalidTokenError):
    """The token's lifetime (exp - iat) is longer than the services allow."""

    def __init__(self, hours: float) -> None:
        super().__init__(f"token lives longer than {hours:g} h")
        self.hours = hours


class VerifiedTokens:
    """Tokens already verified, with their caller, until they expire; bounded, oldest dropped first.

    A token's signature, audience, issuer and not-before are checked once; a cached token is only
    re-checked for expiry. Verifying costs more than the rest of a small read, and a client sends the
    same token for hours.
    """

    def __init__(self, settings: ServiceSettings, capacity: int = 4096, keys: KeySet | None = None) -> None:
        self._settings = settings
        self._capacity = capacity
        self._known: dict[str, tuple[Principal, float]] = {}
        self.keys = keys or KeySet(settings)

    async def prepare(self, token: str) -> None:
        """Fetch the provider's keys off the event loop if verifying this token needs them first."""
        if token in self._known:
            return
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError:
            return  # refused by `principal`, with its reason
        kid = header.get("kid")
        if header.get("alg") != ALGORITHM and self.keys.needs_fetch(kid if isinstance(kid, str) else None):
            with contextlib.suppress(jwt.InvalidTokenError):
                await run_in_threadpool(self.keys.refresh)

    def principal(self, token: str) -> Principal:
        """The caller the token names, or the error `decode_token` raises."""
        known = self._known.get(token)
        if known is not None:
            principal, expires = known
            if expires > utcnow().timestamp() - LEEWAY_SECONDS:
                return principal
            del self._known[token]
            raise jwt.ExpiredSignatureError("Signature has expired")
        principal, expires = _decode(self._settings, self.keys, token)
        if len(self._known) >= self._capacity:
            del self._known[next(iter(self._known))]
        self._known[token] = (principal, expires)
        return principal


def _reason(exc: jwt.InvalidTokenError) -> Phrase:
    """Why a token was refused, in fixed words (PyJWT's own may quote the token or a codec error)."""
    if isinstance(exc, jwt.MissingRequiredClaimError):
        return Phrase("auth.reason.missing_claim", claim=exc.claim)
    for kind, reason in (
        (UnknownKey, "unknown_key"),
        (jwt.InvalidSignatureError, "signature"),
        (jwt.InvalidAlgorithmError, "algorithm"),
        (jwt.DecodeError, "malformed"),
        (jwt.InvalidAudienceError, "audience"),
        (jwt.InvalidIssuerError, "issuer"),
        (jwt.ImmatureSignatureError, "not_yet_valid"),
        (BadClaims, "claims"),
        (KeysUnavailable, "keys_unavailable"),
    ):
        if isinstance(exc, kind):
            return Phrase(f"auth.reason.{reason}")
    return Phrase("auth.reason.other")


_bearer = HTTPBearer(auto_error=False, description="JWT issued by the cooperative's identity provider")


def _unauthorized(key: str, **params: object) -> ProblemError:
    return ProblemError(401, "unauthorized", key, params, headers={"WWW-Authenticate": "Bearer"})


async def get_principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    """The caller of this request, or 401."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise _unauthorized("auth.missing_token")
    tokens: VerifiedTokens = request.app.state.tokens
    await tokens.prepare(credentials.credentials)
    try:
        principal = tokens.principal(credentials.credentials)
    except jwt.ExpiredSignatureError as exc:
        raise _unauthorized("auth.token_expired") from exc
    except TooLongLived as exc:
        raise _unauthorized("auth.token_too_long_lived", hours=f"{exc.hours:g}") from exc
    except jwt.InvalidTokenError as exc:
        raise _unauthorized("auth.invalid_token", reason=_reason(exc)) from exc
    if request.method in WRITES:
        limiter: RateLimiter | None = getattr(request.app.state, "write_limiter", None)
        wait = limiter.take((principal.org_id, principal.user_id)) if limiter else 0.0
        if wait > 0:
            seconds = max(1, round(wait + 0.5))
            raise ProblemError(
                429,
                "too_many_requests",
                "http.rate_limited",
                {"seconds": seconds},
                {"Retry-After": str(seconds)},
            )
    links = getattr(request.app.state, "login_links", None)  # shared.logins: a CM's login → manager id
    if links is not None:
        principal = await links.resolve(request.app.state.runtime.session_factory, principal)
    # Events raised while serving this request name the caller as their actor.
    ctx = current_context()
    set_context(replace(ctx, actor=principal.as_actor()))
    request.state.principal = principal  # for the request's access log line (shared.logs)
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


ROLE_DENIED_PREFIX = "requires one of the roles: "


class RoleGuard:
    """A dependency that admits only callers with one of `roles`; the roles stay readable for tests."""

    def __init__(self, roles: Iterable[Role]) -> None:
        self.roles: frozenset[Role] = frozenset(roles)

    async def __call__(self, principal: CurrentPrincipal) -> Principal:
        """The caller, or 403 naming the roles that may call."""
        if not principal.has_any(self.roles):
            names = ", ".join(sorted(r.value for r in self.roles))
            raise ProblemError(403, "role_required", "auth.roles_required", {"roles": names})
        return principal

    def __repr__(self) -> str:
        return f"require_roles({', '.join(sorted(r.value for r in self.roles))})"


def require_roles(*allowed: Role) -> RoleGuard:
    """A dependency that admits only callers with one of the roles, returning the caller."""
    return RoleGuard(allowed)
