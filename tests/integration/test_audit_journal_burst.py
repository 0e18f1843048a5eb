"""The audit journal under a burst on three topics consumed concurrently from a real broker (both DBs)."""

import json

from tests.support import envelope_bytes, eventually


async def test_a_burst_on_three_topics_is_journaled_once_each_and_the_chain_holds(audit):
    from aiokafka import AIOKafkaProducer
    from sqlalchemy import func, select

    from services.audit.models import JournalRow
    from shared.db import create_engine, create_session_factory

    per_topic = 120
    bursts = {
        "staffing.expenses": [
            envelope_bytes(
                "expense.recorded",
                f"m-{i % 7}",
                {
                    "expense_id": f"e-{i}",
                    "manager_id": f"m-{i % 7}",
                    "category": "gifts",
                    "amount": "1.00",
                    "spent_on": "2026-01-02",
                },
            )
            for i in range(per_topic)
        ],
        "customer.customers": [
            envelope_bytes(
                "customer.assignment-changed",
                f"c-{i}",
                {
                    "customer_id": f"c-{i}",
                    "primary_manager_id": f"m-{i % 7}",
                    "attribution_mode": "shares",
                    "effective_from": "2026-03-01T09:00:00+00:00",
                },
            )
            for i in range(per_topic)
        ],
        "corebanking.balances": [
            envelope_bytes(
                "balance.reported",
                f"c-{i}",
                {
                    "customer_id": f"c-{i}",
                    "deposit": "1.00",
                    "loan": "0.00",
                    "overdue": "0.00",
                    "as_of": "2026-03-01T00:00:00+00:00",
                },
            )
            for i in range(per_topic)
        ],
    }
    producer = AIOKafkaProducer(bootstrap_servers=audit.bootstrap, acks="all", enable_idempotence=False)
    await producer.start()
    try:
        for topic, bodies in bursts.items():
            for body in bodies:
                key = json.loads(body)["key"].encode()
                await producer.send(f"{audit.prefix}{topic}", value=body, key=key)
        await producer.flush()
    finally:
        await producer.stop()
    auditor = audit.as_("aud-1", "auditor")
    total = per_topic * len(bursts)

    async def all_rows():
        check = (await audit.client.get("/journal/verification", headers=auditor)).json()
        return check if check["rows_checked"] >= total else None

    check = await eventually(all_rows, timeout=60, what=f"{total} journal rows")
    assert check == {"ok": True, "rows_checked": total, "first_broken_seq": None}
    engine = create_engine(audit.settings.database_url)
    try:
        async with create_session_factory(engine)() as session:
            distinct = await session.scalar(select(func.count(func.distinct(JournalRow.event_id))))
            seqs = list(await session.scalars(select(JournalRow.seq).order_by(JournalRow.seq)))
    finally:
        await engine.dispose()
    assert distinct == total
    assert seqs == list(range(1, total + 1))
