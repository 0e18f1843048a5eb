"""The office tree: open and move offices, put staff in offices; each change published on staffing.offices."""

from uuid import uuid4

from sqlalchemy import select

from services.staffing.domain import offices as rules
from services.staffing.models import OfficeStaffRow, OfficeVersionRow
from services.staffing.queries.access import today, versions_of
from services.staffing.queries.offices import read
from services.staffing.schemas.offices import (
    OfficeCreate,
    OfficeMove,
    OfficeRead,
    StaffOfficeRead,
    StaffOfficeWrite,
)
from shared.auth import Principal
from shared.contracts.offices import OfficeChanged, StaffOfficeAssigned
from shared.offices import OfficeVersion, tree_as_of
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


def emit_changed(uow: UnitOfWork, org_id: str, v: OfficeVersion) -> None:
    """Publish an office's version on `staffing.offices`."""
    uow.emit(
        "office.changed",
        key=v.office_id,
        org_id=org_id,
        payload=OfficeChanged(
            office_id=v.office_id,
            code=v.code,
            name=v.name,
            parent_id=v.parent_id,
            effective_from=v.effective_from,
        ),
    )


async def store(uow: UnitOfWork, org_id: str, v: OfficeVersion, recorded_by: str) -> None:
    """Keep an office's version (replacing its version of the same date) and publish it."""
    row = await uow.session.scalar(
        select(OfficeVersionRow).where(
            OfficeVersionRow.org_id == org_id,
            OfficeVersionRow.office_id == v.office_id,
            OfficeVersionRow.effective_from == v.effective_from,
        )
    )
    if row is None:
        row = OfficeVersionRow(org_id=org_id, office_id=v.office_id, effective_from=v.effective_from)
        uow.session.add(row)
    row.code, row.name, row.parent_id = v.code, v.name, v.parent_id
    row.recorded_by, row.recorded_at = recorded_by, utcnow()
    emit_changed(uow, org_id, v)


async def open_office(uow: UnitOfWork, cmd: OfficeCreate, caller: Principal) -> OfficeRead:
    """A new office in the tree, published on `staffing.offices`."""
    on = cmd.effective_from or today()
    async with uow:
        versions = await versions_of(uow, caller.org_id)
        new = OfficeVersion(f"o-{uuid4().hex[:12]}", on, cmd.parent_id, cmd.code, cmd.name)
        rules.open_office(versions, new)
        await store(uow, caller.org_id, new, caller.user_id)
        await uow.commit()
        return read(tree_as_of([*versions, new], on), new.office_id)


async def move_office(uow: UnitOfWork, office_id: str, cmd: OfficeMove, caller: Principal) -> OfficeRead:
    """The office hangs under another office from a date; earlier dates keep the old place."""
    async with uow:
        versions = await versions_of(uow, caller.org_id)
        moved = rules.move(versions, office_id, cmd.effective_from, cmd.parent_id, cmd.name)
        await store(uow, caller.org_id, moved, caller.user_id)
        await uow.commit()
        return read(tree_as_of(rules.with_version(versions, moved), cmd.effective_from), office_id)


async def assign_staff(
    uow: UnitOfWork, user_id: str, cmd: StaffOfficeWrite, caller: Principal
) -> StaffOfficeRead:
    """Put a user in an office (their data scope follows it), published on `staffing.offices`."""
    async with uow:
        versions = await versions_of(uow, caller.org_id)
        row = await uow.session.get(OfficeStaffRow, (caller.org_id, user_id))
        placed = (row.office_id, row.scope) if row is not None else None
        if not rules.needs_placing(versions, cmd.office_id, cmd.scope.value, placed):
            return StaffOfficeRead.model_validate(row)
        if row is None:
            row = OfficeStaffRow(org_id=caller.org_id, user_id=user_id)
            uow.session.add(row)
        row.office_id, row.scope = cmd.office_id, cmd.scope.value
        row.assigned_by, row.assigned_at = caller.user_id, utcnow()
        uow.emit(
            "office.staff-assigned",
            key=user_id,
            org_id=caller.org_id,
            payload=StaffOfficeAssigned(user_id=user_id, office_id=cmd.office_id, scope=cmd.scope.value),
        )
        await uow.commit()
        return StaffOfficeRead.model_validate(row)
