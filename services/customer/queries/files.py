"""Customer files as the caller may see them (BOLA, office scope), the roster and a file's histories."""

from datetime import date
from functools import lru_cache

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload

from services.customer.models import AssignmentRow, CustomerRow, SectionRow, TeamMemberProjectionRow
from services.customer.queries import search
from services.customer.queries.scope import in_scope
from services.customer.schemas import AssignmentRead, ClassificationModel, CustomerRead, Section, SectionRead
from shared.auth import Principal, Role
from shared.errors import NotFound
from shared.pagination import Page
from shared.timeutil import utcnow
from shared.uow import UnitOfWork

READ_ALL = (Role.SUPERVISOR, Role.ADMIN, Role.AUDITOR, Role.MANAGEMENT, Role.RISK)
MANAGE = (Role.SUPERVISOR, Role.ADMIN)


def current(row: CustomerRow) -> list[AssignmentRow]:
    """The assignments in force, primary first."""
    live = [a for a in row.assignments if a.valid_to is None]
    return sorted(live, key=lambda a: (a.role != "primary", a.id))


def read(row: CustomerRow) -> CustomerRead:
    """A customer file with the CMs serving it now."""
    return CustomerRead(
        id=row.id,
        org_id=row.org_id,
        file_no=row.file_no,
        external_id=row.external_id,
        has_id_document=row.id_document_hash is not None,
        name=row.name,
        kind=row.kind,
        branch=row.branch,
        address=row.address,
        contact=row.contact,
        relationship_evaluation=row.relationship_evaluation,
        cooperation_direction=row.cooperation_direction,
        importance=row.importance,
        deposit_balance=row.deposit_balance,
        loan_balance=row.loan_balance,
        overdue_balance=row.overdue_balance,
        balances_as_of=row.balances_as_of,
        classification=ClassificationModel.model_validate(row.classification),
        team_id=row.team_id,
        attribution_mode=row.attribution_mode,
        compliant=row.compliant,
        compliance_issues=list(row.compliance_issues),
        created_at=row.created_at,
        managers=[AssignmentRead.model_validate(a) for a in current(row)],
        office_id=row.office_id,
    )


def visible(caller: Principal) -> Select[CustomerRow]:
    """Customers the caller may see: a CM only those they serve, directly or through their team."""
    return _visible(caller, utcnow().date())


def visible_on(caller: Principal, today: date) -> Select[CustomerRow]:
    """Customers the caller may see on a given day (the statement is built once per caller and day)."""
    return _visible(caller, today)


# Building the statement costs more Python than running it; it depends only on the caller and the day.
@lru_cache(maxsize=4096)
def _visible(caller: Principal, today: date) -> Select[CustomerRow]:
    query = select(CustomerRow).where(CustomerRow.org_id == caller.org_id)
    if caller.has_any(READ_ALL):
        return query.where(in_scope(caller, CustomerRow.office_id, today))
    served = select(AssignmentRow.customer_id).where(
        AssignmentRow.manager_id == caller.user_id, AssignmentRow.valid_to.is_(None)
    )
    return query.where(CustomerRow.id.in_(served) | CustomerRow.team_id.in_(_teams_of(caller)))


def visible_ids(caller: Principal) -> Select[str]:
    """Ids of the customers the caller may see."""
    return visible(caller).with_only_columns(CustomerRow.id)


def _teams_of(caller: Principal) -> Select[str]:
    return select(TeamMemberProjectionRow.team_id).where(TeamMemberProjectionRow.manager_id == caller.user_id)


@lru_cache(maxsize=4096)
def _one_visible(caller: Principal, today: date) -> Select[CustomerRow]:
    one = CustomerRow.id == bindparam("customer_id")
    return _visible(caller, today).where(one).options(joinedload(CustomerRow.assignments))


async def visible_customer(uow: UnitOfWork, customer_id: str, caller: Principal) -> CustomerRow:
    """One customer the caller may see, else 404 (a CM learns nothing of others' customers)."""
    query = _one_visible(caller, utcnow().date())
    row = (await uow.session.scalars(query, {"customer_id": customer_id})).unique().one_or_none()
    if row is None:
        raise NotFound("customer.not_found", customer_id=customer_id)
    return row


def served_by(manager_id: str) -> Select[str]:
    """Ids of the customers a CM serves now."""
    return select(AssignmentRow.customer_id).where(
        AssignmentRow.manager_id == manager_id, AssignmentRow.valid_to.is_(None)
    )


async def get_customer(uow: UnitOfWork, customer_id: str, caller: Principal) -> CustomerRead:
    """One customer, if the caller serves it or may read all; else 404."""
    async with uow:
        return read(await visible_customer(uow, customer_id, caller))


async def list_customers(
    uow: UnitOfWork,
    caller: Principal,
    page: Page,
    branch: str | None,
    manager_id: str | None,
    importance: str | None,
    compliant: bool | None,
    external_id: str | None = None,
    id_document_hash: str | None = None,
    q: str | None = None,
) -> list[CustomerRead]:
    """The roster the caller may see, filtered and paginated."""
    query = visible(caller)
    if external_id is not None:
        query = query.where(CustomerRow.external_id == external_id)
    if id_document_hash is not None:
        query = query.where(CustomerRow.id_document_hash == id_document_hash)
    if branch is not None:
        query = query.where(CustomerRow.branch == branch)
    if importance is not None:
        query = query.where(CustomerRow.importance == importance)
    if compliant is not None:
        query = query.where(CustomerRow.compliant.is_(compliant))
    if manager_id is not None:
        query = query.where(CustomerRow.id.in_(served_by(manager_id)))
    async with uow:
        if q is not None:
            query = query.where(search.matching(q, uow.session.get_bind().dialect.name))
        rows = await page.rows(uow.session, query.order_by(CustomerRow.file_no, CustomerRow.id))
        return [read(r) for r in rows]


async def section_history(
    uow: UnitOfWork, customer_id: str, section: Section, caller: Principal
) -> list[SectionRead]:
    """R-C6/R-R3: every version of a section, newest first."""
    async with uow:
        row = await visible_customer(uow, customer_id, caller)
        versions = await uow.session.scalars(
            select(SectionRow)
            .where(SectionRow.customer_id == row.id, SectionRow.section == section.value)
            .order_by(SectionRow.version.desc(), SectionRow.id.desc())
        )
        return [SectionRead.model_validate(v) for v in versions]


async def assignment_history(uow: UnitOfWork, customer_id: str, caller: Principal) -> list[AssignmentRead]:
    """Every assignment the customer ever had, effective-dated, oldest first (appraisal needs it)."""
    async with uow:
        row = await visible_customer(uow, customer_id, caller)
        return [AssignmentRead.model_validate(a) for a in sorted(row.assignments, key=lambda a: a.id)]
