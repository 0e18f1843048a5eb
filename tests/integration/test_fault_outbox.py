"""An outbox that never jams (issue 13): oversized dead-letter copies and unpublishable rows, real broker.

The customer service runs in-process on the real broker, on SQLite and PostgreSQL. A 1.5 MB message
is dead-lettered and its `.dlq` copy is truncated with a reference to the original; a row that can
never be published is parked, counted, listed and replayable by an admin, and the relay moves on.
"""

import hashlib
from typing import Any

from aiokafka import AIOKafkaProducer

from services.customer.models import MESSAGING
from shared.envelope import MAX_MESSAGE_BYTES
from shared.runtime import Runtime
from tests.integration.conftest import Service
from tests.integration.fault_support import rows
from tests.rules.test_customer_assignment import _managers
from tests.rules.test_customer_credit import _customer
from tests.support import envelope_bytes, eventually, metric_value, read_all

OUTBOX = MESSAGING.outbox


async def _produce_big(bootstrap: str, topic: str, value: bytes) -> None:
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", enable_idempotence=False, max_request_size=4 * len(value)
    )
    await producer.start()
    try:
        await producer.send_and_wait(topic, value=value, key=b"k-big")
    finally:
        await producer.stop()


async def _drained(customer: Service) -> bool:
    pending = OUTBOX.select().where(OUTBOX.c.published_at.is_(None), OUTBOX.c.parked_at.is_(None))
    return not await rows(customer.settings.database_url, pending)


async def _registered(customer: Service, sup: dict[str, str]) -> dict[str, Any]:
    """A customer made through the API, and proof its event left the outbox."""
    made = await _customer(customer, sup)
    found = await customer.wait_events("customer.customers", "customer.registered")
    assert made["id"] in {e["payload"]["customer_id"] for e in found}
    return made


async def test_a_dead_letter_too_big_to_publish_is_truncated_with_a_reference_and_later_events_flow(
    customer,
):
    sup = await _managers(customer)
    big = envelope_bytes("balance.reported", "k-big", {"filler": "x" * 1_500_000}, producer="corebanking")
    await _produce_big(customer.bootstrap, f"{customer.prefix}corebanking.balances", big)

    async def lettered() -> list[Any]:
        return await rows(customer.settings.database_url, MESSAGING.dead_letters.select())

    (letter,) = await eventually(lettered, timeout=30, what="the oversized message dead-lettered")
    assert f"exceeds {MAX_MESSAGE_BYTES}" in letter.reason
    assert bytes(letter.value) == big  # the row keeps the whole original for a replay
    await _registered(customer, sup)
    await eventually(lambda: _drained(customer), timeout=30, what="the outbox drained")
    (copy,) = await read_all(customer.bootstrap, f"{customer.prefix}corebanking.balances.dlq", timeout=10)
    headers = {k: v.decode() for k, v in copy.headers}
    assert headers["dlq.truncated"] == "true"
    assert headers["dlq.original-size"] == str(len(big))
    assert headers["dlq.original-sha256"] == hashlib.sha256(big).hexdigest()
    assert "exceeds" in headers["dlq.reason"]
    assert len(copy.value) < MAX_MESSAGE_BYTES
    assert big.startswith(copy.value)


async def test_an_unpublishable_outbox_row_is_parked_counted_listed_and_replayable(customer):
    sup = await _managers(customer)
    admin = customer.as_("ops", "admin", "platform")  # raw bytes name no cooperative: the platform's
    runtime: Runtime = customer.client._transport.app.state.runtime  # type: ignore[attr-defined]
    async with runtime.uow() as uow:
        uow.emit_bytes(
            topic=f"{customer.prefix}customer.customers",
            key="k-huge",
            value=b"x" * (MAX_MESSAGE_BYTES + 1),
            headers={"event_type": "test.huge"},
        )
        await uow.commit()
    await _registered(customer, sup)  # published although an older row can never be

    async def parked() -> list[dict[str, Any]] | None:
        got = await customer.client.get("/admin/outbox", headers=admin)
        assert got.status_code == 200, got.text
        found: list[dict[str, Any]] = got.json()
        return found or None

    (row,) = await eventually(parked, timeout=30, what="the huge row parked")
    assert row["status"] == "parked"
    assert row["size"] == MAX_MESSAGE_BYTES + 1
    assert f"exceeds {MAX_MESSAGE_BYTES}" in row["parked_reason"]
    await eventually(lambda: _drained(customer), timeout=30, what="everything else published")

    async def counted() -> str | None:
        # The gauges are refreshed by the relay's next round.
        text = (await customer.client.get("/metrics")).text
        return text if metric_value(text, "steward_outbox_lag", service="customer") == 0 else None

    metrics = await eventually(counted, timeout=10, what="the lag gauge at zero")
    assert metric_value(metrics, "steward_outbox_parked", service="customer") == 1
    assert metric_value(metrics, "steward_outbox_parked_rows_total", service="customer") == 1

    assert (await customer.client.post("/admin/outbox/999999/replay", headers=admin)).status_code == 404
    cm = customer.as_("m-c", "cm")
    assert (await customer.client.post(f"/admin/outbox/{row['id']}/replay", headers=cm)).status_code == 403
    again = await customer.client.post(f"/admin/outbox/{row['id']}/replay", headers=admin)
    assert again.status_code == 200, again.text
    assert again.json() == {"id": row["id"], "status": "pending"}

    async def parked_again() -> list[dict[str, Any]] | None:
        found = await parked()
        return found if found and found[0]["parked_at"] != row["parked_at"] else None

    await eventually(parked_again, timeout=30, what="the replayed row parked again: still too big")
    published = OUTBOX.select().where(OUTBOX.c.published_at.is_not(None))
    assert not [r for r in await rows(customer.settings.database_url, published) if r.key == "k-huge"]
