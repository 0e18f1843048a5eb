"""Issue 19: every event a batch raises keeps its own source event's actor and correlation id (in-process)."""

import json
import uuid
from pathlib import Path

from sqlalchemy import select

from shared.batch import BatchEventConsumer
from shared.consumer import Received
from shared.context import batch_context
from shared.envelope import SYSTEM_ACTOR, parse_envelope
from shared.runtime import Runtime
from tests.inprocess import serve_offline
from tests.support import envelope_bytes


def _rated(customer_id: str, user: str, correlation_id: str) -> bytes:
    payload = {"customer_id": customer_id, "rating": "D"}
    actor = {"kind": "user", "user_id": user, "roles": ["integration"]}
    return envelope_bytes("customer.rated", customer_id, payload, actor=actor, correlation_id=correlation_id)


async def test_R_I1_findings_raised_in_one_batch_name_each_source_events_actor_and_correlation(
    tmp_path: Path,
):
    async with serve_offline("audit", tmp_path / "audit.db") as audit:
        runtime: Runtime = audit.app.state.runtime
        (consumer,) = [c for c in runtime.consumers.values() if c.topic == "risk.customer-ratings"]
        assert isinstance(consumer, BatchEventConsumer)
        sources = {f"c-{n}": (f"risk-{n}", str(uuid.uuid4())) for n in range(3)}
        records = [
            Received(
                topic=runtime.settings.kafka.topic("risk.customer-ratings"),
                partition=0,
                offset=offset,
                key=customer_id.encode(),
                value=_rated(customer_id, user, correlation),
            )
            for offset, (customer_id, (user, correlation)) in enumerate(sources.items())
        ]
        await consumer.process_batch(records)
        outbox = runtime.definition.tables.outbox
        async with runtime.session_factory() as session:
            values = (
                await session.scalars(
                    select(outbox.c.value).where(outbox.c.event_type == "audit.finding-raised")
                )
            ).all()
        raised = [parse_envelope(v) for v in values]
        seen = {e.payload["customer_id"]: (e.actor.user_id, e.correlation_id) for e in raised}
        assert seen == sources
        causes = {json.loads(r.value)["event_id"] for r in records}
        assert {e.causation_id for e in raised} == causes


def test_a_batch_of_several_chains_is_not_attributed_to_its_first_event():
    first, second = (parse_envelope(_rated(f"c-{n}", f"risk-{n}", str(uuid.uuid4()))) for n in range(2))
    assert batch_context([first, first]).actor == first.actor
    mixed = batch_context([first, second])
    assert mixed.actor == SYSTEM_ACTOR
    assert mixed.correlation_id not in {first.correlation_id, second.correlation_id}
