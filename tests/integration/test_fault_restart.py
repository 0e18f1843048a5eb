"""Consumers after a broker restart, and consumers that stop advancing (issue 13), on a broker of its own.

The embedded broker keeps nothing across a restart: the consumed topics must exist again and
consumption go on. (The embedded broker lets clients' metadata requests auto-create a topic, with
its own default partition count; on a broker with auto-creation off, the service's consumer watch
creates them, with the configured partitions.) A consumer with records pending that does not
advance makes `/readyz?deep=1` fail, and its lag is a metric.
"""

from pathlib import Path
from typing import Any

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from services.customer.app import MIGRATIONS
from services.customer.app import create_app as create_customer
from services.customer.models import MESSAGING
from services.customer.settings import CustomerSettings
from shared.contracts import EVENT_TYPES
from shared.contracts.schema import example_payload
from shared.runtime import Runtime
from steward.embedded_broker import EmbeddedBroker, free_port
from tests.integration.fault_support import rows
from tests.support import envelope_bytes, eventually, make_settings, metric_value, produce, running

CONSUMED = ("staffing.managers", "risk.credit-decisions", "corebanking.balances", "corebanking.pnl")
INBOX = MESSAGING.inbox


def _registered(manager_id: str) -> bytes:
    payload = {**example_payload(EVENT_TYPES["manager.registered"]), "manager_id": manager_id}
    return envelope_bytes("manager.registered", manager_id, payload, producer="staffing")


async def _applied(database_url: str, event: bytes) -> bool:
    import json

    event_id = json.loads(event)["event_id"]
    return bool(await rows(database_url, INBOX.select().where(INBOX.c.event_id == event_id)))


async def _partitions(bootstrap: str, names: list[str]) -> dict[str, int] | None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=3_000)
    try:
        await admin.start()
        if not set(names) <= set(await admin.list_topics()):
            return None
        described = await admin.describe_topics(names)
        return {t["topic"]: len(t["partitions"]) for t in described}
    except Exception:
        return None
    finally:
        await admin.close()


@pytest.fixture
def broker(tmp_path: Path):
    running_broker = EmbeddedBroker("127.0.0.1", free_port(), log_file=tmp_path / "broker.log")
    running_broker.start()
    try:
        yield running_broker
    finally:
        running_broker.stop()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_after_a_broker_restart_consumed_topics_are_recreated_and_consumption_goes_on(
    database_url, broker, prefix
):
    settings = make_settings(
        CustomerSettings,
        database_url=database_url,
        bootstrap=broker.bootstrap_servers,
        idempotent=False,
        prefix=prefix,
        consumer_watch_seconds=0.5,
    )
    names = [f"{prefix}{t}" for t in CONSUMED]
    app = create_customer(settings)
    async with running(app, MIGRATIONS, wait_for_kafka=True, wait_for_partitions=True):
        broker.stop()
        broker.start()

        async def recreated() -> dict[str, int] | None:
            return await _partitions(broker.bootstrap_servers, names)

        found = await eventually(recreated, timeout=30, what="consumed topics there again")
        assert min(found.values()) >= settings.kafka.topic_partitions
        event = _registered("m-after-restart")
        await produce(broker.bootstrap_servers, f"{prefix}staffing.managers", event, key=b"m-after-restart")
        await eventually(lambda: _applied(database_url, event), timeout=60, what="an event after the restart")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_consumer_with_pending_records_that_does_not_advance_fails_deep_readiness(
    database_url, broker, prefix
):
    settings = make_settings(
        CustomerSettings,
        database_url=database_url,
        bootstrap=broker.bootstrap_servers,
        idempotent=False,
        prefix=prefix,
        consumer_watch_seconds=0.3,
        consumer_stall_seconds=1,
    )
    app = create_customer(settings)
    runtime: Runtime = app.state.runtime
    async with running(app, MIGRATIONS, wait_for_kafka=True, wait_for_partitions=True) as client:
        assert (await client.get("/readyz", params={"deep": 1})).status_code == 200
        group = f"{settings.group_prefix}.manager-projection"
        (projection,) = [s for s in runtime.broker.subscribers if getattr(s, "group_id", None) == group]
        consumer: Any = projection.consumer  # type: ignore[attr-defined]
        consumer.pause(*consumer.assignment())  # stuck, as a handler that never returns would be
        event = _registered("m-stuck")
        await produce(broker.bootstrap_servers, f"{prefix}staffing.managers", event, key=b"m-stuck")

        async def failing() -> dict[str, Any] | None:
            got = await client.get("/readyz", params={"deep": "1"})
            return got.json() if got.status_code == 503 else None

        body = await eventually(failing, timeout=20, what="deep readiness failing on the stuck consumer")
        assert body["consumers"]["ok"] is False
        assert "staffing.managers" in body["consumers"]["detail"]
        assert body["database"]["ok"]
        assert body["broker"]["ok"]
        assert (await client.get("/readyz")).status_code == 200  # the shallow check is about reachability
        metrics = (await client.get("/metrics")).text
        lag = sum(
            metric_value(metrics, "steward_consumer_lag", group=group, partition=str(p))
            for p in range(settings.kafka.topic_partitions)
        )
        assert lag == 1

        consumer.resume(*consumer.assignment())
        await eventually(lambda: _applied(database_url, event), timeout=30, what="the event once resumed")

        async def ready() -> bool:
            return (await client.get("/readyz", params={"deep": "1"})).status_code == 200

        await eventually(ready, timeout=20, what="deep readiness back to 200")
