"""A real SASL/SCRAM handshake: the suite's own Kafka clients against a Kafka that demands SCRAM-SHA-512.

Needs a Docker engine (testcontainers); skipped cleanly where none answers. TLS itself is proved by
configuration in tests/unit/test_kafka_security.py: a broker keystore is not worth building here.
"""

import asyncio
import time
import uuid
from collections.abc import Iterator

import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.errors import KafkaError

from shared.kafka import connection_options, create_producer, ensure_topics
from shared.settings import KafkaSettings
from tests.conftest import docker_available

USER, PASSWORD = "steward", "scram-secret-0123456789"
JAAS = b"KafkaServer {\n  org.apache.kafka.common.security.scram.ScramLoginModule required;\n};\n"


@pytest.fixture(scope="module")
def scram_kafka() -> Iterator[str]:
    """A KRaft Kafka whose client listener is SASL_PLAINTEXT with SCRAM-SHA-512 and one user."""
    if not docker_available():
        pytest.skip("no Docker engine reachable: the SASL/SCRAM container test needs testcontainers")
    from testcontainers.kafka import KafkaContainer

    class ScramKafka(KafkaContainer):  # type: ignore[misc]
        def tc_start(self) -> None:
            self.create_file(JAAS, "/etc/kafka/kafka_server_jaas.conf")
            super().tc_start()

    container = (
        ScramKafka(listener_name="SASL", security_protocol="SASL_PLAINTEXT")
        .with_kraft()
        .with_env("KAFKA_SASL_ENABLED_MECHANISMS", "SCRAM-SHA-512")
        .with_env("KAFKA_OPTS", "-Djava.security.auth.login.config=/etc/kafka/kafka_server_jaas.conf")
    )
    with container:
        add_user = (
            "kafka-configs --bootstrap-server localhost:9092 --alter --entity-type users "
            f"--entity-name {USER} --add-config 'SCRAM-SHA-512=[iterations=8192,password={PASSWORD}]'"
        )
        deadline = time.monotonic() + 60
        while True:
            code, output = container.exec(["bash", "-c", add_user])
            if code == 0:
                break
            if time.monotonic() > deadline:
                raise AssertionError(f"could not add the SCRAM user: {output!r}")
            time.sleep(1)
        yield container.get_bootstrap_server()


def _settings(bootstrap: str, password: str) -> KafkaSettings:
    return KafkaSettings(
        bootstrap_servers=bootstrap,
        security_protocol="SASL_PLAINTEXT",
        sasl_mechanism="SCRAM-SHA-512",
        sasl_username=USER,
        sasl_password=password,
        topic_partitions=1,
    )


async def test_the_suites_clients_authenticate_with_scram_and_a_wrong_password_is_refused(scram_kafka):
    kafka = _settings(scram_kafka, PASSWORD)
    topic = f"scram-{uuid.uuid4().hex[:8]}"
    deadline = time.monotonic() + 60  # the new credential reaches the broker asynchronously
    while True:
        try:
            await ensure_topics(kafka, [topic], client_id="scram-admin")
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(1)

    producer = create_producer(kafka, client_id="scram-relay")
    await producer.start()
    try:
        await producer.send_and_wait(topic, value=b"over scram", key=b"k")
    finally:
        await producer.stop()

    consumer = AIOKafkaConsumer(
        topic, auto_offset_reset="earliest", group_id="scram-test", **connection_options(kafka)
    )
    await consumer.start()
    try:
        record = await asyncio.wait_for(consumer.getone(), timeout=30)
        assert record.value == b"over scram"
    finally:
        await consumer.stop()

    wrong = _settings(scram_kafka, "not-the-password-0123456789")
    with pytest.raises((KafkaError, TimeoutError)):
        await asyncio.wait_for(ensure_topics(wrong, [f"{topic}-x"], client_id="scram-wrong"), timeout=30)
