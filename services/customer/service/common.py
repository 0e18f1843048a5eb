"""What customer commands share: visibility (BOLA), views of CMs and grades, reading a file."""

from datetime import date
from functools import lru_cache

from sqlalchemy import Select, bindparam, delete, select
from sqlalchemy.orm import joinedload

from services.customer.domain.assignment import GradeView, ManagerView
from services.customer.domain.classification import Classification
from services.customer.models import (
    AssignmentRow,
    CustomerRow,
    GradeProjectionRow,
    LadderVersionRow,
    ManagerProjectionRow,
    TeamMemberProjectionRow,
    TeamProjectionRow,
)
from services.customer.schemas import AssignmentRead, ClassificationModel, CustomerRead
from services.customer.service.scope import in_scope
from shared.auth import Principal, Role
from shared.contracts.default_ladder import DEFAULT_LADDER_GRADES
from shared.contracts.staffing import LadderGrade
from shared.errors import NotFound
from shared.rules import in_force
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


def classification_of(row: CustomerRow) -> Classification:
    """The stored classification as the domain's value."""
    return ClassificationModel.model_validate(row.classification).to_domain()


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


async def manager_view(uow: UnitOfWork, manager_id: str) -> ManagerView | None:
    """What the projection knows of a CM."""
    row = await uow.session.get(ManagerProjectionRow, manager_id)
    if row is None:
        return None
    return ManagerView(row.manager_id, row.org_id, row.status, row.certified_until, row.grade)


async def bring_ladder_in_force(uow: UnitOfWork, org_id: str, on: date) -> bool:
    """R-Q3: make the projection hold the ladder version in force on the date; True if it changed."""
    versions = (
        await uow.session.execute(
            select(LadderVersionRow.version, LadderVersionRow.effective_from).where(
                LadderVersionRow.org_id == org_id
            )
        )
    ).all()
    chosen = in_force([(v, d) for v, d in versions], on)
    known = await uow.session.scalar(
        select(GradeProjectionRow.ladder_version).where(GradeProjectionRow.org_id == org_id).limit(1)
    )
    if chosen is None or (known is not None and known >= chosen):
        return False
    ladder = await uow.session.get(LadderVersionRow, (org_id, chosen))
    assert ladder is not None
    await uow.session.execute(delete(GradeProjectionRow).where(GradeProjectionRow.org_id == org_id))
    for grade in (LadderGrade.model_validate(g) for g in ladder.grades):
        uow.session.add(
            GradeProjectionRow(
                org_id=org_id,
                code=grade.code,
                ladder_version=chosen,
                may_lead_teams=grade.may_lead_teams,
                customer_classes=list(grade.customer_classes),
                products=list(grade.products),
                authorization_limit=grade.authorization_limit,
            )
        )
    await uow.session.flush()
    return True


async def grade_views(uow: UnitOfWork, org_id: str) -> dict[str, GradeView]:
    """The ladder in force today for the cooperative, or the default ladder before one was published."""
    await bring_ladder_in_force(uow, org_id, utcnow().date())
    rows = list(
        await uow.session.scalars(select(GradeProjectionRow).where(GradeProjectionRow.org_id == org_id))
    )
    if rows:
        return {r.code: GradeView(r.code, r.may_lead_teams, frozenset(r.customer_classes)) for r in rows}
    return {
        g.code: GradeView(g.code, g.may_lead_teams, frozenset(g.customer_classes))
        for g in DEFAULT_LADDER_GRADES
    }


async def team_members(uow: UnitOfWork, team_id: str, org_id: str) -> list[str]:
    """Members of a live team, or 404."""
    team = await uow.session.get(TeamProjectionRow, team_id)
    if team is None or team.org_id != org_id or team.dissolved:
        raise NotFound("customer.team_unknown", team_id=team_id)
    members = await uow.session.scalars(
        select(TeamMemberProjectionRow.manager_id).where(TeamMemberProjectionRow.team_id == team_id)
    )
    return list(members)
