"""Balances from core banking (R-C5): the latest as-of wins; late and repeated messages change nothing."""

from services.customer.models import CustomerRow
from shared.contracts.corebanking import BalanceReported
from shared.envelope import Envelope
from shared.errors import NotFound
from shared.timeutil import as_utc
from shared.uow import UnitOfWork


async def record_balances(uow: UnitOfWork, envelope: Envelope, event: BalanceReported) -> None:
    """Update the roster's deposit, loan and overdue balances if this report is newer than the last."""
    row = await uow.session.get(CustomerRow, event.customer_id)
    if row is None or row.org_id != envelope.org_id:
        raise NotFound(f"balances for unknown customer {event.customer_id}")
    if row.balances_as_of is not None and as_utc(row.balances_as_of) >= event.as_of:
        return
    row.deposit_balance, row.loan_balance, row.overdue_balance = event.deposit, event.loan, event.overdue
    row.balances_as_of = event.as_of
