"""Customer value (R-C7) and the 80/20 view (R-M6)."""

from fastapi import APIRouter

from services.customer.access_log import AccessReads
from services.customer.api.deps import Reader
from services.customer.queries import value
from services.customer.schemas.value import ValueRead
from shared.app import UoW
from shared.pagination import Paged

router = APIRouter(tags=["value"])


@router.get("/value-review", response_model=list[ValueRead], summary="The 80/20 view (R-M6)")
async def value_review(uow: UoW, caller: Reader, page: Paged, reads: AccessReads) -> list[ValueRead]:
    """Customers ranked by value; the top fifth, whether a senior CM serves them, suggested importance."""
    shown = page.window(await value.value_review(uow, caller))
    reads.customers(caller, (v.customer_id for v in shown))
    return shown


@router.get("/customers/{customer_id}/value", response_model=ValueRead, summary="A customer's value (R-C7)")
async def customer_value(customer_id: str, uow: UoW, caller: Reader, reads: AccessReads) -> ValueRead:
    """Recomputed from balances, the last year's profit and its growth."""
    found = await value.customer_value(uow, customer_id, caller)
    reads.customers(caller, [customer_id])
    return found
