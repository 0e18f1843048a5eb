"""Appraisal service layer."""

from typing import Any

from sqlalchemy import select

from services.appraisal import domain
from services.appraisal.models import ObservedManagerRow
from services.appraisal.schemas import ObservedManagerRead
from shared.auth import Principal
from shared.contracts.staffing import ManagerRegistered
from shared.envelope import Envelope
from shared.uow import UnitOfWork


async def observe_manager(uow: UnitOfWork, envelope: Envelope, event: Any) -> None:
    """Keep each CM's standing from `staffing.managers` (who is to be appraised)."""
    row = await uow.session.get(ObservedManagerRow, event.manager_id)
    if row is None:
        row = ObservedManagerRow(
            manager_id=event.manager_id,
            org_id=envelope.org_id,
            name="",
            grade="",
            standing=domain.ManagerStanding.ON_POST.value,
            last_event_type="",
            events_seen=0,
            updated_at=envelope.occurred_at,
        )
        uow.session.add(row)
    if isinstance(event, ManagerRegistered):
        row.name, row.grade = event.name, event.grade
    row.standing = domain.standing_after(envelope.event_type, domain.ManagerStanding(row.standing)).value
    row.last_event_type = envelope.event_type
    row.events_seen += 1
    row.updated_at = envelope.occurred_at


async def list_observed(uow: UnitOfWork, caller: Principal) -> list[ObservedManagerRead]:
    """The CMs appraisal has seen, in the caller's cooperative."""
    async with uow:
        rows = await uow.session.scalars(
            select(ObservedManagerRow)
            .where(ObservedManagerRow.org_id == caller.org_id)
            .order_by(ObservedManagerRow.manager_id)
            .limit(1000)
        )
        return [ObservedManagerRead.model_validate(r) for r in rows]
