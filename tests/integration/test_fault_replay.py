"""Faults: every consumed topic replayed from offset 0 into a running customer service changes nothing.

Real broker; PostgreSQL and SQLite. A second instance of the service, on the same database but
in new consumer groups, reads every topic from offset 0 while the first keeps running: each event
is a duplicate for the inbox (balances, idempotent by `as_of`, are applied again to no effect: ADR
0011), each poison message is already a dead letter, and no row, no outbox
message and no published event is added or changed.
"""

from sqlalchemy import select

from services.customer.app import create_app
from services.customer.models import MESSAGING, CustomerRow, ManagerProjectionRow, ProfitRow
from services.customer.settings import CustomerSettings
from tests.integration.fault_support import (
    balance,
    committed,
    count,
    customer_id,
    departure,
    metric_total,
    produce_many,
    rows,
    seed_customers,
)
from tests.support import envelope_bytes, eventually, make_settings, read_all, running

CUSTOMERS = 200
ROUNDS = (1, 0, 2)
MANAGERS = 4
POSTINGS = 50
INBOX = MESSAGING.inbox


def _profit(n: int) -> tuple[bytes, bytes]:
    cid = customer_id(n % CUSTOMERS)
    payload = {
        "posting_id": f"GL-{n:05d}",
        "customer_id": cid,
        "period": "2026-02",
        "product": "loan",
        "amount": f"{n}.10",
        "posted_on": "2026-02-28",
    }
    return cid.encode(), envelope_bytes("profit.posted", cid, payload, producer="corebanking")


def _registered(manager_id: str) -> tuple[bytes, bytes]:
    body = {
        "manager_id": manager_id,
        "employee_no": manager_id.upper(),
        "name": manager_id,
        "grade": "cm",
        "branch": "north",
        "status": "active",
        "certified_until": "2099-01-01",
    }
    return manager_id.encode(), envelope_bytes("manager.registered", manager_id, body, producer="staffing")


async def _snapshot(database_url: str) -> dict[str, object]:
    customers = CustomerRow.__table__
    return {
        "customers": await rows(database_url, select(customers).order_by(customers.c.id)),
        "managers": await rows(
            database_url, select(ManagerProjectionRow.__table__).order_by(ManagerProjectionRow.manager_id)
        ),
        "profit": await rows(database_url, select(ProfitRow.__table__).order_by(ProfitRow.posting_id)),
        "inbox": await count(database_url, INBOX),
        "outbox": await rows(database_url, select(MESSAGING.outbox).order_by(MESSAGING.outbox.c.id)),
        "dead_letters": await count(database_url, MESSAGING.dead_letters),
    }


async def test_replaying_every_topic_from_offset_0_into_a_running_service_changes_nothing(
    database_url, kafka, prefix
):
    settings = make_settings(
        CustomerSettings,
        database_url=database_url,
        bootstrap=kafka.bootstrap_servers,
        idempotent=kafka.idempotent,
        prefix=prefix,
    )
    await seed_customers(database_url, CUSTOMERS, managers=MANAGERS)
    managers = [f"m-{i:03d}" for i in range(MANAGERS)]
    bootstrap = kafka.bootstrap_servers
    topic = f"{prefix}corebanking.balances"
    async with running(create_app(settings), None, wait_for_kafka=True, wait_for_partitions=True):
        await produce_many(
            bootstrap,
            f"{prefix}staffing.managers",
            [*map(_registered, managers), *((m.encode(), departure(m)) for m in managers)],
        )
        balances = [
            (customer_id(i).encode(), balance(customer_id(i), r)) for r in ROUNDS for i in range(CUSTOMERS)
        ]
        await produce_many(bootstrap, topic, [*balances, (b"c-nobody", balance("c-nobody", 1))])
        await produce_many(bootstrap, f"{prefix}corebanking.pnl", map(_profit, range(POSTINGS)))
        await produce_many(bootstrap, topic, [(b"c-bad", b"not an envelope")])
        total = 2 * MANAGERS + POSTINGS  # balances write no inbox row (ADR 0011)
        everything = total + len(balances) + 2
        balances_group = f"{settings.group_prefix}.balances"

        async def settled() -> bool:
            return (
                await count(database_url, INBOX) == total
                and await committed(bootstrap, balances_group, topic) == len(balances) + 2
                and await count(database_url, MESSAGING.dead_letters) == 2
                and await count(database_url, MESSAGING.outbox, MESSAGING.outbox.c.published_at.is_(None))
                == 0
            )

        await eventually(settled, timeout=60, what="every event applied once")
        before = await _snapshot(database_url)
        published = len(await read_all(bootstrap, f"{prefix}customer.customers"))
        assert published == MANAGERS

        replay = settings.model_copy(update={"service_name": "customer-replay"})  # new consumer groups
        async with running(create_app(replay), None) as second:

            async def replayed() -> float:
                text = (await second.get("/metrics")).text
                seen = metric_total(text, "steward_events_consumed_total")
                return seen if seen >= everything else 0.0

            assert await eventually(replayed, timeout=60, what="the replay from offset 0") == everything
            text = (await second.get("/metrics")).text
            # Balances are applied again without an inbox (ADR 0011); the snapshot shows they change nothing.
            assert metric_total(text, "steward_events_consumed_total", outcome="applied") == len(balances)
            assert metric_total(text, "steward_events_consumed_total", outcome="duplicate") == total

        after = await _snapshot(database_url)
        assert after == before
        assert len(await read_all(bootstrap, f"{prefix}customer.customers")) == published
        assert len(await read_all(bootstrap, f"{topic}.dlq")) == 2
