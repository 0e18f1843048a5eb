"""Tokens: only a well-signed, current token for this audience and issuer is accepted."""

from datetime import timedelta

import jwt
import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

from shared.auth import CurrentPrincipal, Principal, Role, decode_token, issue_token, require_roles
from shared.settings import ServiceSettings
from shared.timeutil import utcnow

SETTINGS = ServiceSettings(profile="test", jwt_secret="unit-test-secret-0123456789abcdef0123")


def _claims(**over):
    now = utcnow()
    claims = {
        "sub": "u-1",
        "roles": ["cm"],
        "org_id": "rcc",
        "iss": "steward",
        "aud": "steward",
        "iat": now,
        "nbf": now,
        "exp": now + timedelta(minutes=5),
    }
    claims.update(over)
    return {k: v for k, v in claims.items() if v is not None}


def _sign(claims, key=SETTINGS.jwt_key(), alg="HS256"):
    return jwt.encode(claims, key, algorithm=alg)


def test_a_good_token_gives_user_roles_and_org():
    token = issue_token(SETTINGS, user_id="u-1", roles=["cm", "supervisor"], org_id="rcc")
    assert decode_token(SETTINGS, token) == Principal(
        user_id="u-1", roles=frozenset({Role.CM, Role.SUPERVISOR}), org_id="rcc"
    )


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(_sign(_claims(exp=utcnow() - timedelta(minutes=1))), id="expired"),
        pytest.param(_sign(_claims(nbf=utcnow() + timedelta(minutes=10))), id="not-yet-valid"),
        pytest.param(_sign(_claims(), key="another-secret-another-secret-0123"), id="wrong-signature"),
        pytest.param(_sign(_claims(aud="someone-else")), id="wrong-audience"),
        pytest.param(_sign(_claims(iss="evil")), id="wrong-issuer"),
        pytest.param(_sign(_claims(roles=["cm", "root"])), id="unknown-role"),
        pytest.param(_sign(_claims(org_id=None)), id="no-org"),
        pytest.param(_sign(_claims(exp=None)), id="no-expiry"),
        pytest.param(jwt.encode(_claims(), None, algorithm="none"), id="alg-none"),
        pytest.param("not-a-jwt", id="garbage"),
    ],
)
def test_bad_tokens_are_rejected(token):
    with pytest.raises(jwt.InvalidTokenError):
        decode_token(SETTINGS, token)


def _app() -> FastAPI:
    app = FastAPI()
    app.state.settings = SETTINGS

    @app.get("/me")
    async def me(caller: CurrentPrincipal) -> dict[str, str]:
        return {"user": caller.user_id}

    @app.get("/audit-only")
    async def audit_only(caller: Principal = Depends(require_roles(Role.AUDITOR))) -> dict[str, str]:
        return {"user": caller.user_id}

    return app


def test_http_missing_or_bad_token_is_401_and_wrong_role_is_403():
    client = TestClient(_app())
    assert client.get("/me").status_code == 401
    assert client.get("/me", headers={"Authorization": "Bearer junk"}).status_code == 401
    good = {"Authorization": f"Bearer {issue_token(SETTINGS, user_id='u-1', roles=['cm'], org_id='rcc')}"}
    assert client.get("/me", headers=good).json() == {"user": "u-1"}
    denied = client.get("/audit-only", headers=good)
    assert denied.status_code == 403
    assert "auditor" in denied.json()["detail"]
