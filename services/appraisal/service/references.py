"""Core banking's customer numbers in v2 postings, learned from `customer.registered` and `.identified`."""

from sqlalchemy import update

from services.appraisal.domain.ledger import held_as
from services.appraisal.models import PostingRow
from services.appraisal.models.base import CUSTOMER_REFS
from services.appraisal.service import totals
from shared.contracts.corebanking import ProfitPosted
from shared.contracts.customer import CustomerIdentified, CustomerRegistered
from shared.customer_refs import learn, resolve
from shared.envelope import Envelope
from shared.uow import UnitOfWork


async def record_reference(
    uow: UnitOfWork, envelope: Envelope, event: CustomerRegistered | CustomerIdentified
) -> None:
    """Learn the customer's number; postings held under it now count for the customer (R-A2)."""
    await learn(uow.session, CUSTOMER_REFS, envelope.org_id, event)
    if event.external_id is not None:
        held = held_as(event.external_id)
        moved = await uow.session.execute(
            update(PostingRow)
            .where(PostingRow.org_id == envelope.org_id, PostingRow.customer_id == held)
            .values(customer_id=event.customer_id)
        )
        if moved.rowcount:  # type: ignore[attr-defined]
            await totals.refresh(uow, envelope.org_id, [held, event.customer_id])


async def named(uow: UnitOfWork, envelope: Envelope, event: ProfitPosted) -> ProfitPosted:
    """The posting naming Steward's customer id: resolved, or held under its number until it is known."""
    if event.customer_id is not None or event.external_id is None:
        return event
    customer_id = await resolve(uow.session, CUSTOMER_REFS, envelope.org_id, event.external_id)
    return event.resolved(customer_id or held_as(event.external_id))
