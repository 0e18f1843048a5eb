"""Departure audits (R-I6): opened by the request, one item per customer, cleared only when all are clear."""

from uuid import uuid4

from sqlalchemy import delete, func, select

from services.audit.domain import departure as rules
from services.audit.models import (
    AssignmentProjectionRow,
    DepartureAuditItemRow,
    DepartureAuditRow,
    FindingRow,
)
from services.audit.queries import departures as queries
from services.audit.schemas import DepartureAuditRead, ItemClear
from shared import telemetry
from shared.auth import Principal
from shared.contracts.audit import DepartureAuditOpened, DepartureCleared
from shared.contracts.customer import CustomerAssignmentChanged, ManagerPortfolioPublished
from shared.contracts.staffing import ManagerDepartureRequested, ManagerDepartureWithdrawn
from shared.envelope import Envelope
from shared.errors import NotFound
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


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
        status=rules.AuditStatus.AWAITING_PORTFOLIO.value,
        portfolio_received=False,
        opened_at=utcnow(),
        trace_parent=telemetry.traceparent(),  # the departure's trace, for the auditor's clearances
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


def settle(uow: UnitOfWork, row: DepartureAuditRow) -> None:
    """Recompute the audit's status; publish `audit.departure-cleared` the moment it clears."""
    items = [rules.ItemStatus(i.status) for i in row.items]
    status, cleared = rules.settle(rules.AuditStatus(row.status), row.portfolio_received, items, utcnow())
    if cleared is not None:
        row.cleared_at = cleared.cleared_at
        with telemetry.continuing(row.trace_parent, "departure cleared"):  # staffing's departed joins it
            uow.emit(
                "audit.departure-cleared",
                key=row.manager_id,
                org_id=row.org_id,
                payload=DepartureCleared(
                    audit_id=row.id,
                    manager_id=row.manager_id,
                    cleared_at=cleared.cleared_at,
                    items_reviewed=cleared.items_reviewed,
                    departure_event_id=row.departure_event_id,
                ),
            )
    row.status = status.value


def _add_items(row: DepartureAuditRow, items: list[rules.NewItem]) -> None:
    """Write the items the decision added."""
    for item in items:
        row.items.append(
            DepartureAuditItemRow(
                customer_id=item.customer_id,
                customer_name=item.name,
                customer_kind=item.kind,
                source=item.source,
                status=rules.ItemStatus.PENDING.value,
            )
        )


async def when_departure_requested_open_audit(
    uow: UnitOfWork, envelope: Envelope, event: ManagerDepartureRequested
) -> None:
    """R-I6: a departure request opens an audit that waits for the CM's portfolio."""
    row = await _audit_for_request(uow, envelope, event.manager_id, str(envelope.event_id))
    row.requested_at = event.requested_at


async def when_portfolio_published_add_items(
    uow: UnitOfWork, envelope: Envelope, event: ManagerPortfolioPublished
) -> None:
    """R-I6: one item per customer of the portfolio, plus any the assignment projection still shows."""
    row = await _audit_for_request(uow, envelope, event.manager_id, event.departure_event_id)
    if not rules.accepts_portfolio(rules.AuditStatus(row.status), row.portfolio_received):
        return
    if row.requested_at is None:
        row.requested_at = event.as_of
    served = await uow.session.scalars(
        select(AssignmentProjectionRow.customer_id).where(
            AssignmentProjectionRow.manager_id == event.manager_id,
            AssignmentProjectionRow.org_id == row.org_id,
        )
    )
    portfolio = [(c.customer_id, c.name, c.kind) for c in event.customers]
    _add_items(row, rules.portfolio_items((i.customer_id for i in row.items), portfolio, served))
    row.portfolio_received = True
    settle(uow, row)


async def when_assignment_changed_add_late_items(
    uow: UnitOfWork, envelope: Envelope, event: CustomerAssignmentChanged
) -> None:
    """Keep who serves whom; a customer given to a CM whose departure is being audited becomes an item."""
    await uow.session.execute(
        delete(AssignmentProjectionRow).where(AssignmentProjectionRow.customer_id == event.customer_id)
    )
    for manager_id, role in rules.team_roles(event.primary_manager_id, event.co_manager_ids):
        uow.session.add(
            AssignmentProjectionRow(
                customer_id=event.customer_id, manager_id=manager_id, org_id=envelope.org_id, role=role
            )
        )
        audits = await uow.session.scalars(
            select(DepartureAuditRow).where(
                DepartureAuditRow.manager_id == manager_id,
                DepartureAuditRow.org_id == envelope.org_id,
                DepartureAuditRow.status.in_([s.value for s in rules.OPEN]),
                DepartureAuditRow.portfolio_received,
            )
        )
        for audit in audits:
            late = rules.late_item((i.customer_id for i in audit.items), event.customer_id)
            if late is not None:
                _add_items(audit, [late])
                settle(uow, audit)


async def when_departure_withdrawn_cancel_audit(
    uow: UnitOfWork, envelope: Envelope, event: ManagerDepartureWithdrawn
) -> None:
    """R-I6: the departure was withdrawn, so its open audit is cancelled."""
    open_audits = await uow.session.scalars(
        select(DepartureAuditRow).where(
            DepartureAuditRow.manager_id == event.manager_id,
            DepartureAuditRow.org_id == envelope.org_id,
            DepartureAuditRow.status.in_([s.value for s in rules.OPEN]),
        )
    )
    for row in open_audits:
        row.status = rules.cancel(rules.AuditStatus(row.status)).value


def item_of(row: DepartureAuditRow, item_id: int) -> DepartureAuditItemRow:
    """One item of the audit, else 404."""
    item = next((i for i in row.items if i.id == item_id), None)
    if item is None:
        raise NotFound("audit.departure.item_not_found", item_id=item_id, audit_id=row.id)
    return item


async def open_findings(uow: UnitOfWork, item_id: int) -> int:
    """How many findings on an item are still open."""
    count = await uow.session.scalar(
        select(func.count())
        .select_from(FindingRow)
        .where(FindingRow.audit_item_id == item_id, FindingRow.status == "open")
    )
    return int(count or 0)


async def clear_item(
    uow: UnitOfWork, audit_id: str, item_id: int, cmd: ItemClear, caller: Principal
) -> DepartureAuditRead:
    """An auditor finds one customer clear; the last one clears the departure."""
    async with uow:
        row = await queries.visible_audit(uow, audit_id, caller)
        rules.check_auditor(caller.user_id, row.manager_id)
        telemetry.link_to(row.trace_parent)  # this clearance's request span points at the departure
        item = item_of(row, item_id)
        status = rules.clear_item(
            caller.user_id,
            row.manager_id,
            rules.AuditStatus(row.status),
            rules.ItemStatus(item.status),
            await open_findings(uow, item.id),
        )
        item.status, item.note = status.value, cmd.note
        item.reviewed_by, item.reviewed_at = caller.user_id, utcnow()
        settle(uow, row)
        await uow.commit()
        return queries.read(row)
