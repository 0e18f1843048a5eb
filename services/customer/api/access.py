"""Who read which customer (issue 16): the record auditors query."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import AwareDatetime, BaseModel
from sqlalchemy import select

from services.customer.models import ACCESS_LOG
from shared.app import UoW
from shared.auth import Principal, Role, require_roles
from shared.pagination import Paged

router = APIRouter(tags=["access log"])
Auditor = Annotated[Principal, Depends(require_roles(Role.AUDITOR, Role.ADMIN))]


class AccessRead(BaseModel):
    """One read of one customer's data."""

    at: datetime
    user_id: str
    roles: list[str]
    customer_id: str
    endpoint: str
    rows: int | None


@router.get("/access-log", response_model=list[AccessRead], summary="Who read which customer")
async def access_log(
    uow: UoW,
    caller: Auditor,
    page: Paged,
    customer_id: Annotated[str | None, Query(max_length=64)] = None,
    user: Annotated[str | None, Query(max_length=128)] = None,
    from_: Annotated[AwareDatetime | None, Query(alias="from")] = None,
    to: Annotated[AwareDatetime | None, Query()] = None,
) -> list[AccessRead]:
    """Reads of the caller's cooperative's customers, newest first; `from` inclusive, `to` exclusive.

    Reads are written every few seconds (ACCESS_LOG_FLUSH_SECONDS), so the last ones may not show yet.
    """
    t = ACCESS_LOG
    query = select(t).where(t.c.org_id == caller.org_id).order_by(t.c.at.desc(), t.c.id.desc())
    if customer_id is not None:
        query = query.where(t.c.customer_id == customer_id)
    if user is not None:
        query = query.where(t.c.user_id == user)
    if from_ is not None:
        query = query.where(t.c.at >= from_)
    if to is not None:
        query = query.where(t.c.at < to)
    async with uow:
        rows = await page.records(uow.session, query)
    return [
        AccessRead(
            at=r.at,
            user_id=r.user_id,
            roles=[x for x in r.roles.split(",") if x],
            customer_id=r.customer_id,
            endpoint=r.endpoint,
            rows=r.rows,
        )
        for r in rows
    ]
