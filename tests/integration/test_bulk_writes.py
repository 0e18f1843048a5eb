"""Bulk writes (`shared.bulk.write_rows`): COPY on PostgreSQL, chunked INSERTs on SQLite, in the unit of
work's own transaction, every value converted by its column's type exactly as an INSERT converts it.
"""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Column, MetaData, String, Table, select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from shared import bulk
from shared.tables import Hundredths, UtcDateTime, define_messaging_tables
from shared.uow import UnitOfWork

METADATA = MetaData()
TABLES = define_messaging_tables(METADATA)
LEDGER = Table(
    "ledger",
    METADATA,
    Column("id", String(16), primary_key=True),
    Column("amount", Hundredths()),
    Column("at", UtcDateTime()),
)


def _rows(n: int) -> list[dict[str, Any]]:
    at = datetime(2026, 12, 7, 8, 30, tzinfo=UTC)
    return [{"id": f"r{i}", "amount": Decimal(i) / 100, "at": at if i % 2 else None} for i in range(n)]


@pytest.mark.parametrize("copy_from", [1, 10_000])
async def test_bulk_rows_and_events_commit_with_the_unit_and_read_back_the_same(
    database_url, monkeypatch, copy_from
):
    monkeypatch.setattr(bulk, "COPY_FROM", copy_from)  # 1: COPY on PostgreSQL; 10,000: INSERTs
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(METADATA.create_all)
        factory = async_sessionmaker(engine, expire_on_commit=False)
        payloads = [(f"c-{i}", {"customer_id": f"c-{i}", "compliant": True, "issues": []}) for i in range(50)]
        async with UnitOfWork(factory, TABLES, "customer") as uow:  # rolled back: nothing stays
            await bulk.write_rows(uow.session, LEDGER, _rows(30))
        async with UnitOfWork(factory, TABLES, "customer") as uow:
            await bulk.write_rows(uow.session, LEDGER, _rows(30))
            uow.emit_many("customer.compliance-changed", "org-1", payloads)
            await uow.commit()
        async with factory() as session:
            got = [tuple(r) for r in await session.execute(select(LEDGER).order_by(LEDGER.c.amount))]
            outbox = (await session.execute(select(TABLES.outbox).order_by(TABLES.outbox.c.id))).all()
        assert got == [(r["id"], r["amount"], r["at"]) for r in _rows(30)]
        assert [r.key for r in outbox] == [k for k, _ in payloads]  # in order: the relay keeps it
        assert all(r.headers["event_type"] == "customer.compliance-changed" for r in outbox)
        assert all(r.published_at is None and r.attempts == 0 for r in outbox)
    finally:
        await engine.dispose()


def test_the_collector_is_paused_while_an_import_runs_and_restored_after():
    import gc

    assert gc.isenabled()
    with bulk.paused_gc():
        with bulk.paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer import is still running
    assert gc.isenabled()


async def test_R_C3_the_go_live_import_by_copy_is_the_same_import(
    database_url, other_database_url, tmp_path, monkeypatch
):
    """The whole go-live test with every bulk write (rows and events) by COPY, however few the rows."""
    if not database_url.startswith("postgresql"):
        pytest.skip("COPY is PostgreSQL's; SQLite's INSERT path is the go-live test itself")
    from tests.integration.test_book_import import test_a_cooperative_goes_live_from_its_spreadsheets

    monkeypatch.setattr(bulk, "COPY_FROM", 1)
    await test_a_cooperative_goes_live_from_its_spreadsheets(database_url, other_database_url, tmp_path)
