"""Spot checks as the API reads them (R-I5): one check, the list, and the draw reproduced."""

from sqlalchemy import select

from services.audit.domain import sampling
from services.audit.models import SpotCheckRow
from services.audit.schemas import Reproduction, SpotCheckItemRead, SpotCheckRead
from services.audit.service.scope import SCOPE
from shared.auth import Principal
from shared.errors import NotFound
from shared.pagination import Page
from shared.uow import UnitOfWork


def read(row: SpotCheckRow) -> SpotCheckRead:
    """A spot check with how it was drawn and its items."""
    return SpotCheckRead(
        id=row.id,
        kind=row.kind,
        population=row.population,
        strata=row.strata,
        seed=row.seed,
        sample_size=row.sample_size,
        population_size=len(row.population_ids),
        created_by=row.created_by,
        created_at=row.created_at,
        items=[SpotCheckItemRead.model_validate(i) for i in row.items],
    )


async def visible_check(uow: UnitOfWork, check_id: str, caller: Principal) -> SpotCheckRow:
    """A spot check drawn in the caller's cooperative and office scope, else 404."""
    row = await uow.session.get(SpotCheckRow, check_id)
    if (
        row is None
        or row.org_id != caller.org_id
        or not await SCOPE.covers_office(uow.session, caller, row.office_id)
    ):
        raise NotFound("audit.spot_check.not_found", check_id=check_id)
    return row


async def get(uow: UnitOfWork, check_id: str, caller: Principal) -> SpotCheckRead:
    """One spot check."""
    async with uow:
        return read(await visible_check(uow, check_id, caller))


async def list_checks(uow: UnitOfWork, caller: Principal, page: Page) -> list[SpotCheckRead]:
    """Spot checks of the cooperative, newest first."""
    async with uow:
        rows = await page.rows(
            uow.session,
            select(SpotCheckRow)
            .where(SpotCheckRow.org_id == caller.org_id, SCOPE.in_scope(caller, SpotCheckRow.office_id))
            .order_by(SpotCheckRow.created_at.desc(), SpotCheckRow.id),
        )
        return [read(r) for r in rows]


async def reproduce(uow: UnitOfWork, check_id: str, caller: Principal) -> Reproduction:
    """Draw again from the recorded population with the recorded seed."""
    async with uow:
        row = await visible_check(uow, check_id, caller)
        same, again = sampling.reproduction(
            row.population_ids, row.sample_size, row.seed, (i.subject_id for i in row.items)
        )
    return Reproduction(reproduced=same, sample=again)
