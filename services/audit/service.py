"""Audit service layer: departure audits (R-I6)."""

from uuid import uuid4

from sqlalchemy import select

from services.audit import domain
from services.audit.models import DepartureAuditItemRow, DepartureAuditRow
from services.audit.schemas import DepartureAuditRead, ItemClear, ItemRead
from shared.auth import Principal
from shared.contracts.audit import DepartureAuditOpened, DepartureCleared
from shared.contracts.customer import ManagerPortfolioPublished
from shared.contracts.staffing import ManagerDepartureRequested, ManagerDepartureWithdrawn
from shared.envelope import Envelope
from shared.errors import NotFound
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


def _read(row: DepartureAuditRow) -> DepartureAuditRead:
    done = sum(1 for i in row.items if i.status == domain.ItemStatus.CLEAR.value)
    return DepartureAuditRead(
        id=row.id,
        org_id=row.org_id,
        manager_id=row.manager_id,
        status=domain.AuditStatus(row.status),
        portfolio_received=row.portfolio_received,
        requested_at=row.requested_at,
        opened_at=row.opened_at,
        cleared_at=row.cleared_at,
        items_done=done,
        items_total=len(row.items),
        items=[ItemRead.model_validate(i) for i in row.items],
    )


async def _audit_for_request(
    uow: UnitOfWork, envelope: Envelope, manager_id: str, departure_event_id: str
) -> DepartureAuditRow:
    row = await uow.session.scalar(
        select(DepartureAuditRow).where(DepartureAuditRow.departure_event_id == departure_event_id)
    )
    if row is not None:
        return row
    row = DepartureAuditRow(
        id=f"da-{uuid4().hex[:12]}",
        org_id=envelope.org_id,
        manager_id=manager_id,
        departure_event_id=departure_event_id,
        status=domain.AuditStatus.AWAITING_PORTFOLIO.value,
        portfolio_received=False,
        opened_at=utcnow(),
        items=[],
    )
    uow.session.add(row)
    uow.emit(
        "audit.departure-audit-opened",
        key=manager_id,
        org_id=envelope.org_id,
        payload=DepartureAuditOpened(audit_id=row.id, manager_id=manager_id),
    )
    return row


def _settle(uow: UnitOfWork, row: DepartureAuditRow) -> None:
    status = domain.status_after_review(
        row.portfolio_received, (domain.ItemStatus(i.status) for i in row.items)
    )
    if status is domain.AuditStatus.CLEARED and row.status != status.value:
        row.cleared_at = utcnow()
        uow.emit(
            "audit.departure-cleared",
            key=row.manager_id,
            org_id=row.org_id,
            payload=DepartureCleared(
                audit_id=row.id,
                manager_id=row.manager_id,
                cleared_at=row.cleared_at,
                items_reviewed=len(row.items),
            ),
        )
    row.status = status.value


async def open_departure_audit(uow: UnitOfWork, envelope: Envelope, event: ManagerDepartureRequested) -> None:
    """R-I6: a departure request opens an audit that waits for the CM's portfolio."""
    row = await _audit_for_request(uow, envelope, event.manager_id, str(envelope.event_id))
    row.requested_at = event.requested_at


async def add_portfolio(uow: UnitOfWork, envelope: Envelope, event: ManagerPortfolioPublished) -> None:
    """R-I6: one item per customer of the departing CM's portfolio."""
    row = await _audit_for_request(uow, envelope, event.manager_id, event.departure_event_id)
    if row.portfolio_received or row.status == domain.AuditStatus.CANCELLED.value:
        return
    if row.requested_at is None:
        row.requested_at = event.as_of
    seen = {i.customer_id for i in row.items}
    for customer in event.customers:
        if customer.customer_id in seen:
            continue
        seen.add(customer.customer_id)
        row.items.append(
            DepartureAuditItemRow(
                customer_id=customer.customer_id,
                customer_name=customer.name,
                customer_kind=customer.kind,
                status=domain.ItemStatus.PENDING.value,
            )
        )
    row.portfolio_received = True
    _settle(uow, row)


async def cancel_departure_audit(
    uow: UnitOfWork, envelope: Envelope, event: ManagerDepartureWithdrawn
) -> None:
    """R-I6: the departure was withdrawn, so its open audit is cancelled."""
    open_audits = await uow.session.scalars(
        select(DepartureAuditRow).where(
            DepartureAuditRow.manager_id == event.manager_id,
            DepartureAuditRow.org_id == envelope.org_id,
            DepartureAuditRow.status.in_(
                [domain.AuditStatus.AWAITING_PORTFOLIO.value, domain.AuditStatus.IN_PROGRESS.value]
            ),
        )
    )
    for row in open_audits:
        row.status = domain.cancel(domain.AuditStatus(row.status)).value


async def _visible_audit(uow: UnitOfWork, audit_id: str, caller: Principal) -> DepartureAuditRow:
    row = await uow.session.get(DepartureAuditRow, audit_id)
    if row is None or row.org_id != caller.org_id:
        raise NotFound(f"departure audit {audit_id} not found")
    return row


async def clear_item(
    uow: UnitOfWork, audit_id: str, item_id: int, cmd: ItemClear, caller: Principal
) -> DepartureAuditRead:
    """An auditor finds one customer clear; the last one clears the departure."""
    async with uow:
        row = await _visible_audit(uow, audit_id, caller)
        item = next((i for i in row.items if i.id == item_id), None)
        if item is None:
            raise NotFound(f"item {item_id} not found in departure audit {audit_id}")
        domain.check_reviewable(domain.AuditStatus(row.status), domain.ItemStatus(item.status))
        item.status = domain.ItemStatus.CLEAR.value
        item.note = cmd.note
        item.reviewed_by = caller.user_id
        item.reviewed_at = utcnow()
        _settle(uow, row)
        await uow.commit()
        return _read(row)


async def get_audit(uow: UnitOfWork, audit_id: str, caller: Principal) -> DepartureAuditRead:
    """One departure audit with its items."""
    async with uow:
        return _read(await _visible_audit(uow, audit_id, caller))


async def list_audits(
    uow: UnitOfWork, caller: Principal, status: domain.AuditStatus | None, manager_id: str | None
) -> list[DepartureAuditRead]:
    """Departure audits of the caller's cooperative, oldest first."""
    async with uow:
        query = select(DepartureAuditRow).where(DepartureAuditRow.org_id == caller.org_id)
        if status is not None:
            query = query.where(DepartureAuditRow.status == status.value)
        if manager_id is not None:
            query = query.where(DepartureAuditRow.manager_id == manager_id)
        rows = await uow.session.scalars(query.order_by(DepartureAuditRow.opened_at).limit(500))
        return [_read(r) for r in rows]
