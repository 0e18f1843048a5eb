"""Office data scope, the write side: the office tree and who is where, kept from `staffing.offices`.

The conditions that apply the scope to reads are `queries/scope.py`.
"""

from sqlalchemy import select

from services.customer.models import OfficeProjectionRow, StaffOfficeProjectionRow
from services.customer.queries.scope import OFFICES
from shared.contracts.offices import OfficeChanged, StaffOfficeAssigned
from shared.envelope import Envelope
from shared.uow import UnitOfWork


async def default_office(uow: UnitOfWork, org_id: str, manager_id: str | None) -> str | None:
    """A new customer's office: the serving CM's, else the head office, else none yet."""
    if manager_id is not None:
        row = await uow.session.get(StaffOfficeProjectionRow, (org_id, manager_id))
        if row is not None:
            return row.office_id
    root: str | None = await uow.session.scalar(
        select(OfficeProjectionRow.office_id)
        .where(OfficeProjectionRow.org_id == org_id, OfficeProjectionRow.parent_id.is_(None))
        .limit(1)
    )
    return root


async def record_office(uow: UnitOfWork, envelope: Envelope, event: OfficeChanged) -> None:
    """An office's place from a date; the closures of the change dates from that date on are rebuilt."""
    await OFFICES.record_office(uow, envelope, event)


async def record_staff_office(uow: UnitOfWork, envelope: Envelope, event: StaffOfficeAssigned) -> None:
    """A user's office and scope, as staffing last published them."""
    await OFFICES.record_staff_office(uow, envelope, event)
