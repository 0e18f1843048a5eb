"""Kafka clients built from settings: one place where TLS, SASL and producer guarantees are set."""

import asyncio
import logging
import ssl
from collections.abc import Awaitable, Iterable
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from faststream.kafka import KafkaBroker
from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512

from shared.contracts import dlq_topic
from shared.settings import KafkaSettings

log = logging.getLogger(__name__)


def ssl_context(settings: KafkaSettings) -> ssl.SSLContext | None:
    """A TLS context when the protocol asks for one."""
    if settings.security_protocol not in ("SSL", "SASL_SSL"):
        return None
    ctx = ssl.create_default_context(cafile=settings.ssl_cafile)
    if settings.ssl_certfile:
        ctx.load_cert_chain(settings.ssl_certfile, settings.ssl_keyfile)
    return ctx


def connection_options(settings: KafkaSettings) -> dict[str, Any]:
    """The options every Kafka client of the suite is given: address, TLS and SASL."""
    options: dict[str, Any] = {
        "bootstrap_servers": settings.bootstrap_servers,
        "security_protocol": settings.security_protocol,
    }
    context = ssl_context(settings)
    if context is not None:
        options["ssl_context"] = context
    if settings.security_protocol.startswith("SASL"):
        assert settings.sasl_password is not None
        options["sasl_mechanism"] = settings.sasl_mechanism
        options["sasl_plain_username"] = settings.sasl_username
        options["sasl_plain_password"] = settings.sasl_password.get_secret_value()
    return options


# Room above `max_message_bytes` for a record's key, headers and batch framing (a `.dlq` copy's reason).
RECORD_OVERHEAD_BYTES = 65_536


def record_bytes(settings: KafkaSettings) -> int:
    """The largest record on the wire: producer request size, topic max.message.bytes, fetch size."""
    return settings.max_message_bytes + RECORD_OVERHEAD_BYTES


def producer_options(settings: KafkaSettings) -> dict[str, Any]:
    """Producer options: acks=all always; idempotence where the broker supports it."""
    return {
        **connection_options(settings),
        "acks": "all",
        "enable_idempotence": settings.idempotent_producer,
        # The relay hands over a whole batch before it awaits; lingering would only delay each batch.
        "linger_ms": 0,
        "request_timeout_ms": 15_000,
        "max_request_size": record_bytes(settings),
    }


def create_producer(settings: KafkaSettings, client_id: str) -> AIOKafkaProducer:
    """A raw producer for the outbox relay (not started)."""
    return AIOKafkaProducer(client_id=client_id, **producer_options(settings))


def create_broker(settings: KafkaSettings, client_id: str) -> KafkaBroker:
    """The FastStream broker a service's consumers run on (not started)."""
    options = connection_options(settings)
    security_protocol = options.pop("security_protocol")
    ssl_ctx = options.pop("ssl_context", None)
    return KafkaBroker(
        client_id=client_id,
        security=_faststream_security(settings, security_protocol, ssl_ctx),
        acks="all",
        enable_idempotence=settings.idempotent_producer,
        allow_auto_create_topics=False,
        request_timeout_ms=15_000,
        max_request_size=record_bytes(settings),
        graceful_timeout=10.0,
        logger=logging.getLogger(f"steward.{client_id}.broker"),
        bootstrap_servers=options["bootstrap_servers"],
    )


def _faststream_security(settings: KafkaSettings, protocol: str, ctx: ssl.SSLContext | None) -> Any:
    if protocol == "PLAINTEXT":
        return None
    if protocol == "SSL":
        return BaseSecurity(ssl_context=ctx)
    assert settings.sasl_username is not None
    assert settings.sasl_password is not None
    kinds = {"SCRAM-SHA-256": SASLScram256, "SCRAM-SHA-512": SASLScram512, "PLAIN": SASLPlaintext}
    kind = kinds[settings.sasl_mechanism or "SCRAM-SHA-512"]
    return kind(
        username=settings.sasl_username,
        password=settings.sasl_password.get_secret_value(),
        ssl_context=ctx,
        use_ssl=protocol == "SASL_SSL",
    )


def topics_with_dlq(topics: Iterable[str]) -> list[str]:
    """The given topics plus their dead-letter topics, sorted and without duplicates."""
    names = set(topics)
    names |= {dlq_topic(t) for t in names if not t.endswith(".dlq")}
    return sorted(names)


async def ensure_topics(settings: KafkaSettings, topics: Iterable[str], client_id: str) -> list[str]:
    """Create the missing topics with the configured partitions; return the ones created."""
    admin = AIOKafkaAdminClient(
        client_id=client_id, request_timeout_ms=10_000, **connection_options(settings)
    )
    try:  # closed even when it fails to start: a client that got as far as bootstrapping polls the broker
        await admin.start()
        existing = set(await admin.list_topics())
        missing = [t for t in topics if t not in existing]
        if not missing:
            return []
        limit = {"max.message.bytes": str(record_bytes(settings))}
        new = [
            NewTopic(t, settings.topic_partitions, settings.topic_replication, topic_configs=limit)
            for t in missing
        ]
        try:
            await admin.create_topics(new)
        except TopicAlreadyExistsError:
            log.info("topics created concurrently by another replica: %s", missing)
        return missing
    finally:
        await admin.close()


async def within(seconds: float, step: Awaitable[object], what: str) -> bool:
    """Await one shutdown step for at most `seconds`; False (logged) when it was cut short or failed."""
    try:
        async with asyncio.timeout(seconds):
            await step
        return True
    except TimeoutError:
        log.error("%s did not finish within %.1fs; cut short", what, seconds)
    except Exception as exc:
        log.warning("%s failed: %s: %s", what, type(exc).__name__, exc)
    return False


async def stop_producer(producer: AIOKafkaProducer, seconds: float) -> None:
    """Flush and close a producer within `seconds`; past that, drop what is unsent and close it anyway.

    aiokafka's `stop()` waits for every queued batch, and an idempotent producer retries a batch without
    end while its broker is gone: the outbox keeps those rows unpublished, so nothing is lost. Cut short,
    its sender and connections are closed; only `stop()`'s wait on the dropped batches is left, idle.
    """
    if await within(seconds, producer.stop(), "flushing the producer"):
        return
    sender = getattr(producer, "_sender", None)  # aiokafka has no public abort
    if sender is not None:
        await within(seconds, sender.close(), "ending the producer's sender")
    await within(seconds, producer.client.close(), "closing the producer's connections")


def end_fetches_quietly(consumer: object) -> None:
    """Let a started aiokafka consumer stop cleanly while its broker is unreachable.

    `Fetcher.close()` cancels each pending fetch and awaits it. A fetch cancelled during its retry
    back-off (where every fetch is while the broker is gone) raises CancelledError out of `close()`, so
    `consumer.stop()` ends before closing its client: its metadata, heartbeat and fetch tasks go on
    retrying the broker, and FastStream's `broker.stop()` cancels the other consumers' stops with it.
    Here a fetch cancelled because its fetcher is closing ends with "no records", as aiokafka's own
    fetch does when the cancel comes during the request.
    """
    fetcher = getattr(consumer, "_fetcher", None)
    proc = getattr(fetcher, "_proc_fetch_request", None)
    if proc is None or getattr(proc, "_steward_quiet", False):
        return

    async def proc_fetch_request(*args: object, **kwargs: object) -> object:
        try:
            return await proc(*args, **kwargs)
        except asyncio.CancelledError:
            if getattr(fetcher, "_closed", False):
                return False
            raise

    proc_fetch_request._steward_quiet = True  # type: ignore[attr-defined]
    fetcher._proc_fetch_request = proc_fetch_request  # type: ignore[union-attr]
