"""A small OpenID provider on loopback for the tests, built on Authlib's server components.

Authorization code with PKCE (S256 required), discovery, a JWKS with a generated RSA key, a login
form, refresh tokens (rotated), and RP-initiated logout (`end_session_endpoint`). The access token is
made by a function the test gives (the services must accept it), by default a JWT signed with the
provider's key. tests/browser/oidc_http.py serves it over HTTP on loopback.
"""

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from authlib.oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, OAuth2Request, TokenMixin
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant, RefreshTokenGrant
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import AuthorizationCodeMixin, UserInfo
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.rpinitiated import EndSessionEndpoint
from joserfc import jwt
from joserfc.jwk import RSAKey


@dataclass
class User:
    """An account: login, password, and the claims of its ID token (`sub` among them)."""

    username: str
    password: str
    claims: dict[str, Any]

    @property
    def sub(self) -> str:
        """The subject identifier."""
        return str(self.claims["sub"])


@dataclass
class Client(ClientMixin):  # type: ignore[misc]
    """A registered relying party (public with PKCE when it has no secret)."""

    client_id: str
    redirect_uris: list[str]
    post_logout_redirect_uris: list[str]
    secret: str | None = None

    @property
    def client_metadata(self) -> dict[str, Any]:
        return {"post_logout_redirect_uris": self.post_logout_redirect_uris}

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        allowed = {"openid", "profile", "email", "offline_access"}
        return " ".join(s for s in (scope or "").split() if s in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return self.secret is not None and secrets.compare_digest(self.secret, client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if endpoint != "token":
            return True
        return (
            method == "none"
            if self.secret is None
            else method in ("client_secret_basic", "client_secret_post")
        )

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in ("authorization_code", "refresh_token")


@dataclass
class Code(AuthorizationCodeMixin):  # type: ignore[misc]
    """An authorization code: for whom, where it goes back to, and what the callback must prove."""

    code: str
    client_id: str
    user: User
    redirect_uri: str
    scope: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> str:
        return "0"

    def get_amr(self) -> list[str]:
        return ["pwd"]


@dataclass
class Grant(TokenMixin):  # type: ignore[misc]
    """Tokens issued to a client for a user; the refresh token finds it again."""

    client_id: str
    user: User
    scope: str
    access_token: str
    refresh_token: str | None
    expires_at: float
    revoked: bool = False

    def check_client(self, client: Client) -> bool:
        return client.client_id == self.client_id

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return int(self.expires_at - time.time())

    def is_expired(self) -> bool:
        return False  # a refresh token outlives its access token

    def is_revoked(self) -> bool:
        return self.revoked

    def get_user(self) -> User:
        return self.user

    def get_client(self) -> ClientMixin:
        raise NotImplementedError


class Provider(AuthorizationServer):  # type: ignore[misc]
    """The authorization server: clients, users, codes and grants in memory; one RSA signing key."""

    def __init__(self, access_seconds: int = 300, access_token: Callable[[User, str], str] | None = None):
        super().__init__(scopes_supported=["openid", "profile", "email", "offline_access"])
        self.key = RSAKey.generate_key(2048, parameters={"kid": f"k-{secrets.token_hex(4)}", "use": "sig"})
        self.issuer = ""
        self.clients: dict[str, Client] = {}
        self.users: dict[str, User] = {}
        self.codes: dict[str, Code] = {}
        self.grants: dict[str, Grant] = {}
        self.refreshed = 0
        self.ended: list[str] = []
        self.access_seconds = access_seconds
        self._access = access_token or self._signed_access_token
        provider = self

        def access(client: Client, grant_type: str, user: User, scope: str, **_: Any) -> str:
            return provider._access(user, client.client_id)

        self.register_token_generator(
            "default",
            BearerTokenGenerator(
                access, lambda **_k: secrets.token_urlsafe(32), lambda *_a: provider.access_seconds
            ),
        )
        self.register_grant(_CodeGrant, [CodeChallenge(required=True), _OpenIDCode(self, require_nonce=True)])
        self.register_grant(_RefreshGrant)
        self.register_endpoint(_EndSession(self))

    def _signed_access_token(self, user: User, client_id: str) -> str:
        now = int(time.time())
        claims = {
            **user.claims,
            "iss": self.issuer,
            "aud": client_id,
            "iat": now,
            "exp": now + self.access_seconds,
        }
        return jwt.encode({"alg": "RS256", "kid": self.key.kid}, claims, self.key)

    def query_client(self, client_id: str) -> Client | None:
        return self.clients.get(client_id)

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        grant = Grant(
            request.client.client_id,
            request.user,
            token.get("scope", ""),
            token["access_token"],
            token.get("refresh_token"),
            time.time() + int(token.get("expires_in", 0)),
        )
        self.grants[token["access_token"]] = grant
        if grant.refresh_token:
            self.grants[grant.refresh_token] = grant

    def create_oauth2_request(self, request: Any) -> OAuth2Request:
        return request

    def create_json_request(self, request: Any) -> Any:
        return request

    def handle_response(self, status: int, body: Any, headers: Any) -> tuple[int, Any, list[tuple[str, str]]]:
        return status, body, list(headers)

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """No listeners here."""

    def metadata(self) -> dict[str, Any]:
        """The discovery document."""
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "end_session_endpoint": f"{self.issuer}/logout",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["none", "client_secret_basic", "client_secret_post"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
        }


class _CodeGrant(AuthorizationCodeGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        data = request.payload.data
        self.server.codes[code] = Code(
            code,
            request.client.client_id,
            request.user,
            request.payload.redirect_uri,
            request.payload.scope,
            data.get("nonce"),
            data.get("code_challenge"),
            data.get("code_challenge_method"),
        )

    def query_authorization_code(self, code: str, client: Client) -> Code | None:
        found = self.server.codes.get(code)
        return found if found and found.client_id == client.client_id else None

    def delete_authorization_code(self, authorization_code: Code) -> None:
        self.server.codes.pop(authorization_code.code, None)

    def authenticate_user(self, authorization_code: Code) -> User:
        return authorization_code.user


class _RefreshGrant(RefreshTokenGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token: str) -> Grant | None:
        grant = self.server.grants.get(refresh_token)
        return grant if grant and grant.refresh_token == refresh_token and not grant.revoked else None

    def authenticate_user(self, refresh_token: Grant) -> User:
        return refresh_token.user

    def revoke_old_credential(self, refresh_token: Grant) -> None:
        refresh_token.revoked = True
        self.server.refreshed += 1


class _OpenIDCode(OpenIDCode):  # type: ignore[misc]
    def __init__(self, provider: Provider, require_nonce: bool) -> None:
        super().__init__(require_nonce=require_nonce)
        self.provider = provider

    def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
        return any(c.nonce == nonce for c in self.provider.codes.values())

    def resolve_client_private_key(self, client: Client) -> RSAKey:
        return self.provider.key

    def get_client_claims(self, client: Client) -> dict[str, Any]:
        return {"iss": self.provider.issuer, "aud": [client.get_client_id()]}

    def get_encode_header(self, client: Client) -> dict[str, str]:
        return {"alg": "RS256", "kid": str(self.provider.key.kid)}

    def generate_user_info(self, user: User, scope: str) -> UserInfo:
        return UserInfo(user.claims)


class _EndSession(EndSessionEndpoint):  # type: ignore[misc]
    def __init__(self, provider: Provider) -> None:
        super().__init__()
        self.provider = provider

    def get_server_jwks(self) -> dict[str, Any]:
        return {"keys": [self.provider.key.as_dict(private=False)]}

    def end_session(self, end_session_request: Any) -> None:
        claims = end_session_request.id_token_claims or {}
        self.provider.ended.append(str(claims.get("sub", "")))
