"""The office tree as callers read it: as of a date, depth first, and who belongs to an office."""

from collections.abc import Mapping
from datetime import date

from sqlalchemy import select

from services.staffing.models import OfficeStaffRow
from services.staffing.queries.access import today, versions_of
from services.staffing.schemas.offices import OfficeRead, StaffOfficeRead
from shared.auth import Principal
from shared.errors import NotFound
from shared.offices import OfficeVersion, ancestors, subtree, tree_as_of
from shared.pagination import Page
from shared.uow import UnitOfWork


def read(tree: Mapping[str, OfficeVersion], office_id: str) -> OfficeRead:
    """One office of a tree, with its depth under the head office."""
    v = tree[office_id]
    return OfficeRead(
        id=v.office_id,
        code=v.code,
        name=v.name,
        parent_id=v.parent_id,
        depth=len(ancestors(tree, office_id)),
        effective_from=v.effective_from,
    )


async def list_offices(uow: UnitOfWork, caller: Principal, on: date | None, page: Page) -> list[OfficeRead]:
    """The tree on a date, depth first from the head office."""
    async with uow:
        tree = tree_as_of(await versions_of(uow, caller.org_id), on or today())
    roots = [o for o, v in tree.items() if v.parent_id is None or v.parent_id not in tree]
    ordered = [o for root in sorted(roots) for o in subtree(tree, root)]
    page.counted(len(ordered))
    return [read(tree, o) for o in page.window(ordered)]


async def get_office(uow: UnitOfWork, office_id: str, caller: Principal, on: date | None) -> OfficeRead:
    """One office on a date, else 404."""
    async with uow:
        tree = tree_as_of(await versions_of(uow, caller.org_id), on or today())
    if office_id not in tree:
        raise NotFound("staffing.office.not_found", office_id=office_id)
    return read(tree, office_id)


async def office_staff(
    uow: UnitOfWork, office_id: str, caller: Principal, below: bool, page: Page
) -> list[StaffOfficeRead]:
    """Who belongs to an office (and, with `below`, to the offices under it today)."""
    async with uow:
        tree = tree_as_of(await versions_of(uow, caller.org_id), date.max if not below else today())
        ids = subtree(tree, office_id) if below else [office_id] if office_id in tree else []
        if not ids:
            raise NotFound("staffing.office.not_found", office_id=office_id)
        query = (
            select(OfficeStaffRow)
            .where(OfficeStaffRow.org_id == caller.org_id, OfficeStaffRow.office_id.in_(ids))
            .order_by(OfficeStaffRow.user_id)
        )
        rows = await page.rows(uow.session, query)
        return [StaffOfficeRead.model_validate(r) for r in rows]
