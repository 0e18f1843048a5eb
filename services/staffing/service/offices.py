"""The office tree: open and move offices, read the tree as of a date, put staff in offices."""

from datetime import date
from uuid import uuid4

from sqlalchemy import Select, select

from services.staffing.domain.offices import check_move, check_new_office
from services.staffing.models import OfficeStaffRow, OfficeVersionRow
from services.staffing.schemas.offices import (
    OfficeCreate,
    OfficeMove,
    OfficeRead,
    StaffOfficeRead,
    StaffOfficeWrite,
)
from shared.auth import Principal, Role
from shared.contracts.offices import OfficeChanged, StaffOfficeAssigned
from shared.errors import Conflict, NotFound
from shared.offices import OfficeVersion, ancestors, subtree, tree_as_of
from shared.pagination import Page
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


def today() -> date:
    """The current date in UTC."""
    return utcnow().date()


def _version(row: OfficeVersionRow) -> OfficeVersion:
    return OfficeVersion(row.office_id, row.effective_from, row.parent_id, row.code, row.name)


async def versions_of(uow: UnitOfWork, org_id: str) -> list[OfficeVersion]:
    """Every version of every office of the cooperative."""
    rows = await uow.session.scalars(select(OfficeVersionRow).where(OfficeVersionRow.org_id == org_id))
    return [_version(r) for r in rows]


def _emit(uow: UnitOfWork, org_id: str, v: OfficeVersion) -> None:
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


def _store(uow: UnitOfWork, org_id: str, v: OfficeVersion, caller: Principal) -> None:
    uow.session.add(
        OfficeVersionRow(
            org_id=org_id,
            office_id=v.office_id,
            code=v.code,
            name=v.name,
            parent_id=v.parent_id,
            effective_from=v.effective_from,
            recorded_by=caller.user_id,
            recorded_at=utcnow(),
        )
    )
    _emit(uow, org_id, v)


def _read(tree: dict[str, OfficeVersion], office_id: str) -> OfficeRead:
    v = tree[office_id]
    return OfficeRead(
        id=v.office_id,
        code=v.code,
        name=v.name,
        parent_id=v.parent_id,
        depth=len(ancestors(tree, office_id)),
        effective_from=v.effective_from,
    )


async def open_office(uow: UnitOfWork, cmd: OfficeCreate, caller: Principal) -> OfficeRead:
    """A new office in the tree, published on `staffing.offices`."""
    on = cmd.effective_from or today()
    async with uow:
        versions = await versions_of(uow, caller.org_id)
        if any(v.code == cmd.code for v in versions):
            raise Conflict("staffing.office.code_taken", code=cmd.code)
        new = OfficeVersion(f"o-{uuid4().hex[:12]}", on, cmd.parent_id, cmd.code, cmd.name)
        check_new_office(versions, new)
        _store(uow, caller.org_id, new, caller)
        await uow.commit()
        return _read(tree_as_of([*versions, new], on), new.office_id)


async def move_office(uow: UnitOfWork, office_id: str, cmd: OfficeMove, caller: Principal) -> OfficeRead:
    """The office hangs under another office from a date; earlier dates keep the old place."""
    async with uow:
        versions = await versions_of(uow, caller.org_id)
        own = sorted((v for v in versions if v.office_id == office_id), key=lambda v: v.effective_from)
        if not own:
            raise NotFound("staffing.office.not_found", office_id=office_id)
        before = tree_as_of(own, cmd.effective_from).get(office_id, own[0])
        moved = OfficeVersion(
            office_id, cmd.effective_from, cmd.parent_id, before.code, cmd.name or before.name
        )
        check_move(versions, moved)
        same_day = await uow.session.scalar(
            select(OfficeVersionRow).where(
                OfficeVersionRow.org_id == caller.org_id,
                OfficeVersionRow.office_id == office_id,
                OfficeVersionRow.effective_from == cmd.effective_from,
            )
        )
        if same_day is not None:
            same_day.parent_id, same_day.name = moved.parent_id, moved.name
            _emit(uow, caller.org_id, moved)
        else:
            _store(uow, caller.org_id, moved, caller)
        await uow.commit()
        rest = [
            v for v in versions if not (v.office_id == office_id and v.effective_from == moved.effective_from)
        ]
        return _read(tree_as_of([*rest, moved], cmd.effective_from), office_id)


async def list_offices(uow: UnitOfWork, caller: Principal, on: date | None, page: Page) -> list[OfficeRead]:
    """The tree on a date, depth first from the head office."""
    async with uow:
        tree = tree_as_of(await versions_of(uow, caller.org_id), on or today())
    roots = [o for o, v in tree.items() if v.parent_id is None or v.parent_id not in tree]
    ordered = [o for root in sorted(roots) for o in subtree(tree, root)]
    page.counted(len(ordered))
    return [_read(tree, o) for o in page.window(ordered)]


async def get_office(uow: UnitOfWork, office_id: str, caller: Principal, on: date | None) -> OfficeRead:
    """One office on a date, else 404."""
    async with uow:
        tree = tree_as_of(await versions_of(uow, caller.org_id), on or today())
    if office_id not in tree:
        raise NotFound("staffing.office.not_found", office_id=office_id)
    return _read(tree, office_id)


async def assign_staff(
    uow: UnitOfWork, user_id: str, cmd: StaffOfficeWrite, caller: Principal
) -> StaffOfficeRead:
    """Put a user in an office (their data scope follows it), published on `staffing.offices`."""
    async with uow:
        if cmd.office_id not in tree_as_of(await versions_of(uow, caller.org_id), date.max):
            raise NotFound("staffing.office.not_found", office_id=cmd.office_id)
        row = await uow.session.get(OfficeStaffRow, (caller.org_id, user_id))
        if row is not None and (row.office_id, row.scope) == (cmd.office_id, cmd.scope.value):
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


async def office_staff(
    uow: UnitOfWork, office_id: str, caller: Principal, below: bool, page: Page
) -> list[StaffOfficeRead]:
    """Who belongs to an office (and, with `below`, to the offices under it today)."""
    async with uow:
        tree = tree_as_of(await versions_of(uow, caller.org_id), date.max if not below else today())
        if office_id not in tree and not below:
            raise NotFound("staffing.office.not_found", office_id=office_id)
        ids = subtree(tree, office_id) if below else [office_id]
        if not ids:
            raise NotFound("staffing.office.not_found", office_id=office_id)
        query = (
            select(OfficeStaffRow)
            .where(OfficeStaffRow.org_id == caller.org_id, OfficeStaffRow.office_id.in_(ids))
            .order_by(OfficeStaffRow.user_id)
        )
        rows = await page.rows(uow.session, query)
        return [StaffOfficeRead.model_validate(r) for r in rows]


RESTRICTING = {Role.SUPERVISOR: ("default", "subtree"), Role.AUDITOR: ("subtree",), Role.HR: ("subtree",)}


async def scope_of(uow: UnitOfWork, caller: Principal) -> list[str] | None:
    """The offices a caller's data scope covers today, or None for the whole cooperative."""
    if caller.has_any((Role.MANAGEMENT, Role.ADMIN)):
        return None
    scopes = {s for role, names in RESTRICTING.items() if role in caller.roles for s in names}
    placed = await uow.session.get(OfficeStaffRow, (caller.org_id, caller.user_id))
    if not scopes or placed is None or placed.scope not in scopes:
        return None
    tree = tree_as_of(await versions_of(uow, caller.org_id), today())
    office = tree.get(placed.office_id)
    if office is not None and office.parent_id is None:
        return None
    return subtree(tree, placed.office_id)


def staff_in(org_id: str, offices: list[str]) -> Select[str]:
    """Ids of the users placed in these offices."""
    return select(OfficeStaffRow.user_id).where(
        OfficeStaffRow.org_id == org_id, OfficeStaffRow.office_id.in_(offices)
    )
