"""Customer service layer: one unit of work per command."""

from datetime import date, datetime
from uuid import uuid4

from sqlalchemy import Select, select, update
from sqlalchemy.exc import IntegrityError

from services.customer import domain
from services.customer.models import (
    AssignmentRow,
    CustomerRow,
    FileCounterRow,
    ManagerProjectionRow,
)
from services.customer.schemas import (
    AssignmentRead,
    CustomerCreate,
    CustomerRead,
    ManagerProjectionRead,
)
from shared.auth import Principal, Role
from shared.contracts.customer import (
    CustomerRegistered,
    ManagerPortfolioPublished,
    PortfolioCustomer,
)
from shared.contracts.staffing import (
    ManagerCertificationExpired,
    ManagerCertified,
    ManagerDeparted,
    ManagerDepartureRequested,
    ManagerDepartureWithdrawn,
    ManagerGradeChanged,
    ManagerRegistered,
)
from shared.envelope import Envelope
from shared.errors import Conflict, Forbidden, NotFound
from shared.timeutil import utcnow
from shared.uow import UnitOfWork

READ_ALL = (Role.SUPERVISOR, Role.ADMIN, Role.AUDITOR, Role.MANAGEMENT, Role.RISK)


def _read(row: CustomerRow) -> CustomerRead:
    current = [a for a in row.assignments if a.valid_to is None]
    return CustomerRead(
        id=row.id,
        org_id=row.org_id,
        file_no=row.file_no,
        name=row.name,
        kind=domain.CustomerKind(row.kind),
        created_at=row.created_at,
        managers=[
            AssignmentRead.model_validate(a)
            for a in sorted(current, key=lambda a: (a.role != "primary", a.id))
        ],
    )


async def _manager_view(uow: UnitOfWork, manager_id: str) -> domain.ManagerView | None:
    row = await uow.session.get(ManagerProjectionRow, manager_id)
    return domain.ManagerView(row.manager_id, row.org_id, row.status, row.certified_until) if row else None


async def _next_file_no(uow: UnitOfWork, org_id: str) -> str:
    number = await uow.session.scalar(
        update(FileCounterRow)
        .where(FileCounterRow.org_id == org_id)
        .values(last_no=FileCounterRow.last_no + 1)
        .returning(FileCounterRow.last_no)
    )
    if number is None:
        number = 1
        uow.session.add(FileCounterRow(org_id=org_id, last_no=number))
    return f"F{number:08d}"


async def register_customer(uow: UnitOfWork, cmd: CustomerCreate, caller: Principal) -> CustomerRead:
    """Open a customer file with its primary and co-managers; publish `customer.registered`."""
    if not caller.has_any((Role.SUPERVISOR, Role.ADMIN)) and caller.user_id not in {
        cmd.primary_manager_id,
        *cmd.co_manager_ids,
    }:
        raise Forbidden("a CM may only open files for customers they serve")
    co_ids = domain.check_team(cmd.primary_manager_id, cmd.co_manager_ids)
    async with uow:
        for manager_id in (cmd.primary_manager_id, *co_ids):
            domain.check_assignable(
                await _manager_view(uow, manager_id), manager_id, caller.org_id, utcnow().date()
            )
        now = utcnow()
        row = CustomerRow(
            id=f"c-{uuid4().hex[:12]}",
            org_id=caller.org_id,
            file_no=await _next_file_no(uow, caller.org_id),
            name=cmd.name,
            kind=cmd.kind.value,
            created_at=now,
            created_by=caller.user_id,
        )
        row.assignments = [
            AssignmentRow(
                manager_id=cmd.primary_manager_id, role=domain.AssignmentRole.PRIMARY.value, valid_from=now
            ),
            *(
                AssignmentRow(manager_id=m, role=domain.AssignmentRole.CO_MANAGER.value, valid_from=now)
                for m in co_ids
            ),
        ]
        uow.session.add(row)
        uow.emit(
            "customer.registered",
            key=row.id,
            org_id=row.org_id,
            payload=CustomerRegistered(
                customer_id=row.id,
                file_no=row.file_no,
                name=row.name,
                kind=row.kind,
                primary_manager_id=cmd.primary_manager_id,
                co_manager_ids=co_ids,
            ),
        )
        try:
            await uow.commit()
        except IntegrityError as exc:
            raise Conflict("the customer file could not be numbered; retry") from exc
        return _read(row)


def _visible(caller: Principal) -> Select[CustomerRow]:
    query = select(CustomerRow).where(CustomerRow.org_id == caller.org_id)
    if not caller.has_any(READ_ALL):
        served = select(AssignmentRow.customer_id).where(
            AssignmentRow.manager_id == caller.user_id, AssignmentRow.valid_to.is_(None)
        )
        query = query.where(CustomerRow.id.in_(served))
    return query


async def get_customer(uow: UnitOfWork, customer_id: str, caller: Principal) -> CustomerRead:
    """One customer, if the caller serves it or may read all; else 404."""
    async with uow:
        row = await uow.session.scalar(_visible(caller).where(CustomerRow.id == customer_id))
        if row is None:
            raise NotFound(f"customer {customer_id} not found")
        return _read(row)


async def list_customers(uow: UnitOfWork, caller: Principal, limit: int, offset: int) -> list[CustomerRead]:
    """The customers the caller may see: a CM sees only those they serve."""
    async with uow:
        rows = await uow.session.scalars(
            _visible(caller).order_by(CustomerRow.file_no).limit(limit).offset(offset)
        )
        return [_read(r) for r in rows]


async def get_manager_view(uow: UnitOfWork, manager_id: str, caller: Principal) -> ManagerProjectionRead:
    """What customer service knows of a CM (for operators checking the projection)."""
    async with uow:
        row = await uow.session.get(ManagerProjectionRow, manager_id)
        if row is None or row.org_id != caller.org_id:
            raise NotFound(f"manager {manager_id} not known to customer service")
        return ManagerProjectionRead.model_validate(row)


async def _upsert_manager(
    uow: UnitOfWork, envelope: Envelope, manager_id: str, **values: str | date | datetime | None
) -> ManagerProjectionRow:
    row = await uow.session.get(ManagerProjectionRow, manager_id)
    if row is None:
        row = ManagerProjectionRow(
            manager_id=manager_id,
            org_id=envelope.org_id,
            name="",
            grade="",
            status="active",
            updated_at=envelope.occurred_at,
        )
        uow.session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_at = envelope.occurred_at
    return row


async def record_manager(uow: UnitOfWork, envelope: Envelope, event: ManagerRegistered) -> None:
    """Keep the CM in the projection: who may be given customers."""
    await _upsert_manager(
        uow,
        envelope,
        event.manager_id,
        name=event.name,
        grade=event.grade,
        status=event.status,
        certified_until=event.certified_until,
    )


async def record_certification(uow: UnitOfWork, envelope: Envelope, event: ManagerCertified) -> None:
    """R-Q7: the CM is certified until a new date."""
    await _upsert_manager(
        uow, envelope, event.manager_id, grade=event.grade, certified_until=event.valid_until
    )


async def record_expiry(uow: UnitOfWork, envelope: Envelope, event: ManagerCertificationExpired) -> None:
    """R-Q7: an expired CM counts as not certified here too (a renewal comes later on the same key)."""
    await _upsert_manager(uow, envelope, event.manager_id, certified_until=event.expired_on)


async def publish_departure_portfolio(
    uow: UnitOfWork, envelope: Envelope, event: ManagerDepartureRequested
) -> None:
    """R-I6: freeze new assignments to the CM and publish their portfolio as of the request."""
    await _upsert_manager(uow, envelope, event.manager_id, status="departure_pending")
    rows = await uow.session.execute(
        select(CustomerRow, AssignmentRow.role)
        .join(AssignmentRow, AssignmentRow.customer_id == CustomerRow.id)
        .where(
            AssignmentRow.manager_id == event.manager_id,
            CustomerRow.org_id == envelope.org_id,
            AssignmentRow.valid_from <= event.requested_at,
            (AssignmentRow.valid_to.is_(None)) | (AssignmentRow.valid_to > event.requested_at),
        )
        .order_by(CustomerRow.file_no)
    )
    customers = tuple(
        PortfolioCustomer(customer_id=c.id, name=c.name, kind=c.kind, role=role) for c, role in rows.all()
    )
    uow.emit(
        "manager.portfolio-published",
        key=event.manager_id,
        org_id=envelope.org_id,
        payload=ManagerPortfolioPublished(
            manager_id=event.manager_id,
            departure_event_id=str(envelope.event_id),
            as_of=event.requested_at,
            customers=customers,
        ),
    )


async def record_withdrawal(uow: UnitOfWork, envelope: Envelope, event: ManagerDepartureWithdrawn) -> None:
    """R-I6: the departure was withdrawn; the CM may take customers again."""
    await _upsert_manager(uow, envelope, event.manager_id, status="active")


async def record_grade_change(uow: UnitOfWork, envelope: Envelope, event: ManagerGradeChanged) -> None:
    """R-Q8: keep the CM's grade and status (removed from the post) current."""
    values: dict[str, str | date | datetime | None] = {"status": event.status}
    if event.to_grade is not None:
        values["grade"] = event.to_grade
    await _upsert_manager(uow, envelope, event.manager_id, **values)


async def record_departed(uow: UnitOfWork, envelope: Envelope, event: ManagerDeparted) -> None:
    """The CM has left: the projection says so."""
    await _upsert_manager(uow, envelope, event.manager_id, status="departed")
