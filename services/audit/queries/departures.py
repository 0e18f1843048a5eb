"""Departure audits as the API reads them (R-I6): one audit, the list, and the departures waiting."""

from sqlalchemy import func, select

from services.audit.domain import departure as rules
from services.audit.models import DepartureAuditItemRow, DepartureAuditRow, FindingRow
from services.audit.schemas import DepartureAuditRead, ItemRead, WaitingRead
from services.audit.service.scope import SCOPE
from shared.auth import Principal
from shared.errors import NotFound
from shared.pagination import Page
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


def read(row: DepartureAuditRow) -> DepartureAuditRead:
    """An audit with its progress (items done / total)."""
    return DepartureAuditRead(
        id=row.id,
        org_id=row.org_id,
        manager_id=row.manager_id,
        status=rules.AuditStatus(row.status),
        portfolio_received=row.portfolio_received,
        requested_at=row.requested_at,
        opened_at=row.opened_at,
        cleared_at=row.cleared_at,
        items_done=rules.items_done(rules.ItemStatus(i.status) for i in row.items),
        items_total=len(row.items),
        items=[ItemRead.model_validate(i) for i in row.items],
    )


async def visible_audit(uow: UnitOfWork, audit_id: str, caller: Principal) -> DepartureAuditRow:
    """An audit of the caller's cooperative and office scope, else 404."""
    row = await uow.session.get(DepartureAuditRow, audit_id)
    if (
        row is None
        or row.org_id != caller.org_id
        or not await SCOPE.covers_staff(uow.session, caller, row.manager_id)
    ):
        raise NotFound("audit.departure.not_found", audit_id=audit_id)
    return row


async def get_audit(uow: UnitOfWork, audit_id: str, caller: Principal) -> DepartureAuditRead:
    """One departure audit with its items."""
    async with uow:
        return read(await visible_audit(uow, audit_id, caller))


async def list_audits(
    uow: UnitOfWork, caller: Principal, status: rules.AuditStatus | None, manager_id: str | None, page: Page
) -> list[DepartureAuditRead]:
    """Departure audits of the caller's cooperative, oldest first."""
    query = select(DepartureAuditRow).where(
        DepartureAuditRow.org_id == caller.org_id, SCOPE.staff_in_scope(caller, DepartureAuditRow.manager_id)
    )
    if status is not None:
        query = query.where(DepartureAuditRow.status == status.value)
    if manager_id is not None:
        query = query.where(DepartureAuditRow.manager_id == manager_id)
    async with uow:
        return [
            read(r)
            for r in await page.rows(
                uow.session, query.order_by(DepartureAuditRow.opened_at, DepartureAuditRow.id)
            )
        ]


async def waiting(uow: UnitOfWork, caller: Principal, page: Page) -> list[WaitingRead]:
    """Departures waiting on audit, oldest first, with their age and open findings."""
    now = utcnow()
    async with uow:
        audits = await page.rows(
            uow.session,
            select(DepartureAuditRow)
            .where(
                DepartureAuditRow.org_id == caller.org_id,
                DepartureAuditRow.status.in_([s.value for s in rules.OPEN]),
                SCOPE.staff_in_scope(caller, DepartureAuditRow.manager_id),
            )
            .order_by(DepartureAuditRow.opened_at, DepartureAuditRow.id),
        )
        counts = dict(
            (
                await uow.session.execute(
                    select(DepartureAuditItemRow.audit_id, func.count())
                    .join(FindingRow, FindingRow.audit_item_id == DepartureAuditItemRow.id)
                    .where(
                        FindingRow.status == "open",
                        DepartureAuditItemRow.audit_id.in_([a.id for a in audits]),
                    )
                    .group_by(DepartureAuditItemRow.audit_id)
                )
            ).all()
        )
        return [
            WaitingRead(
                audit_id=audit.id,
                manager_id=audit.manager_id,
                status=audit.status,
                waiting_hours=rules.waiting_hours(now, audit.requested_at, audit.opened_at),
                items_done=audit.items_done,
                items_total=audit.items_total,
                open_findings=counts.get(audit.id, 0),
            )
            for audit in map(read, audits)
        ]
