"""Who serves which customer, projected from customer service's `customer.customers` (R-P2 expenses)."""

from services.staffing.models import ServedCustomerRow
from shared.contracts.customer import CustomerAssignmentChanged, CustomerRegistered
from shared.envelope import Envelope
from shared.uow import UnitOfWork


async def record_registered(uow: UnitOfWork, envelope: Envelope, event: CustomerRegistered) -> None:
    """A new customer and the CMs serving it."""
    await _serve(uow, envelope, event.customer_id, [event.primary_manager_id, *event.co_manager_ids])


async def record_assignment(uow: UnitOfWork, envelope: Envelope, event: CustomerAssignmentChanged) -> None:
    """The CMs serving the customer from now on (one key per customer keeps these in order)."""
    await _serve(uow, envelope, event.customer_id, [event.primary_manager_id, *event.co_manager_ids])


async def _serve(uow: UnitOfWork, envelope: Envelope, customer_id: str, managers: list[str]) -> None:
    row = await uow.session.get(ServedCustomerRow, (envelope.org_id, customer_id))
    if row is None:
        row = ServedCustomerRow(org_id=envelope.org_id, customer_id=customer_id)
        uow.session.add(row)
    row.manager_ids = sorted(set(managers))
    row.changed_at = envelope.occurred_at


async def serves(uow: UnitOfWork, org_id: str, customer_id: str, manager_id: str) -> bool:
    """Whether the CM serves the customer of that cooperative, as far as staffing has heard."""
    row = await uow.session.get(ServedCustomerRow, (org_id, customer_id))
    return row is not None and manager_id in row.manager_ids
