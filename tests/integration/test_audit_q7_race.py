"""R-Q7 when a CM's expiry and a new assignment are consumed at the same time, on PostgreSQL.

The two events come on different topics and are handled in concurrent transactions. Whichever
commits first, the finding must be raised: neither may decide on a snapshot that misses the other.
"""

import asyncio
from typing import Any

import pytest
from sqlalchemy import select

from services.audit.app import MIGRATIONS
from services.audit.consumers import on_assignment
from services.audit.models import MESSAGING, FindingRow
from services.audit.service.compliance import (
    when_certification_expired_check_serving,
    when_registered_keep_manager,
)
from shared.contracts import contract_for
from shared.db import create_engine, create_session_factory
from shared.envelope import parse_envelope
from shared.uow import UnitOfWork
from tests.support import envelope_bytes
from tests.templates import migrate_async

REGISTERED = {
    "manager_id": "m-9",
    "employee_no": "E9",
    "name": "n",
    "grade": "cm",
    "branch": "b",
    "status": "active",
}
ASSIGNED = {
    "customer_id": "c-9",
    "primary_manager_id": "m-9",
    "attribution_mode": "shares",
    "effective_from": "2026-03-01T09:00:00+00:00",
}
EXPIRED = {"manager_id": "m-9", "expired_on": "2026-01-01"}


def _event(event_type: str, key: str, payload: dict[str, Any]) -> tuple[Any, Any]:
    envelope = parse_envelope(envelope_bytes(event_type, key, payload))
    return envelope, contract_for(event_type).payload.model_validate(payload)


@pytest.mark.parametrize("first", ["expiry", "assignment"])
async def test_R_Q7_is_raised_whichever_of_two_concurrent_transactions_commits_first(
    database_url: str, first: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time; the race needs concurrent transactions")
    await migrate_async(MIGRATIONS, database_url)
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)

    def uow() -> UnitOfWork:
        return UnitOfWork(sessions, MESSAGING, producer="audit")

    handlers = {
        "expiry": (
            when_certification_expired_check_serving,
            _event("manager.certification-expired", "m-9", EXPIRED),
        ),
        "assignment": (on_assignment, _event("customer.assignment-changed", "c-9", ASSIGNED)),
    }
    second = "assignment" if first == "expiry" else "expiry"
    try:
        async with uow() as setup:
            await when_registered_keep_manager(setup, *_event("manager.registered", "m-9", REGISTERED))
            await setup.commit()
        async with uow() as one:
            handler, (envelope, event) = handlers[first]
            await handler(one, envelope, event)
            handler, (envelope, event) = handlers[second]

            async def other() -> None:
                async with uow() as two:
                    await handler(two, envelope, event)
                    await two.commit()

            racing = asyncio.create_task(other())
            await asyncio.sleep(0.3)  # the other transaction is now as far as it can go
            await one.commit()
        await asyncio.wait_for(racing, timeout=10)
        async with sessions() as session:
            findings = (await session.scalars(select(FindingRow).where(FindingRow.rule_id == "R-Q7"))).all()
        assert [(f.manager_id, f.status) for f in findings] == [("m-9", "open")]
    finally:
        await engine.dispose()
