"""Departures (R-I6): request, withdraw, and completion on audit's clearance only."""

import logging

from services.staffing.domain import departure
from services.staffing.domain.access import in_org
from services.staffing.models import ManagerRow
from services.staffing.queries.access import visible_manager
from services.staffing.queries.roster import read
from services.staffing.schemas.roster import DepartureRequest, DepartureWithdrawal, ManagerRead
from services.staffing.service.common import status_of
from shared.auth import Principal
from shared.contracts.audit import DepartureCleared
from shared.contracts.staffing import ManagerDeparted, ManagerDepartureRequested, ManagerDepartureWithdrawn
from shared.envelope import Envelope
from shared.timeutil import utcnow
from shared.uow import UnitOfWork

log = logging.getLogger(__name__)


async def request_departure(
    uow: UnitOfWork, manager_id: str, cmd: DepartureRequest, caller: Principal
) -> ManagerRead:
    """R-I6: put the CM in departure-pending and publish `manager.departure-requested`."""
    async with uow:
        row = await visible_manager(uow, manager_id, caller)
        asked = departure.when_requested(row.id, status_of(row), cmd.reason, cmd.intended_last_day, utcnow())
        row.status = asked.status.value
        row.departure_reason, row.intended_last_day = asked.reason, asked.intended_last_day
        row.departure_requested_at = asked.requested_at
        requested = uow.emit(
            "manager.departure-requested",
            key=row.id,
            org_id=row.org_id,
            payload=ManagerDepartureRequested(
                manager_id=row.id,
                requested_at=asked.requested_at,
                reason=asked.reason,
                intended_last_day=asked.intended_last_day,
            ),
        )
        row.departure_event_id = str(requested.event_id)
        await uow.commit()
        return read(row)


async def withdraw_departure(
    uow: UnitOfWork, manager_id: str, cmd: DepartureWithdrawal, caller: Principal
) -> ManagerRead:
    """R-I6: the CM stays; audit cancels its departure audit on `manager.departure-withdrawn`."""
    async with uow:
        row = await visible_manager(uow, manager_id, caller)
        withdrawn = departure.when_withdrawn(row.id, status_of(row), cmd.reason)
        row.status = withdrawn.status.value
        row.departure_reason = row.intended_last_day = row.departure_requested_at = None
        row.departure_event_id = None
        uow.emit(
            "manager.departure-withdrawn",
            key=row.id,
            org_id=row.org_id,
            payload=ManagerDepartureWithdrawn(manager_id=row.id, reason=withdrawn.reason),
        )
        await uow.commit()
        return read(row)


async def when_departure_cleared_complete_departure(
    uow: UnitOfWork, envelope: Envelope, event: DepartureCleared
) -> None:
    """R-I6: audit cleared every customer, so the CM is now departed; nothing else can do this."""
    departure.check_cleared_by_audit(envelope.producer)
    row = await uow.session.get(ManagerRow, event.manager_id)
    departure.check_known(event.manager_id, in_org(row.org_id if row else None, envelope.org_id))
    assert row is not None
    clearance = departure.Clearance(
        envelope.producer, event.departure_event_id, event.cleared_at, event.audit_id
    )
    departed = departure.when_cleared(row.id, status_of(row), row.departure_event_id, clearance)
    if departed is None:
        log.info("clearance %s of %s changed nothing", event.departure_event_id, row.id)
        return
    row.status = departed.status.value
    row.departed_at, row.departure_audit_id = departed.departed_at, departed.audit_id
    uow.emit(
        "manager.departed",
        key=row.id,
        org_id=row.org_id,
        payload=ManagerDeparted(
            manager_id=row.id, departed_at=departed.departed_at, audit_id=departed.audit_id
        ),
    )
