"""Property: no record can stop a consumer (issue 13). Every subscription of every service, real database.

Hypothesis throws arbitrary bytes, arbitrary JSON and envelopes with hostile fields (times that
overflow UTC, far-future facts, NUL characters, huge numbers, wrong types) at each consumer's
handling function, the one the broker subscriber calls. The broker adds nothing to this property:
the subscriber acknowledges whenever the function returns. Property: it always returns, and every
record is applied (inbox), dead-lettered with a reason, or of a type the consumer ignores.
"""

import asyncio
import contextlib
import itertools
import json
import uuid
from importlib import import_module
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from shared.batch import BatchEventConsumer
from shared.consumer import EventConsumer, Outcome, Received, Subscription, TransientFailure
from shared.contracts import EVENT_TYPES
from shared.contracts.schema import example_payload
from shared.db import create_engine, create_session_factory
from shared.envelope import EnvelopeError, parse_envelope
from shared.metrics import Metrics
from shared.tables import MessagingTables
from shared.uow import UnitOfWork
from steward.catalog import entry
from tests.support import ORG
from tests.templates import migrate_async

SERVICES = ("customer", "staffing", "appraisal", "audit")
OFFSETS = itertools.count()

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
nasty_times = st.sampled_from(
    [
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-12:00",
        "9999-12-31T23:59:59Z",
        "0001-01-01T00:00:00Z",
        "2026-03-01T00:00:00",
        "not a time",
    ]
) | st.datetimes(timezones=st.just(__import__("datetime").UTC)).map(lambda d: d.isoformat())
nasty_scalars = (
    json_values
    | nasty_times
    | st.sampled_from(["1e3", "+5", "\uff11\uff12", "\u0661\u0662", "1_000", "NaN", "\x00", "c-\x00", ""])
)


def _envelopes(subscription: Subscription) -> st.SearchStrategy[dict[str, Any]]:
    on_topic = sorted(t for t, c in EVENT_TYPES.items() if c.topic == subscription.topic)
    types = sorted(set(subscription.handlers) | set(on_topic)) or ["x.unknown"]

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        event_type = draw(st.sampled_from([*types, "x.unknown", "Bad Type"]))
        contract = EVENT_TYPES.get(event_type)
        payload: dict[str, Any] = example_payload(contract) if contract else {}
        for name in draw(st.lists(st.sampled_from(sorted(payload) or ["x"]), max_size=3)):
            payload[name] = draw(nasty_scalars)
        body: dict[str, Any] = {
            "event_id": str(draw(st.uuids())),
            "event_type": event_type,
            "schema_version": draw(st.sampled_from([1, 1, 1, 0, 2, 10**20])),
            "occurred_at": draw(st.sampled_from(["2026-06-01T00:00:00Z"]) | nasty_times),
            "producer": "fuzz",
            "org_id": draw(st.sampled_from([ORG, "\x00", "o" * 65])),
            "key": "k",
            "correlation_id": str(uuid.uuid4()),
            "actor": {"kind": "system", "user_id": "fuzz", "roles": []},
            "payload": payload,
        }
        for name in draw(st.lists(st.sampled_from(sorted(body)), max_size=2)):
            body[name] = draw(nasty_scalars)
        return body

    return build()


def _records(subscription: Subscription) -> st.SearchStrategy[list[bytes]]:
    one = (
        st.binary(max_size=64)
        | json_values.map(lambda v: json.dumps(v).encode())
        | _envelopes(subscription).map(lambda e: json.dumps(e).encode())
    )
    return st.lists(one, min_size=1, max_size=6)


def _ignorable(consumer: EventConsumer, raw: bytes) -> bool:
    """An envelope of a type the consumer neither handles nor journals: it is skipped, as designed."""
    try:
        envelope = parse_envelope(raw)
    except EnvelopeError:
        return False
    sub = consumer.subscription
    return envelope.event_type not in sub.handlers and sub.on_every is None


async def _accounted(sessions: Any, tables: MessagingTables, consumer_id: str, record: Received) -> bool:
    event_id = None
    with contextlib.suppress(Exception):  # not JSON, or no valid event id: only its position can match
        event_id = str(uuid.UUID(str(json.loads(record.value or b"")["event_id"])))
    inbox, letters = tables.inbox, tables.dead_letters
    async with sessions() as session:
        if event_id is not None:
            applied = await session.scalar(
                select(inbox.c.event_id).where(inbox.c.consumer == consumer_id, inbox.c.event_id == event_id)
            )
            if applied is not None:
                return True
        here = (letters.c.offset == record.offset) | (letters.c.event_id == (event_id or "-"))
        letter = await session.scalar(
            select(letters.c.reason).where(letters.c.consumer == consumer_id, here).limit(1)
        )
        return bool(letter)


def _holds_for(
    consumer: EventConsumer, runner: asyncio.Runner, sessions: Any, tables: MessagingTables, examples: int
) -> None:
    """Run the property against one consumer."""
    sub = consumer.subscription

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(values=_records(sub))
    def check(values: list[bytes]) -> None:
        records = [Received(sub.topic, 0, next(OFFSETS), b"k", v) for v in values]
        if isinstance(consumer, BatchEventConsumer):
            runner.run(consumer.process_batch(records))
        else:
            for record in records:
                runner.run(consumer.process(record))
        for record, raw in zip(records, values, strict=True):
            if _ignorable(consumer, raw):
                continue
            assert runner.run(_accounted(sessions, tables, consumer.consumer_id, record)), raw[:300]

    check()


@pytest.mark.parametrize("name", SERVICES)
def test_no_record_stops_any_consumer(name: str, database_url: str) -> None:
    item = entry(name)
    tables: MessagingTables = import_module(f"services.{name}.models").MESSAGING
    subscriptions = import_module(f"services.{name}.consumers").SUBSCRIPTIONS
    runner = asyncio.Runner()
    runner.run(migrate_async(item.migrations, database_url))
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    metrics = Metrics(name)
    examples = 12 if database_url.startswith("postgresql") else 20
    try:
        for sub in subscriptions:
            kind = BatchEventConsumer if sub.batched else EventConsumer
            consumer = kind(
                service=name,
                subscription=sub,
                uow_factory=lambda: UnitOfWork(sessions, tables, name),
                tables=tables,
                metrics=metrics,
                backoff_seconds=0.0,
                max_redeliveries=1,
            )

            _holds_for(consumer, runner, sessions, tables, examples)
    finally:
        runner.run(engine.dispose())
        runner.close()


async def test_a_transient_failure_that_persists_while_the_database_answers_is_dead_lettered(
    database_url: str,
) -> None:
    item = entry("customer")
    tables: MessagingTables = import_module("services.customer.models").MESSAGING
    await migrate_async(item.migrations, database_url)
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)

    async def always_unreachable(uow: UnitOfWork, envelope: Any, payload: Any) -> None:
        raise ConnectionError("a remote the handler needs never answers")

    sub = Subscription(name="x", topic="t", handlers={"manager.registered": always_unreachable})
    consumer = EventConsumer(
        service="customer",
        subscription=sub,
        uow_factory=lambda: UnitOfWork(sessions, tables, "customer"),
        tables=tables,
        metrics=Metrics("customer"),
        backoff_seconds=0.0,
        max_redeliveries=3,
    )
    contract = EVENT_TYPES["manager.registered"]
    value = json.dumps(
        {
            "event_id": str(uuid.uuid4()),
            "event_type": "manager.registered",
            "schema_version": 1,
            "occurred_at": "2026-06-01T00:00:00Z",
            "producer": "staffing",
            "org_id": ORG,
            "key": "m-1",
            "correlation_id": "c",
            "actor": {"kind": "system", "user_id": "s", "roles": []},
            "payload": example_payload(contract),
        }
    ).encode()
    record = Received("t", 0, 7, b"m-1", value)
    try:
        for _ in range(2):  # redelivered: still worth retrying
            with pytest.raises(TransientFailure):
                await consumer.process(record)
        assert await consumer.process(record) is Outcome.DEAD_LETTERED
        assert await _accounted(sessions, tables, consumer.consumer_id, record)
    finally:
        await engine.dispose()
