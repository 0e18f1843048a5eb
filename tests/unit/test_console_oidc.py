"""The console's OpenID Connect sign-in against a scripted IdP (httpx.MockTransport): every check."""

import re
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core.util import create_half_hash
from joserfc import jwt
from joserfc.jwk import RSAKey

from services.console.app import create_app
from services.console.backend import Backend
from services.console.oidc import OIDC, claim, map_roles
from services.console.settings import ConsoleSettings
from tests.unit.console_fakes import CM_ID, CUSTOMER, Fake

ISSUER = "https://idp.test/realms/rcc"
CALLBACK = "http://127.0.0.1:8000/auth/callback"


class FakeIdP:
    """Discovery, JWKS and a token endpoint that checks PKCE; what it signs is up to the test."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
        self.published = [self.key]
        self.end_session = True
        self.down = False
        self.codes: dict[str, dict[str, str]] = {}  # code -> challenge, nonce
        self.claims: dict[str, Any] = {
            "sub": CM_ID,
            "name": "李伟",
            "org_id": "rcc-demo",
            "realm_access": {"roles": ["cm", "uma_authorization"]},
        }
        self.id_overrides: dict[str, Any] = {}
        self.access = "access-1"
        self.refreshes: list[str] = []
        self.refusing_refresh = False
        self.jwks_reads = 0
        self.userinfo: dict[str, Any] = {}

    def id_token(self, nonce: str | None, key: RSAKey | None = None, access: str | None = None) -> str:
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": "steward-console", "iat": now, "exp": now + 300, **self.claims}
        if nonce:
            claims["nonce"] = nonce
        half = create_half_hash(access or self.access, "RS256")
        claims["at_hash"] = half.decode() if half else ""
        claims.update(self.id_overrides)
        key = key or self.key
        return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("refused", request=request)
        path = request.url.path
        if path.endswith("/.well-known/openid-configuration"):
            meta = {
                "issuer": ISSUER,
                "authorization_endpoint": f"{ISSUER}/auth",
                "token_endpoint": f"{ISSUER}/token",
                "jwks_uri": f"{ISSUER}/certs",
                "userinfo_endpoint": f"{ISSUER}/userinfo",
            }
            if self.end_session:
                meta["end_session_endpoint"] = f"{ISSUER}/logout"
            return httpx.Response(200, json=meta)
        if path.endswith("/userinfo"):
            assert request.headers["Authorization"] == f"Bearer {self.access}"
            return httpx.Response(200, json=self.userinfo)
        if path.endswith("/certs"):
            self.jwks_reads += 1
            return httpx.Response(200, json={"keys": [k.as_dict(private=False) for k in self.published]})
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        if form.get("grant_type") == "refresh_token":
            self.refreshes.append(form["refresh_token"])
            if self.refusing_refresh:
                return httpx.Response(400, json={"error": "invalid_grant"})
            self.access = f"access-{len(self.refreshes) + 1}"
            body = {
                "access_token": self.access,
                "refresh_token": f"r{len(self.refreshes)}",
                "expires_in": 300,
            }
            return httpx.Response(200, json=body)
        issued = self.codes.pop(form.get("code", ""), None)
        if issued is None or create_s256_code_challenge(form["code_verifier"]) != issued["challenge"]:
            return httpx.Response(400, json={"error": "invalid_grant"})
        assert form["client_id"] == "steward-console"
        assert form["redirect_uri"] == CALLBACK
        body = {
            "access_token": self.access,
            "token_type": "Bearer",
            "expires_in": 300,
            "refresh_token": "r0",
            "id_token": self.id_token(issued["nonce"]),
        }
        return httpx.Response(200, json=body)


@pytest.fixture
def fake() -> Fake:
    fake = Fake()
    fake.on("GET", "/customers", body=[CUSTOMER], headers={"X-Total-Count": "1"})
    fake.on("GET", "/managers", body=[{"id": CM_ID, "name": "李伟", "grade": "cm", "branch": "城北"}])
    return fake


@pytest.fixture
def idp() -> FakeIdP:
    return FakeIdP()


def _client(fake: Fake, idp: FakeIdP, **settings: Any) -> Any:
    from fastapi.testclient import TestClient

    config = ConsoleSettings(oidc_issuer=ISSUER, **settings)
    app = create_app(config, Backend(config, transport=httpx.MockTransport(fake)))
    app.state.oidc = OIDC(config, transport=httpx.MockTransport(idp))
    english = {"Accept-Language": "en"}
    return TestClient(app, base_url="http://127.0.0.1:8000", follow_redirects=False, headers=english)


def _authorize(client: Any, idp: FakeIdP, next_path: str = "/") -> dict[str, str]:
    """/auth/login, then what the IdP would send back: the code and the state."""
    answer = client.get("/auth/login", params={"next": next_path})
    assert answer.status_code == 303
    query = {k: v[0] for k, v in parse_qs(urlsplit(answer.headers["location"]).query).items()}
    assert answer.headers["location"].startswith(f"{ISSUER}/auth?")
    assert query["code_challenge_method"] == "S256"
    assert query["response_type"] == "code"
    assert query["redirect_uri"] == CALLBACK
    assert "openid" in query["scope"].split()
    cookie = answer.headers["set-cookie"]
    assert "steward_oidc=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    idp.codes["code-1"] = {"challenge": query["code_challenge"], "nonce": query["nonce"]}
    return {"code": "code-1", "state": query["state"]}


def _signed_in(client: Any, idp: FakeIdP) -> httpx.Response:
    answer = client.get("/auth/callback", params=_authorize(client, idp))
    assert answer.status_code == 303, answer.text
    return answer


def test_claim_paths_and_roles():
    claims = {"realm_access": {"roles": ["cm", "x"]}, "groups": "supervisor cm", "a.b": 1}
    assert claim(claims, "realm_access.roles") == ["cm", "x"]
    assert claim(claims, "a.b") == 1
    assert claim(claims, "realm_access.missing") is None
    assert map_roles(claims["realm_access"]["roles"]) == ("cm",)
    assert map_roles("supervisor cm") == ("cm", "supervisor")
    assert map_roles(None) == ()


def test_oidc_is_on_with_an_issuer_and_required_in_prod():
    assert ConsoleSettings(oidc_issuer=ISSUER).dev_sign_in is False
    assert ConsoleSettings(oidc_issuer="").oidc is False
    with pytest.raises(ValueError, match="oidc_issuer is required"):
        ConsoleSettings(profile="prod", csrf_secret="s" * 32)
    with pytest.raises(ValueError, match="https"):
        ConsoleSettings(profile="prod", csrf_secret="s" * 32, oidc_issuer="http://idp")


def test_sign_in_through_the_idp_forwards_its_access_token(fake, idp):
    with _client(fake, idp) as client:
        page = client.get("/sign-in")
        assert page.status_code == 200
        assert 'href="/auth/login?next=/"' in page.text
        answer = _signed_in(client, idp)
        assert answer.headers["location"] == "/my-day"
        cookie = answer.headers["set-cookie"]
        assert "steward_session=" in cookie
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie
        assert "Secure" not in cookie  # dev profile on plain http; on in prod
        client.get("/customers")
        seen = [r for r in fake.requests if r.url.path == "/customers"]
        assert seen
        assert seen[-1].headers["Authorization"] == "Bearer access-1"


def test_secure_cookies_when_configured(fake, idp):
    with _client(fake, idp, secure_cookies=True) as client:
        assert "Secure" in client.get("/auth/login").headers["set-cookie"]


def test_the_user_goes_back_where_they_were_going(fake, idp):
    with _client(fake, idp) as client:
        answer = client.get("/auth/callback", params=_authorize(client, idp, "/customers?q=x"))
        assert answer.headers["location"] == "/customers?q=x"


@pytest.mark.parametrize(
    ("params", "lang", "status", "text"),
    [
        ({"state": "tampered"}, "en", 400, "its state does not match"),
        ({"state": "tampered"}, "zh-CN", 400, "state 参数不匹配"),
        ({"error": "access_denied"}, "en", 401, "refused the sign-in"),
        ({"code": "forged"}, "en", 401, "refused the sign-in"),
    ],
)
def test_a_bad_callback_is_a_page_never_a_session(fake, idp, params, lang, status, text):
    with _client(fake, idp) as client:
        good = _authorize(client, idp)
        if "error" in params:
            good.pop("code")
        answer = client.get("/auth/callback", params={**good, **params}, headers={"Accept-Language": lang})
        assert answer.status_code == status
        assert text in answer.text
        assert "steward_session=" not in answer.headers.get("set-cookie", "")
        assert client.get("/my-day").status_code == 303


def test_a_callback_without_its_sign_in_is_refused(fake, idp):
    with _client(fake, idp) as client:
        answer = client.get("/auth/callback", params={"code": "c", "state": "s"})
        assert answer.status_code == 400
        assert "expired or was started in another browser" in answer.text


@pytest.mark.parametrize(
    "override",
    [
        {"nonce": "other"},
        {"aud": "another-client"},
        {"iss": "https://evil.test"},
        {"exp": 1},
        {"at_hash": "x"},
    ],
)
def test_an_id_token_that_does_not_verify_is_refused(fake, idp, override):
    idp.id_overrides = override
    with _client(fake, idp) as client:
        answer = client.get("/auth/callback", params=_authorize(client, idp))
        assert answer.status_code == 400
        assert "ID token is not valid" in answer.text


def test_a_key_the_idp_does_not_publish_is_refused_and_a_rotated_one_is_fetched(fake, idp):
    with _client(fake, idp) as client:
        _signed_in(client, idp)
        assert idp.jwks_reads == 1
        idp.key = RSAKey.generate_key(2048, parameters={"kid": "k2"})  # signs, but is not published
        answer = client.get("/auth/callback", params=_authorize(client, idp))
        assert answer.status_code == 400
        assert idp.jwks_reads == 2
        idp.published.append(idp.key)  # rotation: the new key is published, the console reads it again
        _signed_in(client, idp)
        assert idp.jwks_reads == 3


@pytest.mark.parametrize(
    ("claims", "text"),
    [({"realm_access": {"roles": ["uma"]}}, "no role"), ({"org_id": ""}, "names no cooperative")],
)
def test_an_account_without_role_or_cooperative_gets_a_page(fake, idp, claims, text):
    idp.claims.update(claims)
    with _client(fake, idp) as client:
        answer = client.get(
            "/auth/callback", params=_authorize(client, idp), headers={"Accept-Language": "en"}
        )
        assert answer.status_code == 403
        assert text in answer.text


def test_roles_and_cooperative_missing_from_the_id_token_are_read_from_userinfo(fake, idp):
    idp.userinfo = {"sub": CM_ID, "org_id": "rcc-demo", "realm_access": {"roles": ["supervisor"]}}
    del idp.claims["org_id"], idp.claims["realm_access"]
    with _client(fake, idp) as client:
        assert _signed_in(client, idp).headers["location"] == "/overview"
    idp.userinfo["sub"] = "someone-else"  # another subject's answer is ignored
    with _client(fake, idp) as client:
        assert client.get("/auth/callback", params=_authorize(client, idp)).status_code == 403


def test_an_idp_that_does_not_answer_is_a_page(fake, idp):
    idp.down = True
    with _client(fake, idp) as client:
        answer = client.get("/auth/login", headers={"Accept-Language": "en"})
        assert answer.status_code == 502
        assert "not answering" in answer.text


def test_the_access_token_is_refreshed_before_it_expires(fake, idp):
    with _client(fake, idp, oidc_refresh_seconds=3600) as client:  # always due: refreshed on each page
        _signed_in(client, idp)
        client.get("/customers")
        assert idp.refreshes == ["r0"]
        client.get("/customers")
        assert idp.refreshes == ["r0", "r1"], "the rotated refresh token is used next"
        seen = [r for r in fake.requests if r.url.path == "/customers"]
        assert seen[-1].headers["Authorization"] == "Bearer access-3"


def test_a_refused_refresh_ends_the_session_with_a_page_that_says_so(fake, idp):
    with _client(fake, idp, oidc_refresh_seconds=3600) as client:
        _signed_in(client, idp)
        idp.refusing_refresh = True
        answer = client.get("/my-day")
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/sign-in")
        page = client.get(answer.headers["location"], headers={"Accept-Language": "en"})
        assert "Your session has ended" in page.text


def _sign_out(client: Any) -> httpx.Response:
    page = client.get("/customers")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf
    return client.post("/sign-out", data={"csrf_token": csrf.group(1)})


def test_sign_out_goes_through_the_idps_logout(fake, idp):
    with _client(fake, idp) as client:
        _signed_in(client, idp)
        answer = _sign_out(client)
        assert answer.status_code == 200
        url = re.search(r'content="0;url=([^"]+)"', answer.text)
        assert url
        logout = url.group(1).replace("&amp;", "&")
        query = parse_qs(urlsplit(logout).query)
        assert logout.startswith(f"{ISSUER}/logout?")
        assert query["post_logout_redirect_uri"] == ["http://127.0.0.1:8000/signed-out"]
        assert query["id_token_hint"]
        assert query["client_id"] == ["steward-console"]
        assert client.get("/my-day").status_code == 303


def test_sign_out_without_an_idp_logout_stays_here(fake, idp):
    idp.end_session = False
    with _client(fake, idp) as client:
        _signed_in(client, idp)
        answer = _sign_out(client)
        assert answer.status_code == 303
        assert answer.headers["location"] == "/signed-out"
        assert client.get("/signed-out").status_code == 200
