"""Staffing service layer: one unit of work per command."""

from uuid import uuid4

from sqlalchemy import select

from services.staffing import domain
from services.staffing.models import ManagerRow
from services.staffing.schemas import DepartureRequest, ManagerCreate, ManagerRead
from shared.auth import Principal, Role
from shared.contracts.audit import DepartureCleared
from shared.contracts.staffing import ManagerDeparted, ManagerDepartureRequested, ManagerRegistered
from shared.envelope import Envelope
from shared.errors import Conflict, NotFound
from shared.timeutil import utcnow
from shared.uow import UnitOfWork

READ_ALL = (Role.HR, Role.ADMIN, Role.SUPERVISOR, Role.MANAGEMENT, Role.AUDITOR)


async def register_manager(uow: UnitOfWork, cmd: ManagerCreate, caller: Principal) -> ManagerRead:
    """Put a CM on the roll and publish `manager.registered`."""
    async with uow:
        taken = await uow.session.scalar(
            select(ManagerRow.id).where(
                ManagerRow.org_id == caller.org_id, ManagerRow.employee_no == cmd.employee_no
            )
        )
        if taken is not None:
            raise Conflict(f"employee number {cmd.employee_no} is already on the roll")
        row = ManagerRow(
            id=f"m-{uuid4().hex[:12]}",
            org_id=caller.org_id,
            employee_no=cmd.employee_no,
            name=cmd.name,
            grade=cmd.grade.value,
            branch=cmd.branch,
            status=domain.ManagerStatus.ACTIVE.value,
            created_at=utcnow(),
        )
        uow.session.add(row)
        uow.emit(
            "manager.registered",
            key=row.id,
            org_id=row.org_id,
            payload=ManagerRegistered(
                manager_id=row.id,
                employee_no=row.employee_no,
                name=row.name,
                grade=row.grade,
                branch=row.branch,
                status=row.status,
            ),
        )
        await uow.commit()
        return ManagerRead.model_validate(row)


async def _visible_manager(uow: UnitOfWork, manager_id: str, caller: Principal) -> ManagerRow:
    row = await uow.session.get(ManagerRow, manager_id)
    visible = row is not None and row.org_id == caller.org_id
    if visible and not caller.has_any(READ_ALL):
        visible = caller.user_id == manager_id  # a CM sees only themself
    if not visible or row is None:
        raise NotFound(f"manager {manager_id} not found")
    return row


async def get_manager(uow: UnitOfWork, manager_id: str, caller: Principal) -> ManagerRead:
    """One CM, if the caller may see them."""
    async with uow:
        return ManagerRead.model_validate(await _visible_manager(uow, manager_id, caller))


async def list_managers(
    uow: UnitOfWork, caller: Principal, status: domain.ManagerStatus | None, limit: int, offset: int
) -> list[ManagerRead]:
    """The roll of the caller's organisation."""
    async with uow:
        query = select(ManagerRow).where(ManagerRow.org_id == caller.org_id)
        if status is not None:
            query = query.where(ManagerRow.status == status.value)
        rows = await uow.session.scalars(query.order_by(ManagerRow.employee_no).limit(limit).offset(offset))
        return [ManagerRead.model_validate(r) for r in rows]


async def request_departure(
    uow: UnitOfWork, manager_id: str, cmd: DepartureRequest, caller: Principal
) -> ManagerRead:
    """R-I6: put the CM in departure-pending and publish `manager.departure-requested`."""
    async with uow:
        row = await _visible_manager(uow, manager_id, caller)
        row.status = domain.request_departure(domain.ManagerStatus(row.status)).value
        row.departure_reason = cmd.reason
        row.departure_requested_at = utcnow()
        uow.emit(
            "manager.departure-requested",
            key=row.id,
            org_id=row.org_id,
            payload=ManagerDepartureRequested(
                manager_id=row.id, requested_at=row.departure_requested_at, reason=cmd.reason
            ),
        )
        await uow.commit()
        return ManagerRead.model_validate(row)


async def complete_departure(uow: UnitOfWork, envelope: Envelope, event: DepartureCleared) -> None:
    """R-I6: audit cleared every customer, so the CM is now departed."""
    row = await uow.session.get(ManagerRow, event.manager_id)
    if row is None or row.org_id != envelope.org_id:
        raise NotFound(f"departure cleared for unknown manager {event.manager_id}")
    before = row.status
    row.status = domain.complete_departure(domain.ManagerStatus(row.status)).value
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
