"""Faults: SIGKILL in the middle of a 50,000-message core-banking ingest; a replay from offset 0.

Real broker; PostgreSQL and SQLite. The customer service runs as its own process, is killed with
SIGKILL while it ingests `corebanking.balances`, and is started again: the final state must equal
the expected state exactly, and what it published meanwhile must carry each effect once.
"""

import asyncio
import json
import signal
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from services.customer.app import create_app
from services.customer.models import MESSAGING, CustomerRow
from services.customer.settings import CustomerSettings
from shared.kafka import ensure_topics, topics_with_dlq
from steward.embedded_broker import free_port
from tests.integration.fault_support import (
    BALANCES_FROM,
    balance,
    committed,
    count,
    customer_id,
    departure,
    envelopes,
    produce_many,
    rows,
    seed_customers,
)
from tests.support import eventually, make_settings, read_all, running, service_env, spawn_uvicorn

CUSTOMERS = 5_000
ORDER = (3, 0, 7, 1, 9, 4, 2, 8, 5, 6)  # the rounds in the order core banking sends them; 9 is newest
MESSAGES = CUSTOMERS * len(ORDER)  # 50,000
UNKNOWN = 5
MANAGERS = 20
INBOX = MESSAGING.inbox


def _settings(database_url, kafka, prefix) -> CustomerSettings:
    return make_settings(
        CustomerSettings,
        database_url=database_url,
        bootstrap=kafka.bootstrap_servers,
        idempotent=kafka.idempotent,
        prefix=prefix,
    )


async def _topics(settings: CustomerSettings) -> None:
    logical = ("corebanking.balances", "staffing.managers", "customer.customers")
    await ensure_topics(
        settings.kafka, topics_with_dlq(settings.kafka.topic(t) for t in logical), client_id="fault-test"
    )


def _balances():
    for position, round_ in enumerate(ORDER):
        for i in range(CUSTOMERS):
            yield customer_id(i).encode(), balance(customer_id(i), round_)
        if position == 4:  # unknown customers, in the middle of the stream
            for u in range(UNKNOWN):
                yield f"c-unknown-{u}".encode(), balance(f"c-unknown-{u}", 1)


def _departures(managers):
    return [(m.encode(), departure(m)) for m in managers]


async def _consumed(database_url: str, consumer: str) -> int:
    return await count(database_url, INBOX, INBOX.c.consumer == consumer)


async def _balances_consumed(settings: CustomerSettings) -> int:
    """Balances write no inbox row (ADR 0011): their progress is the group's committed offsets."""
    group = f"{settings.group_prefix}.balances"
    return await committed(
        settings.kafka.bootstrap_servers, group, settings.kafka.topic("corebanking.balances")
    )


async def test_a_kill_9_mid_ingest_then_a_restart_leaves_exactly_the_expected_state(
    database_url, kafka, prefix, tmp_path: Path
):
    settings = _settings(database_url, kafka, prefix)
    await seed_customers(database_url, CUSTOMERS, managers=MANAGERS)
    await _topics(settings)
    bootstrap = kafka.bootstrap_servers
    managers = [f"m-{i:03d}" for i in range(MANAGERS)]
    await produce_many(bootstrap, f"{prefix}staffing.managers", _departures(managers[:10]))
    assert await produce_many(bootstrap, f"{prefix}corebanking.balances", _balances()) == MESSAGES + UNKNOWN

    port = free_port()
    log = tmp_path / "customer.log"
    process = spawn_uvicorn(
        "services.customer.app:app", port, service_env("STEWARD_CUSTOMER_", settings), log
    )
    try:

        async def started() -> bool:
            return await _balances_consumed(settings) >= MESSAGES // 5

        await eventually(started, timeout=90, what="a fifth of the balances ingested")
        await produce_many(bootstrap, f"{prefix}staffing.managers", _departures(managers[10:]))

        async def midway() -> bool:
            return await _balances_consumed(settings) >= MESSAGES * 2 // 5

        await eventually(midway, timeout=60, what="two fifths of the balances ingested")
    finally:
        process.send_signal(signal.SIGKILL)
        await asyncio.to_thread(process.wait, 10)
    at_kill = await _balances_consumed(settings)
    assert 0 < at_kill < MESSAGES, log.read_text()[-2000:]

    async with running(create_app(settings), None):

        async def finished() -> bool:
            return (
                await _balances_consumed(settings) == MESSAGES + UNKNOWN
                and await _consumed(database_url, "customer.manager-projection") == MANAGERS
                and await count(database_url, MESSAGING.dead_letters) == UNKNOWN
            )

        await eventually(finished, timeout=120, what="every message applied after the restart")

        async def all_published() -> list:
            found = envelopes(await read_all(bootstrap, f"{prefix}customer.customers"))
            portfolios = [e for e in found if e["event_type"] == "manager.portfolio-published"]
            return portfolios if len({p["payload"]["manager_id"] for p in portfolios}) == MANAGERS else []

        portfolios = await eventually(all_published, timeout=30, what="a portfolio per departure")

        async def relayed_letters() -> list:
            # Dead letters reach `.dlq` through the outbox relay, maybe after the portfolios.
            found = await read_all(bootstrap, f"{prefix}corebanking.balances.dlq")
            return found if len(found) >= UNKNOWN else []

        dlq = await eventually(relayed_letters, timeout=30, what="every dead letter on the .dlq topic")

    newest = max(ORDER)
    table = CustomerRow.__table__
    stored = await rows(
        database_url,
        select(
            table.c.id,
            table.c.deposit_balance,
            table.c.loan_balance,
            table.c.overdue_balance,
            table.c.balances_as_of,
        ).order_by(table.c.id),
    )
    expected = (
        Decimal(f"{1000 + newest}.{newest:02d}"),
        Decimal(f"{newest * 10}.50"),
        Decimal("0.00") if newest % 2 else Decimal("7.25"),
    )
    assert len(stored) == CUSTOMERS
    wrong = [
        r for r in stored if (r[1], r[2], r[3]) != expected or r[4] != BALANCES_FROM + timedelta(hours=newest)
    ]
    assert wrong == [], f"{len(wrong)} customers differ, e.g. {wrong[:3]}"

    # Downstream: one portfolio effect per departure. A redelivery may repeat a message, but only
    # with the same event id, which every consumer's inbox skips; a second event id would be a
    # second effect.
    ids_per_departure: dict[str, set[str]] = defaultdict(set)
    for event in portfolios:
        ids_per_departure[event["payload"]["departure_event_id"]].add(event["event_id"])
    assert len(ids_per_departure) == MANAGERS
    assert all(len(ids) == 1 for ids in ids_per_departure.values()), ids_per_departure
    assert {len(p["payload"]["customers"]) for p in portfolios} == {CUSTOMERS // MANAGERS}
    letters = {(dict(r.headers)["dlq.partition"], dict(r.headers)["dlq.offset"]) for r in dlq}
    assert len(letters) == UNKNOWN
    assert {json.loads(r.value)["payload"]["customer_id"] for r in dlq} == {
        f"c-unknown-{u}" for u in range(UNKNOWN)
    }
