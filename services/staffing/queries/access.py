"""What reads and commands load alike: today, a visible staff record, the data scope, the ladder in force."""

from datetime import date

from sqlalchemy import Select, select

from services.staffing.domain import access
from services.staffing.domain.ladder import DEFAULT_LADDER, Ladder, version_in_force
from services.staffing.ladder_json import ladder_from_row
from services.staffing.models import LadderVersionRow, ManagerRow, OfficeStaffRow, OfficeVersionRow
from shared.auth import Principal
from shared.offices import OfficeVersion, tree_as_of
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


def today() -> date:
    """The current date in UTC."""
    return utcnow().date()


async def visible_manager(uow: UnitOfWork, manager_id: str, caller: Principal) -> ManagerRow:
    """A staff record the caller may see (a CM only sees themself, a branch supervisor their subtree)."""
    row = await uow.session.get(ManagerRow, manager_id)
    known = row is not None and access.in_org(row.org_id, caller.org_id)
    scope: list[str] | None = None
    placed: OfficeStaffRow | None = None
    if access.needs_scope(known, caller.roles, caller.user_id, manager_id):
        scope = await scope_of(uow, caller)
        if scope is not None:
            placed = await uow.session.get(OfficeStaffRow, (caller.org_id, manager_id))
    office = placed.office_id if placed is not None else None
    access.check_visible(manager_id, known, caller.user_id, caller.roles, scope, office)
    assert row is not None
    return row


async def manager_in_org(uow: UnitOfWork, manager_id: str, org_id: str) -> ManagerRow:
    """A staff record of the organisation, for commands that name another CM."""
    row = await uow.session.get(ManagerRow, manager_id)
    access.check_manager_in_org(manager_id, row.org_id if row else None, org_id)
    assert row is not None
    return row


def _version(row: OfficeVersionRow) -> OfficeVersion:
    return OfficeVersion(row.office_id, row.effective_from, row.parent_id, row.code, row.name)


async def versions_of(uow: UnitOfWork, org_id: str) -> list[OfficeVersion]:
    """Every version of every office of the cooperative."""
    rows = await uow.session.scalars(select(OfficeVersionRow).where(OfficeVersionRow.org_id == org_id))
    return [_version(r) for r in rows]


async def scope_of(uow: UnitOfWork, caller: Principal) -> list[str] | None:
    """The offices a caller's data scope covers today, or None for the whole cooperative."""
    if not access.may_narrow(caller.roles):
        return None
    placed = await uow.session.get(OfficeStaffRow, (caller.org_id, caller.user_id))
    if placed is None or not access.scope_restricted(caller.roles, placed.scope):
        return None
    return access.scope_offices(tree_as_of(await versions_of(uow, caller.org_id), today()), placed.office_id)


def staff_in(org_id: str, offices: list[str]) -> Select[str]:
    """Ids of the users placed in these offices."""
    return select(OfficeStaffRow.user_id).where(
        OfficeStaffRow.org_id == org_id, OfficeStaffRow.office_id.in_(offices)
    )


async def ladder_row_in_force(uow: UnitOfWork, org_id: str, on: date) -> LadderVersionRow | None:
    """R-Q3: the stored version in force on a date; None before any was published."""
    versions = await uow.session.execute(
        select(LadderVersionRow.version, LadderVersionRow.effective_from).where(
            LadderVersionRow.org_id == org_id
        )
    )
    version = version_in_force(((v, effective_from) for v, effective_from in versions), on)
    if version is None:
        return None
    return await uow.session.scalar(
        select(LadderVersionRow).where(LadderVersionRow.org_id == org_id, LadderVersionRow.version == version)
    )


async def ladder_in_force(uow: UnitOfWork, org_id: str, on: date) -> Ladder:
    """R-Q3: the version in force on a date; the default ladder before any was published."""
    row = await ladder_row_in_force(uow, org_id, on)
    return ladder_from_row(row) if row is not None else DEFAULT_LADDER
