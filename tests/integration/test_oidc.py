"""Issue 16: a prod-profile service accepts only the identity provider's tokens, verified through discovery
and a JWK set served over HTTP on loopback; keys rotate without a restart; every bad token is refused."""

from datetime import timedelta

import jwt
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from services.customer.app import MIGRATIONS, create_app
from services.customer.settings import CustomerSettings
from shared.auth import decode_token, issue_token
from shared.oidc import BadClaims, KeySet, UnknownKey
from shared.settings import KafkaSettings, ServiceSettings
from shared.timeutil import utcnow
from steward.cli import app as cli
from steward.embedded_broker import free_port
from steward.issuer import LocalIssuer, SigningKey
from tests.support import TEST_SECRET
from tests.templates import migrate

RANDOM_KEY = "Vq3xT9pLm2Rz8KdYw4HbNc6FjGs1Ue5Ai7Oe0Xy"


@pytest.fixture
def issuer():
    """The identity provider: discovery and JWKS over HTTP on loopback."""
    running = LocalIssuer().start()
    yield running
    running.stop()


@pytest.fixture
def service(issuer, tmp_path):
    """The real customer service in the prod profile, trusting only the issuer above."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'customer.db'}"
    migrate(MIGRATIONS, url)
    settings = CustomerSettings(
        profile="prod",
        database_url=url,
        oidc_issuer=issuer.url,
        oidc_jwks_refresh_seconds=0,
        id_document_key=RANDOM_KEY,
        start_consumers=False,
        kafka=KafkaSettings(bootstrap_servers=f"127.0.0.1:{free_port()}", idempotent_producer=False),
    )
    with TestClient(create_app(settings)) as client:
        yield client


def _get(client, token):
    return client.get("/customers", headers={"Authorization": f"Bearer {token}"})


def _refused(response, reason):
    assert response.status_code == 401, response.text
    assert reason in response.json()["detail"], response.json()["detail"]


def test_a_token_of_the_provider_is_accepted_and_a_new_key_is_fetched_without_a_restart(issuer, service):
    assert _get(service, issuer.issue(user_id="sup-1", roles=["supervisor"], org_id="rcc")).status_code == 200
    first = issuer.keys[0]
    second = issuer.rotate("ES256")  # the provider rotates: a new key, the old one still published
    by_new = issuer.issue(user_id="sup-2", roles=["supervisor"], org_id="rcc")
    assert jwt.get_unverified_header(by_new) == {"alg": "ES256", "kid": second.kid, "typ": "JWT"}
    assert _get(service, by_new).status_code == 200
    by_old = issuer.issue(user_id="sup-3", roles=["supervisor"], org_id="rcc", key=first)
    assert _get(service, by_old).status_code == 200


def test_a_token_signed_by_a_key_not_in_the_set_is_refused(issuer, service):
    stranger = SigningKey()
    _refused(
        _get(service, issuer.issue(user_id="x", roles=["supervisor"], org_id="rcc", key=stranger)), "key"
    )
    # the same kid as a published key, another private key: the signature does not match
    forged = SigningKey(kid=issuer.keys[0].kid)
    _refused(
        _get(service, issuer.issue(user_id="x", roles=["supervisor"], org_id="rcc", key=forged)), "signature"
    )


def test_hs256_is_refused_by_a_prod_service_even_when_well_signed(service):
    shared = ServiceSettings(profile="test", jwt_secret=TEST_SECRET)
    _refused(
        _get(service, issue_token(shared, user_id="sup-1", roles=["supervisor"], org_id="rcc")), "algorithm"
    )


def test_the_public_key_used_as_an_hmac_secret_is_refused(issuer, service):
    """Algorithm confusion: an HS256 token keyed with the published RSA key."""
    claims = {"sub": "x", "roles": ["admin"], "org_id": "rcc", "iss": issuer.url, "aud": "steward"}
    claims |= {"iat": utcnow(), "exp": utcnow() + timedelta(minutes=5)}
    public = str(issuer.keys[0].jwk()["n"])
    token = jwt.encode(claims, public, algorithm="HS256", headers={"kid": issuer.keys[0].kid})
    _refused(_get(service, token), "algorithm")


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        ({"iss": "https://another-idp.example"}, "issuer"),
        ({"aud": "another-client"}, "audience"),
        ({"roles": ["superuser"]}, "roles"),
        ({"roles": []}, "roles"),
        ({"org_id": None}, "cooperative"),
        ({"exp": utcnow() - timedelta(minutes=5)}, "expired"),
    ],
    ids=["wrong-issuer", "wrong-audience", "unknown-role", "no-role", "no-cooperative", "expired"],
)
def test_wrong_issuer_audience_roles_or_times_are_refused(issuer, service, extra, reason):
    token = issuer.issue(**({"user_id": "x", "roles": ["supervisor"], "org_id": "rcc"} | extra))
    response = _get(service, token)
    assert response.status_code == 401, response.text


def test_clock_skew_is_tolerated_only_within_the_leeway(issuer, service):
    now = utcnow()
    slightly_early = issuer.issue(
        user_id="x", roles=["supervisor"], org_id="rcc", iat=now, nbf=now + timedelta(seconds=20)
    )
    assert _get(service, slightly_early).status_code == 200
    too_early = issuer.issue(
        user_id="x", roles=["supervisor"], org_id="rcc", iat=now, nbf=now + timedelta(minutes=5)
    )
    _refused(_get(service, too_early), "not valid yet")


def test_unknown_kids_do_not_make_the_service_hammer_the_provider(issuer):
    settings = ServiceSettings(profile="test", jwt_secret=TEST_SECRET, oidc_issuer=issuer.url)
    keys = KeySet(settings)
    good = issuer.issue(user_id="x", roles=["cm"], org_id="rcc")
    assert decode_token(settings, good, keys).user_id == "x"
    fetched = issuer.requests  # discovery and JWKS, once
    for _ in range(20):
        forged = issuer.issue(user_id="x", roles=["cm"], org_id="rcc", key=SigningKey("ES256"))
        with pytest.raises(UnknownKey):
            decode_token(settings, forged, keys)
    assert issuer.requests == fetched, "refetches prompted by unknown kids are rate-limited"


def test_a_withdrawn_key_stops_being_accepted_when_the_set_is_refetched(issuer):
    clock = {"now": 0.0}
    settings = ServiceSettings(
        profile="test", jwt_secret=TEST_SECRET, oidc_issuer=issuer.url, oidc_jwks_max_age_seconds=60
    )
    keys = KeySet(settings, clock=lambda: clock["now"])
    old = issuer.issue(user_id="x", roles=["cm"], org_id="rcc")
    assert decode_token(settings, old, keys).user_id == "x"
    issuer.rotate(keep_old=False)
    assert decode_token(settings, old, keys).user_id == "x"  # cached until the set is older than its age
    clock["now"] = 61.0
    with pytest.raises(UnknownKey):
        decode_token(settings, old, keys)
    assert decode_token(settings, issuer.issue(user_id="y", roles=["cm"], org_id="rcc"), keys).user_id == "y"


def test_claims_are_mapped_as_configured_for_a_keycloak_shaped_token(issuer):
    """Roles under realm_access.roles, the cooperative as a group, the login as preferred_username."""
    settings = ServiceSettings(
        profile="test",
        jwt_secret=TEST_SECRET,
        oidc_jwks=issuer.jwks(),  # the same verification, the key set given inline
        oidc_issuer=issuer.url,
        oidc_roles_claim="realm_access.roles",
        oidc_role_prefix="steward-",
        oidc_org_group_prefix="/cooperatives/",
        oidc_login_claim="preferred_username",
    )
    claims = {
        "sub": "5b0c-uuid",
        "preferred_username": "wang.li",
        "realm_access": {"roles": ["steward-cm", "offline_access", "default-roles-rcc"]},
        "groups": ["/cooperatives/rcc-7", "/staff"],
        "iss": issuer.url,
        "aud": "steward",
        "iat": utcnow(),
        "exp": utcnow() + timedelta(minutes=5),
    }
    principal = decode_token(settings, issuer.sign(claims))
    assert (principal.user_id, {r.value for r in principal.roles}, principal.org_id) == (
        "wang.li",
        {"cm"},
        "rcc-7",
    )
    strict = settings.model_copy(update={"oidc_unknown_roles": "refuse"})
    with pytest.raises(BadClaims):
        decode_token(strict, issuer.sign(claims))
    two_cooperatives = {**claims, "groups": ["/cooperatives/rcc-7", "/cooperatives/rcc-8"]}
    with pytest.raises(BadClaims):
        decode_token(settings, issuer.sign(two_cooperatives))


def test_dev_accepts_both_the_shared_secret_and_the_provider(issuer):
    settings = ServiceSettings(profile="dev", oidc_issuer=issuer.url)
    assert (
        decode_token(settings, issue_token(settings, user_id="a", roles=["hr"], org_id="rcc")).user_id == "a"
    )
    assert decode_token(settings, issuer.issue(user_id="b", roles=["hr"], org_id="rcc")).user_id == "b"


def test_steward_token_asks_the_local_issuer_and_falls_back_when_it_is_gone(issuer, tmp_path, monkeypatch):
    monkeypatch.delenv("STEWARD_ISSUER_URL", raising=False)
    issuer.advertise(tmp_path)
    asked = CliRunner().invoke(cli, ["token", "--user", "hr-1", "--role", "hr", "--var-dir", str(tmp_path)])
    assert asked.exit_code == 0, asked.output
    token = asked.output.strip()
    assert jwt.get_unverified_header(token)["kid"] == issuer.keys[-1].kid
    settings = ServiceSettings(profile="dev", oidc_issuer=issuer.url)
    assert decode_token(settings, token).user_id == "hr-1"
    issuer.stop()
    fallback = CliRunner().invoke(
        cli, ["token", "--user", "hr-1", "--role", "hr", "--var-dir", str(tmp_path)]
    )
    assert fallback.exit_code == 0, fallback.output
    assert jwt.get_unverified_header(fallback.output.strip())["alg"] == "HS256"


def test_steward_up_points_every_service_at_its_local_issuer(issuer, tmp_path):
    from steward.catalog import SERVICES
    from steward.suite import Suite, SuiteConfig

    suite = Suite(SuiteConfig(var_dir=tmp_path))
    suite.issuer = issuer
    for service in SERVICES:
        env = suite.service_env(service)
        assert env[f"{service.env_prefix}OIDC_ISSUER"] == issuer.url
        settings = service.settings(profile="dev", oidc_issuer=env[f"{service.env_prefix}OIDC_ISSUER"])
        token = issuer.issue(user_id="hr-1", roles=["hr"], org_id="rcc")
        assert decode_token(settings, token).user_id == "hr-1"
