"""Posting ingest: what summing postings per customer and year at ingestion costs (next to benchmark 1).

Appraisal's batch handler for `profit.posted` (`record_posting_batch`) is called in-process, 500 postings
to a transaction, on two fresh PostgreSQL databases: once as it ships (postings and their year totals)
and once with the totals upsert left out (the handler before the roll-up). The rounds alternate, so a
drift of the machine weighs on both; the figure is postings per second and the ratio of the two.
"""

import statistics
import time
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any
from unittest import mock

from bench.common import ORG, pg_database, save, scale
from services.appraisal.app import MIGRATIONS
from services.appraisal.models import MESSAGING
from services.appraisal.service import totals
from services.appraisal.service.projections import record_posting_batch
from shared.contracts.corebanking import ProfitPosted
from shared.db import create_engine, create_session_factory
from shared.envelope import SYSTEM_ACTOR, Envelope, new_envelope
from shared.migrations import upgrade_async
from shared.uow import UnitOfWork

POSTINGS = scale(60_000, 6_000)
BATCH = 500
ROUNDS = 3


def _batches(round_: int) -> list[list[tuple[Envelope, ProfitPosted]]]:
    made: list[tuple[Envelope, ProfitPosted]] = []
    for i in range(POSTINGS // ROUNDS):
        event = ProfitPosted(
            customer_id=f"c-{i % 5_000:06d}",
            posting_id=f"p-{round_}-{i}",
            period="2026-03",
            product="loans" if i % 2 else "deposits",
            amount=Decimal(f"{i % 977}.{i % 100:02d}"),
            posted_on=date(2026, 3, 28),
        )
        envelope = new_envelope(
            event_type="profit.posted",
            schema_version=1,
            producer="corebanking",
            org_id=ORG,
            key=event.customer_id or "",
            payload=event,
            actor=SYSTEM_ACTOR,
        )
        made.append((envelope, event))
    return [made[i : i + BATCH] for i in range(0, len(made), BATCH)]


async def _ingest(factory: Any, batches: list[list[tuple[Envelope, ProfitPosted]]]) -> float:
    started = time.perf_counter()
    for batch in batches:
        async with UnitOfWork(factory, MESSAGING, "appraisal") as uow:
            await record_posting_batch(uow, batch)
            await uow.commit()
    return sum(len(b) for b in batches) / (time.perf_counter() - started)


async def _no_totals(uow: UnitOfWork, amounts: Mapping[Any, Decimal]) -> None:
    """The handler before the roll-up: postings only."""


async def main() -> dict[str, Any]:
    """Alternate the shipped handler and the one without totals, each on its own database."""
    rates: dict[str, list[float]] = {"with_totals": [], "postings_only": []}
    async with pg_database("ingest_totals") as with_url, pg_database("ingest_plain") as plain_url:
        engines = {"with_totals": create_engine(with_url), "postings_only": create_engine(plain_url)}
        try:
            for url in (with_url, plain_url):
                await upgrade_async(MIGRATIONS, url)
            for round_ in range(ROUNDS):
                batches = _batches(round_)
                for name, engine in engines.items():
                    factory = create_session_factory(engine)
                    if name == "with_totals":
                        rates[name].append(await _ingest(factory, batches))
                        continue
                    with mock.patch.object(totals, "add", _no_totals):
                        rates[name].append(await _ingest(factory, batches))
        finally:
            for engine in engines.values():
                await engine.dispose()
    with_totals = statistics.median(rates["with_totals"])
    plain = statistics.median(rates["postings_only"])
    return save(
        "posting_ingest",
        {
            "postings": POSTINGS,
            "batch": BATCH,
            "with_totals_per_s": [round(r) for r in rates["with_totals"]],
            "postings_only_per_s": [round(r) for r in rates["postings_only"]],
            "median_with_totals_per_s": round(with_totals),
            "median_postings_only_per_s": round(plain),
            "with_over_without": round(with_totals / plain, 2),
        },
    )
