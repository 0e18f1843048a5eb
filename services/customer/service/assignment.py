"""Who serves whom (R-C1, R-C2, R-C3, R-Q5, R-A4, R-I6): assignments, classification, bulk reassignment."""

from decimal import Decimal

from sqlalchemy import or_, select

from services.customer.domain import assignment as rules
from services.customer.domain import reassignment
from services.customer.domain.classification import CONTROL_ROLES, Classification, check_control_request
from services.customer.models import AssignmentRow, CustomerRow, TeamProjectionRow
from services.customer.queries.files import current, read, served_by, visible_customer
from services.customer.queries.managers import manager_view
from services.customer.queries.scope import restrict
from services.customer.schemas import (
    AssignmentSet,
    ClassificationModel,
    CustomerRead,
    ReassignmentCreate,
    ReassignmentRead,
)
from services.customer.service.common import classification_of, grade_views
from shared.auth import Principal, Role
from shared.contracts.customer import (
    ComplianceViolation,
    CustomerAssignmentChanged,
    CustomerClassified,
    CustomerComplianceChanged,
)
from shared.errors import NotFound, RuleViolation
from shared.messages.issues import ComplianceIssue
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


async def team_lead(uow: UnitOfWork, team_id: str | None, org_id: str) -> rules.ManagerView | None:
    """R-C2: the lead of the customer's live CM team, as staffing last published it (None: no team)."""
    team = await _live_team(uow, team_id, org_id)
    return await manager_view(uow, team.lead_id) if team is not None else None


async def _live_team(uow: UnitOfWork, team_id: str | None, org_id: str) -> TeamProjectionRow | None:
    team = await uow.session.get(TeamProjectionRow, team_id) if team_id else None
    return team if team is not None and team.org_id == org_id and not team.dissolved else None


def compliance_of(row: CustomerRow) -> rules.Compliance:
    """The customer's recorded compliance as the domain's value."""
    return rules.Compliance(row.compliant, tuple(row.compliance_issues or []))


def plan_of(cmd: AssignmentSet, reason: str) -> rules.TeamPlan:
    """An assignment command as the domain's plan."""
    mode, shares = cmd.attribution.mode, cmd.attribution.shares
    return rules.TeamPlan(
        cmd.primary_manager_id, tuple(cmd.co_manager_ids), cmd.team_id, mode, shares, reason
    )


async def assign(
    uow: UnitOfWork,
    row: CustomerRow,
    cmd: AssignmentSet | rules.TeamPlan,
    caller: Principal,
    risk_threshold: Decimal,
    first: bool = False,
) -> tuple[str, ...]:
    """Load what the rules need, let the domain decide, then replace the current assignment (history kept)."""
    plan = cmd if isinstance(cmd, rules.TeamPlan) else plan_of(cmd, cmd.reason or ("opened" if first else ""))
    ids = list(dict.fromkeys([plan.primary_id, *plan.co_manager_ids]))
    team = await _live_team(uow, plan.team_id, caller.org_id)
    state = rules.Serving(
        org_id=caller.org_id,
        classification=classification_of(row),
        compliance=compliance_of(row),
        serving=frozenset(a.manager_id for a in current(row)),
        views={m: await manager_view(uow, m) for m in ids},
        team_live=team is not None,
        team_lead=await manager_view(uow, team.lead_id) if team is not None else None,
        grades=await grade_views(uow, caller.org_id),
    )
    decided = rules.assign_team(plan, state, risk_threshold, caller.user_id, utcnow())
    if isinstance(decided, rules.TeamRefused):
        issues = [ComplianceIssue(rules.issue_line(v)) for v in decided.violations]
        raise RuleViolation("customer.assignment.team_breaks_rules", issues=issues)
    row.team_id, row.attribution_mode = decided.team_id, decided.mode.value
    for live in current(row):
        live.valid_to = decided.effective_from
    for manager_id, role in decided.roles():
        row.assignments.append(
            AssignmentRow(
                manager_id=manager_id,
                role=role.value,
                share=decided.shares.get(manager_id),
                valid_from=decided.effective_from,
                changed_by=decided.by,
                reason=decided.reason or None,
            )
        )
    _record_compliance(uow, row, decided.compliance)
    uow.emit(
        "customer.assignment-changed",
        key=row.id,
        org_id=row.org_id,
        payload=CustomerAssignmentChanged(
            customer_id=row.id,
            primary_manager_id=decided.primary_id,
            co_manager_ids=decided.co_manager_ids,
            team_id=decided.team_id,
            attribution_mode=decided.mode.value,
            shares={m: str(v) for m, v in decided.shares.items()},
            effective_from=decided.effective_from,
            reason=decided.reason,
        ),
    )
    return decided.co_manager_ids


async def set_assignment(
    uow: UnitOfWork, customer_id: str, cmd: AssignmentSet, caller: Principal, risk_threshold: Decimal
) -> CustomerRead:
    """A supervisor sets who serves the customer from now on."""
    async with uow:
        row = await visible_customer(uow, customer_id, caller)
        await assign(uow, row, cmd, caller, risk_threshold)
        await uow.commit()
        return read(row)


def _record_compliance(uow: UnitOfWork, row: CustomerRow, change: rules.ComplianceChanged | None) -> None:
    if change is None:
        return
    row.compliant, row.compliance_issues = change.compliant, list(change.issues)
    uow.emit(
        "customer.compliance-changed",
        key=row.id,
        org_id=row.org_id,
        payload=CustomerComplianceChanged(
            customer_id=row.id,
            compliant=change.compliant,
            issues=change.issues,
            violations=tuple(ComplianceViolation.of(v) for v in change.violations),
        ),
    )


async def recheck(
    uow: UnitOfWork, row: CustomerRow, risk_threshold: Decimal, c: Classification | None = None
) -> None:
    """Re-evaluate R-C1/R-C2/R-C3/R-Q5 for the current team; a change of compliance is recorded, published."""
    primary_id, co_ids = rules.split_team((a.manager_id, a.role) for a in current(row))
    views = {m: await manager_view(uow, m) for m in (primary_id, *co_ids) if m is not None}
    co = [v for m in co_ids if (v := views[m]) is not None]
    change = rules.recheck_compliance(
        c if c is not None else classification_of(row),
        views.get(primary_id) if primary_id is not None else None,
        co,
        await grade_views(uow, row.org_id),
        risk_threshold,
        await team_lead(uow, row.team_id, row.org_id),
        compliance_of(row),
        utcnow().date(),
    )
    _record_compliance(uow, row, change)


async def recheck_served_by(
    uow: UnitOfWork, org_id: str, manager_id: str | None, risk_threshold: Decimal
) -> None:
    """A CM's grade or the ladder changed: re-evaluate every customer they (or, for None, anyone) serve."""
    query = select(CustomerRow).where(CustomerRow.org_id == org_id)
    served = select(AssignmentRow.customer_id).where(AssignmentRow.valid_to.is_(None))
    if manager_id is not None:
        served = served.where(AssignmentRow.manager_id == manager_id)
        led = select(TeamProjectionRow.team_id).where(TeamProjectionRow.lead_id == manager_id)
        query = query.where(or_(CustomerRow.id.in_(served), CustomerRow.team_id.in_(led)))  # R-C2: team leads
    else:
        query = query.where(CustomerRow.id.in_(served))
    for row in list(await uow.session.scalars(query)):
        await recheck(uow, row, risk_threshold)


async def recheck_team(uow: UnitOfWork, org_id: str, team_id: str, risk_threshold: Decimal) -> None:
    """R-C2: a team's lead changed or it was dissolved: re-evaluate the customers it serves."""
    query = select(CustomerRow).where(CustomerRow.org_id == org_id, CustomerRow.team_id == team_id)
    for row in list(await uow.session.scalars(query)):
        await recheck(uow, row, risk_threshold)


async def classify(
    uow: UnitOfWork, customer_id: str, cmd: ClassificationModel, caller: Principal, risk_threshold: Decimal
) -> CustomerRead:
    """Reclassify; a team that now breaks R-C1/R-C3/R-Q5 is marked non-compliant, never changed silently."""
    async with uow:
        row = await visible_customer(uow, customer_id, caller)
        await _classify(uow, row, cmd, caller, risk_threshold)
        await uow.commit()
        return read(row)


async def _classify(
    uow: UnitOfWork, row: CustomerRow, cmd: ClassificationModel, caller: Principal, risk_threshold: Decimal
) -> None:
    new = cmd.to_domain()
    check_control_request(
        classification_of(row).control_requested,
        new.control_requested,
        caller.has_any([Role(r) for r in CONTROL_ROLES]),
    )
    row.classification = cmd.model_dump(mode="json")
    await recheck(uow, row, risk_threshold, new)
    uow.emit(
        "customer.classified",
        key=row.id,
        org_id=row.org_id,
        payload=CustomerClassified(
            customer_id=row.id, importance=row.importance, classification=cmd.model_dump(mode="json")
        ),
    )


async def request_control(
    uow: UnitOfWork, customer_id: str, requested: bool, caller: Principal, risk_threshold: Decimal
) -> CustomerRead:
    """R-C3: a control role asks for (or withdraws the request for) two or more CMs with a named primary."""
    async with uow:
        row = await uow.session.get(CustomerRow, customer_id)
        if row is None or row.org_id != caller.org_id:
            raise NotFound("customer.not_found", customer_id=customer_id)
        values = {**(row.classification or {}), "control_requested": requested}
        await _classify(uow, row, ClassificationModel.model_validate(values), caller, risk_threshold)
        await uow.commit()
        return read(row)


async def reassign(
    uow: UnitOfWork, cmd: ReassignmentCreate, caller: Principal, risk_threshold: Decimal
) -> ReassignmentRead:
    """Move a CM's customers to another CM in the same role; all or nothing, every rule checked."""
    reassignment.check_managers(cmd.from_manager_id, cmd.to_manager_id)
    async with uow:
        query = select(CustomerRow).where(
            CustomerRow.org_id == caller.org_id,
            CustomerRow.id.in_(served_by(cmd.from_manager_id)),
        )
        query = restrict(query, caller, CustomerRow.id)
        if cmd.customer_ids is not None:
            query = query.where(CustomerRow.id.in_(cmd.customer_ids))
        rows = list(await uow.session.scalars(query.order_by(CustomerRow.file_no)))
        reassignment.check_all_served(cmd.customer_ids, len(rows), cmd.from_manager_id)
        refused = []
        for row in rows:
            plan = _moved_team(row, cmd.from_manager_id, cmd.to_manager_id)
            try:
                await assign(uow, row, plan, caller, risk_threshold)
            except RuleViolation as exc:
                refused.append((row.file_no, exc))
        reassignment.check_none_refused(refused)
        await uow.commit()
        return ReassignmentRead(moved=[r.id for r in rows])


def _moved_team(row: CustomerRow, old: str, new: str) -> rules.TeamPlan:
    primary, co = rules.split_team((a.manager_id, a.role) for a in current(row))
    assert primary is not None, "a served customer has a primary"
    shares = {a.manager_id: a.share for a in current(row) if a.share is not None}
    mode = rules.AttributionMode(row.attribution_mode)
    return rules.moved_team(primary, co, shares, row.team_id, mode, old, new)
