"""Office data scope shared by the services that project `staffing.offices`: tables, handlers, conditions.

Staffing publishes the tree and who is where; each service keeps the tree's closure per change date and
each user's office and scope. A caller with no office, in the head office, or whose role sees the whole
cooperative (management, admin, risk) is not restricted; a supervisor (by default) or an auditor or HR
user (when set to `subtree`) sees only what belongs to the offices at or below theirs in today's tree.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Date,
    Index,
    MetaData,
    PrimaryKeyConstraint,
    Select,
    String,
    Table,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal, Role
from shared.contracts.offices import OfficeChanged, StaffOfficeAssigned
from shared.envelope import Envelope
from shared.offices import OfficeVersion, change_dates, closure, tree_as_of
from shared.timeutil import utcnow
from shared.uow import UnitOfWork

WHOLE_COOPERATIVE = (Role.MANAGEMENT, Role.ADMIN, Role.RISK)


@dataclass(frozen=True)
class OfficeTables:
    """A service's projection of the tree (versions), its closure per change date, and staff offices."""

    offices: Table
    closure: Table
    staff: Table


def define_office_tables(metadata: MetaData) -> OfficeTables:
    """Add `office_projection`, `office_closure` and `staff_office_projection` (customer's shapes)."""
    offices = Table(
        "office_projection",
        metadata,
        Column("org_id", String(64), nullable=False),
        Column("office_id", String(64), nullable=False),
        Column("effective_from", Date(), nullable=False),
        Column("parent_id", String(64), nullable=True),
        Column("code", String(32), nullable=False),
        Column("name", String(200), nullable=False),
        PrimaryKeyConstraint("org_id", "office_id", "effective_from"),
    )
    closure_table = Table(
        "office_closure",
        metadata,
        Column("org_id", String(64), nullable=False),
        Column("as_of", Date(), nullable=False),
        Column("ancestor_id", String(64), nullable=False),
        Column("descendant_id", String(64), nullable=False),
        PrimaryKeyConstraint("org_id", "as_of", "ancestor_id", "descendant_id"),
        Index("ix_office_closure_descendant", "org_id", "as_of", "descendant_id"),
    )
    staff = Table(
        "staff_office_projection",
        metadata,
        Column("org_id", String(64), nullable=False),
        Column("user_id", String(128), nullable=False),
        Column("office_id", String(64), nullable=False),
        Column("scope", String(16), nullable=False),
        PrimaryKeyConstraint("org_id", "user_id"),
    )
    return OfficeTables(offices, closure_table, staff)


def scopes_restricting(caller: Principal) -> tuple[str, ...]:
    """The staff-office scopes that restrict this caller: supervisors by default, auditors and HR when set."""
    if caller.has_any(WHOLE_COOPERATIVE):
        return ()
    if Role.SUPERVISOR in caller.roles:
        return ("default", "subtree")
    if caller.has_any((Role.AUDITOR, Role.HR)):
        return ("subtree",)
    return ()


class OfficeScope:
    """Conditions and event handlers over one service's office tables."""

    def __init__(self, tables: OfficeTables) -> None:
        self.t = tables

    def _own(self, caller: Principal, scopes: tuple[str, ...]) -> Select[Any]:
        """The caller's office when it restricts them (not the head office), as a one-row query."""
        offices, staff = self.t.offices.c, self.t.staff.c
        roots = select(offices.office_id).where(offices.org_id == caller.org_id, offices.parent_id.is_(None))
        return select(staff.office_id).where(
            staff.org_id == caller.org_id,
            staff.user_id == caller.user_id,
            staff.scope.in_(scopes),
            staff.office_id.not_in(roots),
        )

    def _below(self, caller: Principal, own: Select[Any], on: date | None) -> Select[Any]:
        c = self.t.closure.c
        snapshot = (
            select(func.max(c.as_of))
            .where(c.org_id == caller.org_id, c.as_of <= (on or utcnow().date()))
            .scalar_subquery()
        )
        return select(c.descendant_id).where(
            c.org_id == caller.org_id, c.as_of == snapshot, c.ancestor_id.in_(own)
        )

    def in_scope(self, caller: Principal, office: Any, on: date | None = None) -> ColumnElement[bool]:
        """A condition on an office column: true where the caller's scope reaches (today by default)."""
        scopes = scopes_restricting(caller)
        if not scopes:
            return true()
        own = self._own(caller, scopes)
        return or_(~exists(own), office.in_(self._below(caller, own, on)))

    def staff_in_scope(self, caller: Principal, user: Any) -> ColumnElement[bool]:
        """A condition on a user (CM) id column: true where that user is placed inside the caller's scope."""
        scopes = scopes_restricting(caller)
        if not scopes:
            return true()
        own = self._own(caller, scopes)
        staff = self.t.staff.c
        placed = select(staff.user_id).where(
            staff.org_id == caller.org_id, staff.office_id.in_(self._below(caller, own, None))
        )
        return or_(~exists(own), user.in_(placed))

    async def reaches(self, session: AsyncSession, condition: ColumnElement[bool]) -> bool:
        """Whether a scope condition built on a literal (an office or user id) holds."""
        return await session.scalar(select(literal(1)).where(condition)) is not None

    async def covers_staff(self, session: AsyncSession, caller: Principal, user_id: str | None) -> bool:
        """Whether the user (a CM) is placed inside the caller's scope (always, for the unrestricted)."""
        if not scopes_restricting(caller):
            return True
        return await self.reaches(session, self.staff_in_scope(caller, literal(user_id, String())))

    async def covers_office(self, session: AsyncSession, caller: Principal, office_id: str | None) -> bool:
        """Whether the office is inside the caller's scope (None: the head office)."""
        if not scopes_restricting(caller):
            return True
        return await self.reaches(session, self.in_scope(caller, literal(office_id, String())))

    async def office_of(self, session: AsyncSession, caller: Principal) -> str | None:
        """The office that restricts the caller, or None when they see the whole cooperative."""
        scopes = scopes_restricting(caller)
        if not scopes:
            return None
        found: str | None = await session.scalar(self._own(caller, scopes).limit(1))
        return found

    async def staff_ids(self, session: AsyncSession, caller: Principal) -> set[str] | None:
        """The users placed inside the caller's scope, or None when the caller sees the whole cooperative."""
        office = await self.office_of(session, caller)
        if office is None:
            return None
        staff = self.t.staff.c
        own = select(literal(office, String()))
        below = self._below(caller, own, None)
        rows = await session.scalars(
            select(staff.user_id).where(staff.org_id == caller.org_id, staff.office_id.in_(below))
        )
        return set(rows)

    async def placements(self, session: AsyncSession, org_id: str) -> dict[str, str]:
        """Each user's office in a cooperative."""
        staff = self.t.staff.c
        rows = await session.execute(select(staff.user_id, staff.office_id).where(staff.org_id == org_id))
        return {u: o for u, o in rows.all()}

    async def tree(self, session: AsyncSession, org_id: str, on: date) -> Mapping[str, OfficeVersion]:
        """The tree in force on a date."""
        o = self.t.offices.c
        rows = await session.execute(
            select(o.office_id, o.effective_from, o.parent_id, o.code, o.name).where(o.org_id == org_id)
        )
        return tree_as_of([OfficeVersion(*r) for r in rows.all()], on)

    async def record_office(self, uow: UnitOfWork, envelope: Envelope, event: OfficeChanged) -> None:
        """An office's place from a date; the closures of the change dates from that date on are rebuilt."""
        org_id, o, c = envelope.org_id, self.t.offices, self.t.closure
        await uow.session.execute(
            delete(o).where(
                o.c.org_id == org_id,
                o.c.office_id == event.office_id,
                o.c.effective_from == event.effective_from,
            )
        )
        await uow.session.execute(
            insert(o).values(
                org_id=org_id,
                office_id=event.office_id,
                effective_from=event.effective_from,
                parent_id=event.parent_id,
                code=event.code,
                name=event.name,
            )
        )
        rows = await uow.session.execute(
            select(o.c.office_id, o.c.effective_from, o.c.parent_id).where(o.c.org_id == org_id)
        )
        versions = [OfficeVersion(*r) for r in rows.all()]
        # Only the trees from this version's date on change: earlier snapshots are kept as they are.
        since = event.effective_from
        await uow.session.execute(delete(c).where(c.c.org_id == org_id, c.c.as_of >= since))
        pairs = [
            {"org_id": org_id, "as_of": on, "ancestor_id": a, "descendant_id": d}
            for on in change_dates(versions)
            if on >= since
            for a, d in closure(tree_as_of(versions, on))
        ]
        if pairs:
            await uow.session.execute(insert(c), pairs)

    async def record_staff_office(
        self, uow: UnitOfWork, envelope: Envelope, event: StaffOfficeAssigned
    ) -> None:
        """A user's office and scope, as staffing last published them."""
        s = self.t.staff
        where = (s.c.org_id == envelope.org_id, s.c.user_id == event.user_id)
        await uow.session.execute(delete(s).where(*where))
        await uow.session.execute(
            insert(s).values(
                org_id=envelope.org_id, user_id=event.user_id, office_id=event.office_id, scope=event.scope
            )
        )
