"""Departures (R-I6): request, withdraw, and completion on audit's clearance only."""

import logging

from services.staffing.domain import departure
from services.staffing.models import ManagerRow
from services.staffing.schemas.roster import DepartureRequest, DepartureWithdrawal, ManagerRead
from services.staffing.service.common import status_of, today, visible_manager
from services.staffing.service.roster import read
from shared.auth import Principal
from shared.contracts.audit import DepartureCleared
from shared.contracts.staffing import ManagerDeparted, ManagerDepartureRequested, ManagerDepartureWithdrawn
from shared.envelope import Envelope
from shared.errors import Forbidden, NotFound
from shared.timeutil import utcnow
from shared.uow import UnitOfWork

log = logging.getLogger(__name__)


async def request_departure(
    uow: UnitOfWork, manager_id: str, cmd: DepartureRequest, caller: Principal
) -> ManagerRead:
    """R-I6: put the CM in departure-pending and publish `manager.departure-requested`."""
    async with uow:
        row = await visible_manager(uow, manager_id, caller)
        row.status = departure.request_departure(status_of(row), cmd.intended_last_day, today()).value
        row.departure_reason = cmd.reason
        row.intended_last_day = cmd.intended_last_day
        row.departure_requested_at = utcnow()
        requested = uow.emit(
            "manager.departure-requested",
            key=row.id,
            org_id=row.org_id,
            payload=ManagerDepartureRequested(
                manager_id=row.id,
                requested_at=row.departure_requested_at,
                reason=cmd.reason,
                intended_last_day=cmd.intended_last_day,
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
        row.status = departure.withdraw_departure(status_of(row)).value
        row.departure_reason = None
        row.intended_last_day = None
        row.departure_requested_at = None
        row.departure_event_id = None
        uow.emit(
            "manager.departure-withdrawn",
            key=row.id,
            org_id=row.org_id,
            payload=ManagerDepartureWithdrawn(manager_id=row.id, reason=cmd.reason),
        )
        await uow.commit()
        return read(row)


async def when_departure_cleared_complete_departure(
    uow: UnitOfWork, envelope: Envelope, event: DepartureCleared
) -> None:
    """R-I6: audit cleared every customer, so the CM is now departed; nothing else can do this."""
    if envelope.producer != "audit":
        raise Forbidden("staffing.departure.cleared_by_other", producer=envelope.producer)
    row = await uow.session.get(ManagerRow, event.manager_id)
    if row is None or row.org_id != envelope.org_id:
        raise NotFound("staffing.departure.unknown_manager", manager_id=event.manager_id)
    pending = row.departure_event_id  # None for a request made before requests were tracked
    if event.departure_event_id is not None and pending is not None and event.departure_event_id != pending:
        # The audit of a request since withdrawn: only the audit of the pending request may clear it.
        log.info("ignored a clearance of departure request %s of %s", event.departure_event_id, row.id)
        return
    before = row.status
    row.status = departure.complete_departure(status_of(row)).value
    if before == row.status:
        return
    row.departed_at = event.cleared_at
    row.departure_audit_id = event.audit_id
    uow.emit(
        "manager.departed",
        key=row.id,
        org_id=row.org_id,
        payload=ManagerDeparted(manager_id=row.id, departed_at=event.cleared_at, audit_id=event.audit_id),
    )
