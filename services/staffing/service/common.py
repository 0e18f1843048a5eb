"""What every staffing command needs: today's date, visibility, the ladder in force, manager events."""

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from services.staffing.domain.departure import ManagerStatus
from services.staffing.domain.ladder import (
    DEFAULT_LADDER,
    AppraisalStandard,
    CertificationWeights,
    ExpenseCategory,
    GradeSpec,
    Ladder,
)
from services.staffing.models import LadderVersionRow, ManagerRow, OfficeStaffRow
from services.staffing.service.offices import scope_of
from shared.auth import Principal, Role
from shared.contracts.staffing import ManagerRegistered
from shared.errors import NotFound
from shared.timeutil import utcnow
from shared.uow import UnitOfWork

READ_ALL = (Role.HR, Role.ADMIN, Role.SUPERVISOR, Role.MANAGEMENT, Role.AUDITOR)
MANAGE = (Role.HR, Role.ADMIN)


def today() -> date:
    """The current date in UTC."""
    return utcnow().date()


async def visible_manager(uow: UnitOfWork, manager_id: str, caller: Principal) -> ManagerRow:
    """A staff record the caller may see (a CM only sees themself), else 404."""
    row = await uow.session.get(ManagerRow, manager_id)
    visible = row is not None and row.org_id == caller.org_id
    if visible and not caller.has_any(READ_ALL):
        visible = caller.user_id == manager_id
    elif visible and caller.user_id != manager_id:
        scope = await scope_of(uow, caller)  # a branch supervisor sees the staff of their subtree
        if scope is not None:
            placed = await uow.session.get(OfficeStaffRow, (caller.org_id, manager_id))
            visible = placed is not None and placed.office_id in scope
    if not visible or row is None:
        raise NotFound("staffing.manager.not_found", manager_id=manager_id)
    return row


async def manager_in_org(uow: UnitOfWork, manager_id: str, org_id: str) -> ManagerRow:
    """A staff record of the organisation, for commands that name another CM."""
    row = await uow.session.get(ManagerRow, manager_id)
    if row is None or row.org_id != org_id:
        raise NotFound("staffing.manager.not_found", manager_id=manager_id)
    return row


def grade_to_json(g: GradeSpec) -> dict[str, Any]:
    """A grade as stored in a ladder version (money as strings)."""
    return {
        "code": g.code,
        "name": g.name,
        "rank": g.rank,
        "level": g.level,
        "may_lead_teams": g.may_lead_teams,
        "customer_classes": sorted(g.customer_classes),
        "products": sorted(g.products),
        "expense_budget": {c.value: str(v) for c, v in g.expense_budget.items()},
        "fixed_pay": str(g.fixed_pay),
        "floating_rate": str(g.floating_rate),
        "authorization_limit": str(g.authorization_limit),
        "pass_mark": str(g.pass_mark),
        "weights": {
            "performance": str(g.weights.performance),
            "ability": str(g.weights.ability),
            "exam": str(g.weights.exam),
        },
        "keep_standard": {
            "min_score": str(g.keep_standard.min_score),
            "min_profit": str(g.keep_standard.min_profit),
        },
        "reach_standard": {
            "min_score": str(g.reach_standard.min_score),
            "min_profit": str(g.reach_standard.min_profit),
        },
    }


def grade_from_json(d: dict[str, Any]) -> GradeSpec:
    """A stored grade back as the domain's GradeSpec."""
    return GradeSpec(
        code=d["code"],
        name=d["name"],
        rank=d["rank"],
        level=d["level"],
        may_lead_teams=d["may_lead_teams"],
        customer_classes=frozenset(d["customer_classes"]),
        products=frozenset(d["products"]),
        expense_budget={ExpenseCategory(c): Decimal(v) for c, v in d["expense_budget"].items()},
        fixed_pay=Decimal(d["fixed_pay"]),
        floating_rate=Decimal(d["floating_rate"]),
        authorization_limit=Decimal(d["authorization_limit"]),
        pass_mark=Decimal(d["pass_mark"]),
        weights=CertificationWeights(*(Decimal(d["weights"][k]) for k in ("performance", "ability", "exam"))),
        keep_standard=AppraisalStandard(
            Decimal(d["keep_standard"]["min_score"]), Decimal(d["keep_standard"]["min_profit"])
        ),
        reach_standard=AppraisalStandard(
            Decimal(d["reach_standard"]["min_score"]), Decimal(d["reach_standard"]["min_profit"])
        ),
    )


def ladder_from_row(row: LadderVersionRow) -> Ladder:
    """A stored ladder version as the domain's Ladder."""
    return Ladder(row.version, row.effective_from, tuple(grade_from_json(g) for g in row.grades))


async def ladder_in_force(uow: UnitOfWork, org_id: str, on: date) -> Ladder:
    """R-Q3: the newest version in force on a date; the default ladder before any was published."""
    row = await uow.session.scalar(
        select(LadderVersionRow)
        .where(LadderVersionRow.org_id == org_id, LadderVersionRow.effective_from <= on)
        .order_by(LadderVersionRow.effective_from.desc(), LadderVersionRow.version.desc())
        .limit(1)
    )
    return ladder_from_row(row) if row is not None else DEFAULT_LADDER


def emit_registered(uow: UnitOfWork, row: ManagerRow) -> None:
    """Announce that a person is now on the CM post."""
    uow.emit("manager.registered", key=row.id, org_id=row.org_id, payload=registered(row))


def registered(row: ManagerRow) -> ManagerRegistered:
    """The `manager.registered` payload of a CM as the row holds them."""
    assert row.grade is not None
    return ManagerRegistered(
        manager_id=row.id,
        employee_no=row.employee_no,
        name=row.name,
        grade=row.grade,
        branch=row.branch,
        status=row.status,
        certified_until=row.certified_until,
    )


def status_of(row: ManagerRow) -> ManagerStatus:
    """The row's status as the domain's enum."""
    return ManagerStatus(row.status)
