"""Balances from core banking (R-C5): the latest as-of wins; late and repeated messages change nothing."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, or_, select, update

from services.customer.models import CustomerRow
from shared.contracts.corebanking import BalanceReported
from shared.envelope import Envelope
from shared.errors import NotFound
from shared.timeutil import as_utc
from shared.uow import UnitOfWork

CUSTOMERS = cast(Table, CustomerRow.__table__)
_NEWER = update(CUSTOMERS).where(
    CUSTOMERS.c.id == bindparam("customer_id"),
    or_(CUSTOMERS.c.balances_as_of.is_(None), CUSTOMERS.c.balances_as_of < bindparam("as_of")),
)
# One UPDATE per customer, sent as one executemany; the version bump keeps optimistic locking honest.
_SET_BALANCES = _NEWER.values(
    deposit_balance=bindparam("deposit"),
    loan_balance=bindparam("loan"),
    overdue_balance=bindparam("overdue"),
    balances_as_of=bindparam("as_of"),
    row_version=CUSTOMERS.c.row_version + 1,
)


async def record_balances(uow: UnitOfWork, envelope: Envelope, event: BalanceReported) -> None:
    """Update the roster's deposit, loan and overdue balances if this report is newer than the last."""
    refused = await record_balance_batch(uow, [(envelope, event)])
    if refused:
        raise NotFound(refused[0])


async def record_balance_batch(
    uow: UnitOfWork, reports: Sequence[tuple[Envelope, BalanceReported]]
) -> dict[int, str]:
    """Apply many reports at once: per customer only the newest as-of counts; unknown customers refused."""
    ids = {event.customer_id for _, event in reports}
    known: dict[str, tuple[str, datetime | None]] = {
        row.id: (row.org_id, as_utc(row.balances_as_of) if row.balances_as_of else None)
        for row in await uow.session.execute(
            select(CUSTOMERS.c.id, CUSTOMERS.c.org_id, CUSTOMERS.c.balances_as_of).where(
                CUSTOMERS.c.id.in_(ids)
            )
        )
    }
    refused: dict[int, str] = {}
    newest: dict[str, BalanceReported] = {}
    for index, (envelope, event) in enumerate(reports):
        found = known.get(event.customer_id)
        if found is None or found[0] != envelope.org_id:
            refused[index] = f"balances for unknown customer {event.customer_id}"
            continue
        current = newest.get(event.customer_id)
        floor = current.as_of if current is not None else found[1]
        if floor is None or event.as_of > floor:
            newest[event.customer_id] = event
    if newest:
        await uow.session.execute(_SET_BALANCES, [_values(event) for event in newest.values()])
    return refused


def _values(event: BalanceReported) -> dict[str, Any]:
    return {
        "customer_id": event.customer_id,
        "deposit": event.deposit,
        "loan": event.loan,
        "overdue": event.overdue,
        "as_of": event.as_of,
    }
