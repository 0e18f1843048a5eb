"""Office data scope: a supervisor (or an auditor set to it) sees only their office's subtree.

Staffing publishes the tree and who is where on `staffing.offices`; this service keeps the tree's closure
per change date. A caller with no office, in the head office, or whose role sees the whole cooperative
(management, admin, risk) is not restricted; a restricted caller sees the customers of the offices at or
below theirs in the tree in force today, and a customer outside answers like an unknown one.
"""

from datetime import date
from typing import Any, TypeVar, cast

from sqlalchemy import ColumnElement, Select, Table, delete, exists, func, insert, or_, select, true

from services.customer.models import (
    CustomerRow,
    OfficeClosureRow,
    OfficeProjectionRow,
    StaffOfficeProjectionRow,
)
from shared.auth import Principal, Role
from shared.contracts.offices import OfficeChanged, StaffOfficeAssigned
from shared.envelope import Envelope
from shared.offices import OfficeVersion, change_dates, closure, tree_as_of
from shared.timeutil import utcnow
from shared.uow import UnitOfWork

T = TypeVar("T", bound=Any)
WHOLE_COOPERATIVE = (Role.MANAGEMENT, Role.ADMIN, Role.RISK)


def _scopes_restricting(caller: Principal) -> tuple[str, ...]:
    """The staff-office scopes that restrict this caller: supervisors by default, others when set."""
    if caller.has_any(WHOLE_COOPERATIVE):
        return ()
    if Role.SUPERVISOR in caller.roles:
        return ("default", "subtree")
    if caller.has_any((Role.AUDITOR, Role.HR)):
        return ("subtree",)
    return ()


def _snapshot(org_id: str, on: date) -> ColumnElement[date]:
    return (
        select(func.max(OfficeClosureRow.as_of))
        .where(OfficeClosureRow.org_id == org_id, OfficeClosureRow.as_of <= on)
        .scalar_subquery()
    )


def in_scope(caller: Principal, office: Any, on: date | None = None) -> ColumnElement[bool]:
    """A condition on an office column: true where the caller's office scope reaches (today by default)."""
    scopes = _scopes_restricting(caller)
    if not scopes:
        return true()
    roots = select(OfficeProjectionRow.office_id).where(
        OfficeProjectionRow.org_id == caller.org_id, OfficeProjectionRow.parent_id.is_(None)
    )
    own = select(StaffOfficeProjectionRow.office_id).where(
        StaffOfficeProjectionRow.org_id == caller.org_id,
        StaffOfficeProjectionRow.user_id == caller.user_id,
        StaffOfficeProjectionRow.scope.in_(scopes),
        StaffOfficeProjectionRow.office_id.not_in(roots),
    )
    below = select(OfficeClosureRow.descendant_id).where(
        OfficeClosureRow.org_id == caller.org_id,
        OfficeClosureRow.as_of == _snapshot(caller.org_id, on or utcnow().date()),
        OfficeClosureRow.ancestor_id.in_(own),
    )
    return or_(~exists(own), office.in_(below))


def scoped_customer_ids(caller: Principal) -> Select[str]:
    """Ids of the cooperative's customers inside the caller's office scope."""
    return select(CustomerRow.id).where(
        CustomerRow.org_id == caller.org_id, in_scope(caller, CustomerRow.office_id)
    )


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
    org_id = envelope.org_id
    key = (org_id, event.office_id, event.effective_from)
    row = await uow.session.get(OfficeProjectionRow, key)
    if row is None:
        row = OfficeProjectionRow(
            org_id=org_id, office_id=event.office_id, effective_from=event.effective_from
        )
        uow.session.add(row)
    row.parent_id, row.code, row.name = event.parent_id, event.code, event.name
    await uow.session.flush()
    rows = await uow.session.execute(
        select(
            OfficeProjectionRow.office_id,
            OfficeProjectionRow.effective_from,
            OfficeProjectionRow.parent_id,
        ).where(OfficeProjectionRow.org_id == org_id)
    )
    versions = [OfficeVersion(*r) for r in rows]
    # Only the trees from this version's date on change: earlier snapshots are kept as they are.
    since = event.effective_from
    await uow.session.execute(
        delete(OfficeClosureRow).where(OfficeClosureRow.org_id == org_id, OfficeClosureRow.as_of >= since)
    )
    pairs = [
        {"org_id": org_id, "as_of": on, "ancestor_id": a, "descendant_id": d}
        for on in change_dates(versions)
        if on >= since
        for a, d in closure(tree_as_of(versions, on))
    ]
    if pairs:
        await uow.session.execute(insert(cast(Table, OfficeClosureRow.__table__)), pairs)


async def record_staff_office(uow: UnitOfWork, envelope: Envelope, event: StaffOfficeAssigned) -> None:
    """A user's office and scope, as staffing last published them."""
    row = await uow.session.get(StaffOfficeProjectionRow, (envelope.org_id, event.user_id))
    if row is None:
        row = StaffOfficeProjectionRow(org_id=envelope.org_id, user_id=event.user_id)
        uow.session.add(row)
    row.office_id, row.scope = event.office_id, event.scope


def restrict(query: Select[T], caller: Principal, customer_id: Any) -> Select[T]:
    """The query limited to rows of customers inside the caller's office scope (unchanged if none)."""
    if not _scopes_restricting(caller):
        return query
    return query.where(customer_id.in_(scoped_customer_ids(caller)))
