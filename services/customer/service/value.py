"""Profit postings from core banking, kept for customer value (R-C7); the review is `queries/value.py`."""

from services.customer.domain.balances import unknown_number
from services.customer.models import ProfitRow
from services.customer.service.banking import by_external_id
from shared.consumer import Rejected
from shared.contracts.corebanking import ProfitPosted
from shared.envelope import Envelope
from shared.uow import UnitOfWork


async def record_profit(uow: UnitOfWork, envelope: Envelope, event: ProfitPosted) -> None:
    """Keep each posting once (by posting id), even for a customer not known yet.

    A posting naming the customer by core banking's number (v2) needs a file carrying that number:
    customer service owns the files, so an unknown number is refused (dead-lettered), not kept.
    """
    if await uow.session.get(ProfitRow, event.posting_id) is not None:
        return
    if event.customer_id is None:
        known = await by_external_id(uow, [(envelope, event)])
        customer_id = known.get((event.external_id or "", envelope.org_id))
        if customer_id is None:
            raise Rejected(
                f"profit posting {event.posting_id} {unknown_number(event.external_id, envelope.org_id)}"
            )
        event = event.resolved(customer_id)
    uow.session.add(
        ProfitRow(
            posting_id=event.posting_id,
            org_id=envelope.org_id,
            customer_id=event.customer_id,
            period=event.period,
            product=event.product,
            amount=event.amount,
            posted_on=event.posted_on,
        )
    )
