"""Kafka TLS and SASL/SCRAM come from configuration alone and reach every client each service builds.

Every aiokafka client (producer, consumer, admin) connects through `AIOKafkaClient.bootstrap`; the test
replaces it with a recorder that refuses, then drives each service's real start-up code: the runtime's
relay producer (also as rebuilt after a broker outage), the topic admin, the FastStream broker's own
producer and one consumer per subscription. Nothing touches the network.
"""

import ssl
from pathlib import Path
from typing import Any

import certifi
import pytest
from aiokafka.client import AIOKafkaClient
from aiokafka.errors import KafkaConnectionError

from shared.kafka import ensure_topics
from shared.runtime import Runtime
from shared.settings import KafkaSettings
from tests.inprocess import SERVICES, build_app, offline_settings

USER, PASSWORD = "steward-svc", "scram-secret-for-tests"


@pytest.fixture(scope="module")
def ca_file(tmp_path_factory) -> Path:
    """A CA file holding exactly one certificate (the first of certifi's bundle)."""
    bundle = Path(certifi.where()).read_text()
    end = "-----END CERTIFICATE-----"
    first = bundle[bundle.index("-----BEGIN CERTIFICATE-----") : bundle.index(end) + len(end)]
    path = tmp_path_factory.mktemp("tls") / "ca.pem"
    path.write_text(first + "\n")
    return path


@pytest.fixture
def bootstraps(monkeypatch) -> list[AIOKafkaClient]:
    """Every aiokafka client that tried to connect; each attempt is refused."""
    seen: list[AIOKafkaClient] = []

    async def refuse(self: AIOKafkaClient) -> None:
        seen.append(self)
        raise KafkaConnectionError(f"intercepted by the test: {self._client_id}")

    monkeypatch.setattr(AIOKafkaClient, "bootstrap", refuse)
    return seen


async def _attempt(start: Any) -> None:
    with pytest.raises(KafkaConnectionError, match="intercepted"):
        await start()


def _secure(kafka: KafkaSettings, mechanism: str, ca_file: Path) -> KafkaSettings:
    secure = {
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": mechanism,
        "sasl_username": USER,
        "sasl_password": PASSWORD,
        "ssl_cafile": str(ca_file),
    }
    return KafkaSettings(**{**kafka.model_dump(exclude=set(secure)), **secure})


def _check(client: AIOKafkaClient, mechanism: str, ca_subject: Any) -> list[str]:
    problems = []
    who = client._client_id
    if client._security_protocol != "SASL_SSL":
        problems.append(f"{who}: security_protocol {client._security_protocol}")
    if client._sasl_mechanism != mechanism:
        problems.append(f"{who}: sasl_mechanism {client._sasl_mechanism}")
    if (client._sasl_plain_username, client._sasl_plain_password) != (USER, PASSWORD):
        problems.append(f"{who}: SASL credentials not passed")
    ctx = client._ssl_context
    if not isinstance(ctx, ssl.SSLContext):
        problems.append(f"{who}: no TLS context")
    else:
        if ctx.verify_mode != ssl.CERT_REQUIRED or not ctx.check_hostname:
            problems.append(f"{who}: TLS does not verify the broker")
        if [c["subject"] for c in ctx.get_ca_certs()] != [ca_subject]:
            problems.append(f"{who}: TLS trusts something other than the configured CA file")
    return problems


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-256", "SCRAM-SHA-512"])
@pytest.mark.parametrize("service", SERVICES)
async def test_tls_and_scram_reach_every_kafka_client_of_the_service(
    service, mechanism, ca_file, bootstraps, tmp_path
):
    ca_subject = ssl.create_default_context(cafile=str(ca_file)).get_ca_certs()[0]["subject"]
    settings = offline_settings(service, f"sqlite+aiosqlite:///{tmp_path / 'k.db'}", start_consumers=True)
    settings.kafka = _secure(settings.kafka, mechanism, ca_file)
    app = build_app(service, settings)
    runtime: Runtime = app.state.runtime
    subscribers = list(runtime.broker.subscribers)
    assert len(subscribers) == len(runtime.definition.subscriptions)

    await runtime.start()
    try:
        assert runtime.producer is not None
        await _attempt(lambda: ensure_topics(settings.kafka, ["t"], client_id=f"{service}-admin"))
        await _attempt(runtime.producer.start)  # the outbox relay's producer
        await runtime._reset_kafka_clients()  # as rebuilt after the broker was lost
        await _attempt(runtime.producer.start)
        await _attempt(runtime.broker.connect)  # FastStream's own producer
        runtime.broker._setup_logger()  # what a successful connect would have done
        for subscriber in subscribers:  # one consumer per subscription
            await _attempt(subscriber.start)
    finally:
        await runtime.stop()

    ids = [c._client_id for c in bootstraps]
    assert sum(i.endswith("-relay") for i in ids) >= 2, ids
    assert f"{service}-admin" in ids
    consumers = [c for c in bootstraps if c.__class__ is AIOKafkaClient and c._client_id == service]
    assert len(consumers) >= len(subscribers) + 1, ids  # the broker's producer shares the client id
    problems = [p for client in bootstraps for p in _check(client, mechanism, ca_subject)]
    assert problems == [], problems


def test_plaintext_stays_the_default_and_sasl_needs_complete_credentials():
    assert KafkaSettings().security_protocol == "PLAINTEXT"
    with pytest.raises(ValueError, match="SASL needs"):
        KafkaSettings(security_protocol="SASL_SSL", sasl_mechanism="SCRAM-SHA-512", sasl_username="u")


def test_security_is_read_from_the_environment(monkeypatch, ca_file):
    """Configuration only: the service's env prefix and `__` reach the Kafka settings."""
    from services.customer.settings import CustomerSettings

    for key, value in {
        "KAFKA__SECURITY_PROTOCOL": "SASL_SSL",
        "KAFKA__SASL_MECHANISM": "SCRAM-SHA-512",
        "KAFKA__SASL_USERNAME": USER,
        "KAFKA__SASL_PASSWORD": PASSWORD,
        "KAFKA__SSL_CAFILE": str(ca_file),
    }.items():
        monkeypatch.setenv(f"STEWARD_CUSTOMER_{key}", value)
    kafka = CustomerSettings(profile="dev").kafka
    assert (kafka.security_protocol, kafka.sasl_mechanism, kafka.sasl_username) == (
        "SASL_SSL",
        "SCRAM-SHA-512",
        USER,
    )
    assert kafka.sasl_password is not None
    assert kafka.sasl_password.get_secret_value() == PASSWORD
    assert PASSWORD not in repr(kafka)
