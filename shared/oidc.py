"""OpenID Connect verification: a JWK set (a URL, the issuer's discovery, or inline) and claim mapping."""

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx
import jwt

from shared.settings import ServiceSettings
from shared.tokens import Role

FETCH_TIMEOUT_SECONDS = 5.0
MAX_ID_LENGTH = 128  # user and cooperative ids; a longer `sub` or `org_id` is no id of ours

Fetch = Callable[[str], Any]


class BadClaims(jwt.InvalidTokenError):
    """The token is well signed but its roles, user or cooperative are not ones this system knows."""


class UnknownKey(jwt.InvalidSignatureError):
    """The token names a key (`kid`) the identity provider's key set does not hold, even after a refresh."""


class KeysUnavailable(jwt.InvalidTokenError):
    """The identity provider's key set could not be fetched and none is cached."""


def _fetch_json(url: str) -> Any:
    """GET a JSON document (discovery or JWKS), bounded in time."""
    response = httpx.get(url, timeout=FETCH_TIMEOUT_SECONDS, follow_redirects=False)
    response.raise_for_status()
    return response.json()


def _parse(document: Any) -> dict[str, jwt.PyJWK]:
    """The signing keys of a JWKS document by `kid`; encryption and unusable keys are skipped."""
    if not isinstance(document, Mapping) or not isinstance(document.get("keys"), list):
        raise KeysUnavailable("the JWKS document has no keys list")
    keys: dict[str, jwt.PyJWK] = {}
    for index, entry in enumerate(document["keys"]):
        if not isinstance(entry, Mapping) or entry.get("use", "sig") != "sig":
            continue
        try:
            key = jwt.PyJWK(dict(entry))
        except (jwt.PyJWKError, jwt.InvalidKeyError):
            continue  # a key type this library cannot use
        keys[str(entry.get("kid", f"#{index}"))] = key
    return keys


class KeySet:
    """The identity provider's public keys, cached; refetched when a token names an unknown `kid`.

    Refetches prompted by unknown kids are at most one per `oidc_jwks_refresh_seconds` (a stream of
    forged kids cannot make the service hammer the provider); the whole set is refetched when older than
    `oidc_jwks_max_age_seconds`, so a key the provider withdrew stops being accepted without a restart.
    """

    def __init__(
        self,
        settings: ServiceSettings,
        fetch: Fetch = _fetch_json,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        self._fetch = fetch
        self._clock = clock
        self._lock = threading.Lock()
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None
        if settings.oidc_jwks is not None:
            self._keys = _parse(settings.oidc_jwks)

    @property
    def configured(self) -> bool:
        """True if this deployment verifies asymmetric tokens at all."""
        return self._settings.oidc_jwks is not None or self._settings.oidc_issuer is not None

    @property
    def remote(self) -> bool:
        """True if the keys come over HTTP (a JWKS URL or the issuer's discovery)."""
        return self._settings.oidc_jwks is None and self._settings.oidc_issuer is not None

    def needs_fetch(self, kid: str | None) -> bool:
        """True if verifying a token with this kid would first fetch the key set."""
        if not self.remote:
            return False
        now = self._clock()
        if self._fetched_at is None or now - self._fetched_at >= self._settings.oidc_jwks_max_age_seconds:
            return True
        unknown = kid not in self._keys if kid is not None else len(self._keys) != 1
        return unknown and now - self._fetched_at >= self._settings.oidc_jwks_refresh_seconds

    def jwks_url(self) -> str:
        """Where the keys are: the configured URL, or the `jwks_uri` of the issuer's discovery document."""
        if self._settings.oidc_jwks_url:
            return self._settings.oidc_jwks_url
        issuer = str(self._settings.oidc_issuer).rstrip("/")
        discovery = self._fetch(f"{issuer}/.well-known/openid-configuration")
        if not isinstance(discovery, Mapping) or not isinstance(discovery.get("jwks_uri"), str):
            raise KeysUnavailable("the discovery document names no jwks_uri")
        if str(discovery.get("issuer", "")).rstrip("/") != issuer:
            raise KeysUnavailable("the discovery document names another issuer")
        return str(discovery["jwks_uri"])

    def refresh(self) -> None:
        """Fetch the key set now; on failure keep the keys already cached."""
        with self._lock:
            try:
                keys = _parse(self._fetch(self.jwks_url()))
            except (httpx.HTTPError, ValueError, KeysUnavailable) as exc:
                self._fetched_at = self._clock()  # do not retry on every request while the provider is down
                if not self._keys:
                    raise KeysUnavailable(f"cannot fetch the identity provider's keys: {exc}") from exc
                return
            self._keys = keys
            self._fetched_at = self._clock()

    def key(self, kid: str | None) -> jwt.PyJWK:
        """The key a token names, fetching the set first if it is stale or the kid is new to it."""
        if self.needs_fetch(kid):
            self.refresh()
        if kid is None:
            if len(self._keys) == 1:
                return next(iter(self._keys.values()))
            raise UnknownKey("the token names no key (kid) and the key set has several")
        found = self._keys.get(kid)
        if found is None:
            raise UnknownKey("the token's key (kid) is not in the identity provider's key set")
        return found


def claim_at(claims: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path (`realm_access.roles`), or None."""
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _roles(settings: ServiceSettings, claims: Mapping[str, Any]) -> frozenset[Role]:
    raw = claim_at(claims, settings.oidc_roles_claim)
    if isinstance(raw, str):
        raw = raw.split()
    if not isinstance(raw, list):
        raise BadClaims(f"token lacks the roles claim {settings.oidc_roles_claim}")
    known: set[Role] = set()
    for name in raw:
        if not isinstance(name, str):
            raise BadClaims("a role is not a string")
        mapped = settings.oidc_role_map.get(name)
        if mapped is None and name.startswith(settings.oidc_role_prefix):
            mapped = name.removeprefix(settings.oidc_role_prefix)
        try:
            known.add(Role(mapped or ""))
        except ValueError as exc:
            if settings.oidc_unknown_roles == "refuse":
                raise BadClaims("unknown role in token") from exc
    if not known:
        raise BadClaims("no role of this system in the token")
    return frozenset(known)


def _org(settings: ServiceSettings, claims: Mapping[str, Any]) -> Any:
    prefix = settings.oidc_org_group_prefix
    if not prefix:
        return claim_at(claims, settings.oidc_org_claim)
    groups = claim_at(claims, settings.oidc_groups_claim)
    found = {g.removeprefix(prefix) for g in groups or () if isinstance(g, str) and g.startswith(prefix)}
    if len(found) != 1:
        raise BadClaims("the token must name exactly one cooperative group")
    return found.pop()


def mapped_identity(settings: ServiceSettings, claims: Mapping[str, Any]) -> tuple[str, frozenset[Role], str]:
    """Login, roles and cooperative of an identity provider's token, as the settings map them."""
    login, org = claim_at(claims, settings.oidc_login_claim), _org(settings, claims)
    for name, value in (("login", login), ("cooperative", org)):
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_ID_LENGTH:
            raise BadClaims(f"the {name} must be 1 to {MAX_ID_LENGTH} characters")
    return login, _roles(settings, claims), org


def verified_claims(settings: ServiceSettings, keys: KeySet, token: str) -> dict[str, Any]:
    """Claims of an asymmetric token: its key picked by `kid`, issuer, audience and times checked."""
    header = jwt.get_unverified_header(token)
    algorithm = header.get("alg")
    if algorithm not in settings.oidc_algorithms or not keys.configured:
        raise jwt.InvalidAlgorithmError("the algorithm is not allowed")
    kid = header.get("kid")
    key = keys.key(kid if isinstance(kid, str) else None)
    if key.algorithm_name != algorithm:  # no algorithm confusion: the key says how it signs
        raise jwt.InvalidAlgorithmError("the token's algorithm is not its key's")
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key.key,
            algorithms=[algorithm],
            audience=settings.oidc_audience,
            issuer=settings.oidc_issuer or settings.jwt_issuer,
            options={"require": ["exp", "iat", "iss", "aud"]},
            leeway=settings.oidc_leeway_seconds,
        )
    except (TypeError, ValueError) as exc:  # a key of another type than the algorithm's
        raise jwt.InvalidSignatureError("the key does not fit the algorithm") from exc
    return claims
