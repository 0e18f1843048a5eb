"""Settings: prefixes per service, secrets outside dev, Kafka security reaching every client."""

import pytest
from pydantic import SecretStr, ValidationError

from services.customer.settings import CustomerSettings
from services.staffing.settings import StaffingSettings
from shared.kafka import connection_options, create_broker, create_producer, producer_options
from shared.settings import DEV_JWT_SECRET, KafkaSettings, ServiceSettings

ISSUER = "https://idp.example/realms/rcc"


def test_dev_profile_gets_the_development_secret():
    assert ServiceSettings(profile="dev").jwt_key() == DEV_JWT_SECRET


def test_no_secret_default_in_test():
    with pytest.raises(ValidationError, match="jwt_secret must be set"):
        ServiceSettings(profile="test")


def test_prod_needs_the_identity_provider_not_a_shared_secret():
    """Issue 16: prod verifies the identity provider's tokens only; without its issuer it does not start."""
    with pytest.raises(ValidationError, match="prod needs oidc_issuer"):
        ServiceSettings(profile="prod")
    with pytest.raises(ValidationError, match="oidc_issuer must be an https URL"):
        ServiceSettings(profile="prod", oidc_issuer="http://idp.example/realms/rcc")
    settings = ServiceSettings(profile="prod", oidc_issuer=ISSUER)
    assert settings.jwt_secret is None
    assert not settings.accepts_shared_secret


def test_prod_refuses_a_short_secret():
    with pytest.raises(ValidationError, match="at least 32"):
        ServiceSettings(profile="prod", jwt_secret=SecretStr("short"))


def test_each_service_reads_its_own_env_prefix(monkeypatch):
    monkeypatch.setenv("STEWARD_STAFFING_DATABASE_URL", "postgresql+asyncpg://db/staffing")
    monkeypatch.setenv("STEWARD_CUSTOMER_KAFKA__BOOTSTRAP_SERVERS", "kafka-1:9093")
    assert StaffingSettings().database_url == "postgresql+asyncpg://db/staffing"
    assert CustomerSettings().database_url.endswith("customer.db")
    assert CustomerSettings().kafka.bootstrap_servers == "kafka-1:9093"
    assert StaffingSettings().kafka.bootstrap_servers == "127.0.0.1:9092"


def test_sasl_needs_all_its_parts():
    with pytest.raises(ValidationError, match="SASL needs"):
        KafkaSettings(security_protocol="SASL_SSL", sasl_mechanism="SCRAM-SHA-512")


def _scram() -> KafkaSettings:
    return KafkaSettings(
        bootstrap_servers="kafka:9094",
        security_protocol="SASL_SSL",
        sasl_mechanism="SCRAM-SHA-512",
        sasl_username="steward",
        sasl_password=SecretStr("s3cret"),
        idempotent_producer=True,
    )


async def test_sasl_and_tls_reach_the_relay_producer():
    options = producer_options(_scram())
    assert options["security_protocol"] == "SASL_SSL"
    assert options["sasl_mechanism"] == "SCRAM-SHA-512"
    assert options["sasl_plain_username"] == "steward"
    assert options["ssl_context"] is not None
    assert options["acks"] == "all"
    assert options["enable_idempotence"] is True
    producer = create_producer(_scram(), "t")
    assert producer.client._security_protocol == "SASL_SSL"
    assert producer.client._sasl_mechanism == "SCRAM-SHA-512"


def test_sasl_and_tls_reach_the_consumers_broker():
    broker = create_broker(_scram(), "t")
    consumer_kwargs = broker.config.broker_config.builder.keywords
    assert consumer_kwargs["security_protocol"] == "SASL_SSL"
    assert consumer_kwargs["sasl_mechanism"] == "SCRAM-SHA-512"
    assert consumer_kwargs["sasl_plain_username"] == "steward"
    assert consumer_kwargs["sasl_plain_password"] == "s3cret"
    assert consumer_kwargs["ssl_context"] is not None


def test_plaintext_by_default_and_idempotence_is_a_setting():
    plain = KafkaSettings(idempotent_producer=False)
    assert connection_options(plain) == {
        "bootstrap_servers": "127.0.0.1:9092",
        "security_protocol": "PLAINTEXT",
    }
    assert producer_options(plain)["enable_idempotence"] is False


RANDOM_KEY = "dGhpcy1pcy1hLXJhbmRvbS1sb29raW5nLWtleS1Gb3ItVGVzdHMtOTg3NjU0MzIx"


@pytest.mark.parametrize(
    "secret",
    [
        pytest.param(DEV_JWT_SECRET, id="the-public-dev-key"),
        pytest.param("change-me-to-a-random-string-of-at-least-32-characters", id="env-example-placeholder"),
        pytest.param("dev-only-signing-key-never-used-outside-a-dev-cluster", id="k8s-dev-overlay-key"),
        pytest.param(" " * 36, id="36-spaces"),
        pytest.param("x" * 64, id="one-character-repeated"),
        pytest.param("abcdabcdabcdabcdabcdabcdabcdabcd", id="low-entropy"),
        pytest.param("short", id="short"),
    ],
)
def test_prod_refuses_a_known_blank_short_or_guessable_key_in_every_slot(secret):
    """Issue 13 item 7: JWT_SECRET and every JWT_PREVIOUS_SECRETS entry are checked in prod."""
    with pytest.raises(ValidationError, match="jwt_secret"):
        ServiceSettings(profile="prod", jwt_secret=SecretStr(secret))
    with pytest.raises(ValidationError, match=r"jwt_previous_secrets\[1\]"):
        ServiceSettings(
            profile="prod",
            jwt_secret=SecretStr(RANDOM_KEY),
            jwt_previous_secrets=[SecretStr(RANDOM_KEY[::-1]), SecretStr(secret)],
        )


def test_prod_accepts_random_keys_and_dev_keeps_its_key():
    import secrets

    settings = ServiceSettings(
        profile="prod",
        oidc_issuer=ISSUER,
        jwt_secret=SecretStr(secrets.token_urlsafe(48)),
        jwt_previous_secrets=[SecretStr(secrets.token_hex(32))],
    )
    assert len(settings.jwt_verification_keys()) == 2
    assert ServiceSettings(profile="test", jwt_secret=SecretStr("test-key-not-checked")).profile == "test"


def test_a_profile_variable_the_service_does_not_read_stops_it(monkeypatch):
    """A generic STEWARD_PROFILE=prod used to be ignored: the service ran as dev with the public key."""
    monkeypatch.setenv("STEWARD_PROFILE", "prod")
    with pytest.raises(ValidationError, match="STEWARD_PROFILE=prod is set but this service reads"):
        CustomerSettings()
    monkeypatch.setenv("STEWARD_CUSTOMER_PROFILE", "prod")
    monkeypatch.setenv("STEWARD_CUSTOMER_JWT_SECRET", RANDOM_KEY)
    monkeypatch.setenv("STEWARD_CUSTOMER_ID_DOCUMENT_KEY", RANDOM_KEY)
    monkeypatch.setenv("STEWARD_CUSTOMER_OIDC_ISSUER", ISSUER)
    assert CustomerSettings().profile == "prod"  # compose sets both, alike


def test_a_misspelt_profile_variable_stops_the_service_but_another_services_does_not(monkeypatch):
    monkeypatch.setenv("STEWARD_STAFFING_PROFILE", "test")  # staffing's own: not customer's business
    assert CustomerSettings().profile == "dev"
    monkeypatch.setenv("STEWARD_CUSTOMER__PROFILE", "prod")
    with pytest.raises(ValidationError, match="STEWARD_CUSTOMER__PROFILE"):
        CustomerSettings()


def test_prod_needs_a_random_id_document_key(monkeypatch):
    """The key hashing customers' ID-document numbers is checked like the signing keys."""
    base = {"profile": "prod", "jwt_secret": RANDOM_KEY, "oidc_issuer": ISSUER}
    with pytest.raises(ValidationError, match="id_document_key must be set"):
        CustomerSettings(**base)
    with pytest.raises(ValidationError, match="id_document_key is a published"):
        CustomerSettings(
            **base, id_document_key="change-me-to-another-random-string-of-32-characters-or-more"
        )
    assert CustomerSettings(**base, id_document_key=RANDOM_KEY).document_key() == RANDOM_KEY.encode()
    assert CustomerSettings(profile="test", jwt_secret=RANDOM_KEY).document_key()  # a dev key outside prod
