"""Faults: a burst of malformed, oversized and wrongly typed messages on every topic every service reads.

Each service runs in-process on the real broker (PostgreSQL and SQLite). On each of its
subscriptions three of each kind of bad message arrive, then a good one: every bad message ends in
the service's dead letters (and on `<topic>.dlq`) with its reason, and the good one is applied. The
wrongly typed event arrives three times with one event id: one dead letter per event id (issue 13).
"""

import json
from collections import Counter
from importlib import import_module
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import select

from services.customer.models import CustomerRow
from shared.consumer import Subscription
from shared.contracts import EVENT_TYPES
from shared.contracts.schema import example_payload
from shared.envelope import MAX_MESSAGE_BYTES
from tests.integration.conftest import Service, serve
from tests.integration.fault_support import rows
from tests.rules.test_customer_assignment import _managers
from tests.rules.test_customer_credit import _customer
from tests.support import envelope_bytes, eventually, read_all

EACH = 3  # bad messages of each kind per topic
LETTERS = 2 * EACH + 1  # the unparseable ones one per offset; the wrongly typed one once per event id
SERVICES = ("customer", "staffing", "appraisal", "audit")


def _wrongly_typed(subscription: Subscription) -> bytes:
    """A valid envelope whose payload has the wrong type in every field."""
    handled = sorted(subscription.handlers)
    on_topic = sorted(t for t, c in EVENT_TYPES.items() if c.topic == subscription.topic)
    event_type = (handled or on_topic)[0]
    fields = EVENT_TYPES[event_type].payload.model_json_schema()["properties"]
    return envelope_bytes(event_type, "k-bad", {name: {"wrong": [1, 2]} for name in fields})


def _oversized(subscription: Subscription) -> bytes:
    event_type = sorted(subscription.handlers or {"x.y": None})[0]
    return envelope_bytes(event_type, "k-big", {"filler": "x" * (MAX_MESSAGE_BYTES + 10)})


def _bad_messages(on_topic: list[Subscription]) -> list[bytes]:
    """One burst per topic; each subscription on it gets its own wrongly typed event (others ignore it)."""
    garbage = [b"\xff\x00 not json", b'{"event_id": 1}', b"[]"]
    wrong = [m for sub in on_topic for m in [_wrongly_typed(sub)] * EACH]
    return garbage[:EACH] + [_oversized(on_topic[0])] * EACH + wrong


async def _setup(name: str, service: Service) -> dict[str, Any]:
    """Objects the good messages refer to, made through the service's own API."""
    c = service.client
    if name == "customer":
        sup = await _managers(service)
        cust = await _customer(service, sup)
        rec = await c.post(
            f"/customers/{cust['id']}/credit-recommendations",
            headers=service.as_("m-c", "cm"),
            json={"product": "loans", "amount": "1000", "term_months": 12, "purpose": "p", "rationale": "r"},
        )
        assert rec.status_code == 201, rec.text
        return {"customer_id": cust["id"], "recommendation_id": rec.json()["id"]}
    if name == "staffing":
        hr = service.as_("hr-1", "hr")
        made = []
        for no in ("E801", "E802"):
            r = await c.post(
                "/managers",
                headers=hr,
                json={"employee_no": no, "name": "Poison Test", "grade": "cm", "branch": "north"},
            )
            assert r.status_code == 201, r.text
            made.append(r.json()["id"])
        r = await c.post(f"/managers/{made[0]}/departure", headers=hr, json={"reason": "moving"})
        assert r.status_code in (200, 201, 202), r.text
        return {"leaving": made[0], "staying": made[1]}
    return {}


GOOD_TYPES = {
    ("customer", "staffing.managers"): "manager.registered",
    ("customer", "risk.credit-decisions"): "credit-decision.made",
    ("customer", "corebanking.balances"): "balance.reported",
    ("customer", "corebanking.pnl"): "profit.posted",
    ("staffing", "audit.cases"): "audit.departure-cleared",
    ("staffing", "appraisal.results"): "appraisal.grade-proposed",
}


def _good(name: str, subscription: Subscription, made: dict[str, Any]) -> tuple[str, bytes]:
    """A message the subscription applies: its event id and bytes."""
    on_topic = sorted(t for t, c in EVENT_TYPES.items() if c.topic == subscription.topic)
    event_type = GOOD_TYPES.get((name, subscription.topic)) or (sorted(subscription.handlers) or on_topic)[0]
    payload = example_payload(EVENT_TYPES[event_type])
    producer = EVENT_TYPES[event_type].topic.split(".")[0]
    if "external_id" in payload:  # v2 examples name core banking's number, which no file here carries
        del payload["external_id"]
        payload["customer_id"] = made.get("customer_id", "c-3f9a1c2b7d10")
    if not made:
        pass
    elif event_type == "credit-decision.made":
        payload = {"recommendation_id": made["recommendation_id"], "decision": "declined", "reason": "no"}
    elif event_type == "audit.departure-cleared":
        payload.update(manager_id=made["leaving"], items_reviewed=0)
    elif event_type == "appraisal.grade-proposed":
        payload.update(manager_id=made["staying"], kind="keep", year=2026)
    value = envelope_bytes(event_type, "k-good", payload, producer=producer)
    return json.loads(value)["event_id"], value


async def _idempotent_applied(subscription: Subscription, database_url: str, made: dict[str, Any]) -> bool:
    """Whether the good message of an idempotent subscription took effect (balances: the customer's)."""
    assert subscription.topic == "corebanking.balances", subscription.topic
    table = CustomerRow.__table__
    found = await rows(database_url, select(table.c.balances_as_of).where(table.c.id == made["customer_id"]))
    return bool(found) and found[0].balances_as_of is not None


async def _send(bootstrap: str, topic: str, values: list[bytes]) -> None:
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        acks="all",
        enable_idempotence=False,
        max_request_size=2 * MAX_MESSAGE_BYTES,
    )
    await producer.start()
    try:
        for value in values:  # one key: the good message comes after every bad one
            await producer.send_and_wait(topic, value=value, key=b"k-poison")
    finally:
        await producer.stop()


@pytest.mark.parametrize("name", SERVICES)
async def test_poison_bursts_on_every_topic_are_dead_lettered_and_good_messages_still_apply(
    name, database_url, kafka, prefix
):
    async with serve(name, database_url, kafka, prefix) as service:
        made = await _setup(name, service)
        subscriptions: tuple[Subscription, ...] = import_module(f"services.{name}.consumers").SUBSCRIPTIONS
        good: dict[str, str] = {}
        idempotent = []
        # one burst per topic: the subscriptions sharing one (audit's logins and offices) all read it
        topics: dict[str, list[Subscription]] = {}
        for sub in subscriptions:
            topics.setdefault(sub.topic, []).append(sub)
        for topic, on_topic in topics.items():
            values = _bad_messages(on_topic)
            for sub in on_topic:
                event_id, value = _good(name, sub, made)
                if sub.idempotent:  # no inbox row (ADR 0011): its effect shows it applied
                    idempotent.append(sub)
                else:
                    good[f"{name}.{sub.name}"] = event_id
                values.append(value)
            await _send(kafka.bootstrap_servers, f"{prefix}{topic}", values)

        tables = import_module(f"services.{name}.models").MESSAGING
        inbox, letters = tables.inbox, tables.dead_letters

        async def all_handled() -> list[Any] | None:
            found = await rows(database_url, inbox.select().where(inbox.c.event_id.in_(good.values())))
            applied = {(r.consumer, r.event_id) for r in found} & set(good.items())
            dead = await rows(database_url, letters.select())
            done = len(applied) == len(good) and len(dead) >= LETTERS * len(subscriptions)
            for sub in idempotent:
                done = done and await _idempotent_applied(sub, database_url, made)
            return dead if done else None

        dead = await eventually(all_handled, timeout=60, what=f"every {name} topic past its poison")
        outbox = tables.outbox

        async def relayed() -> bool:
            # A dead letter reaches `<topic>.dlq` through the outbox relay, after its commit.
            return not await rows(database_url, outbox.select().where(outbox.c.published_at.is_(None)))

        await eventually(relayed, timeout=30, what="every dead letter relayed before the service stops")

    assert Counter(d.consumer for d in dead) == {f"{name}.{s.name}": LETTERS for s in subscriptions}
    for sub in subscriptions:
        reasons = [d.reason for d in dead if d.consumer == f"{name}.{sub.name}"]
        assert sum(r.startswith("invalid envelope") for r in reasons) == EACH, reasons
        assert sum(f"exceeds {MAX_MESSAGE_BYTES}" in r for r in reasons) == EACH, reasons
        assert sum(" payload" in r and "invalid" in r for r in reasons) == 1, reasons
        dlq = await read_all(kafka.bootstrap_servers, f"{prefix}{sub.topic}.dlq", timeout=10)
        assert len(dlq) == LETTERS * len(topics[sub.topic]), sub.topic  # every subscription's letters
        assert all(dict(r.headers)["dlq.reason"] for r in dlq)
