"""The grade ladder: read the version in force, publish a new version (R-Q3..R-Q5)."""

from datetime import date

from sqlalchemy import func, select

from services.staffing.domain.ladder import DEFAULT_LADDER, GradeSpec, Ladder, validate_grades
from services.staffing.models import LadderVersionRow
from services.staffing.schemas.ladder import GradeModel, LadderCreate, LadderRead
from services.staffing.service.common import grade_to_json, ladder_from_row, ladder_in_force, today
from shared.auth import Principal
from shared.contracts.staffing import LadderGrade, LadderPublished
from shared.errors import RuleViolation
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


def _read(
    ladder: Ladder, reason: str, created_by: str | None, row: LadderVersionRow | None = None
) -> LadderRead:
    return LadderRead(
        version=ladder.version,
        effective_from=ladder.effective_from,
        reason=reason,
        created_by=created_by,
        created_at=row.created_at if row else None,
        grades=[GradeModel.model_validate(grade_to_json(g)) for g in ladder.ordered()],
    )


def to_contract(g: GradeSpec) -> LadderGrade:
    """A grade as the `ladder.published` contract carries it."""
    return LadderGrade(
        code=g.code,
        name=g.name,
        rank=g.rank,
        level=g.level,
        may_lead_teams=g.may_lead_teams,
        customer_classes=tuple(sorted(g.customer_classes)),
        products=tuple(sorted(g.products)),
        expense_budget={c.value: v for c, v in g.expense_budget.items()},
        fixed_pay=g.fixed_pay,
        floating_rate=str(g.floating_rate),
        authorization_limit=g.authorization_limit,
        keep_min_score=g.keep_standard.min_score,
        keep_min_profit=g.keep_standard.min_profit,
        reach_min_score=g.reach_standard.min_score,
        reach_min_profit=g.reach_standard.min_profit,
    )


async def current_ladder(uow: UnitOfWork, caller: Principal, on: date | None = None) -> LadderRead:
    """The ladder in force today, or on a given date (a past year's appraisal uses that year's)."""
    async with uow:
        ladder = await ladder_in_force(uow, caller.org_id, on or today())
        if ladder is DEFAULT_LADDER:
            return _read(ladder, "default ladder (R-Q3)", None)
        row = await uow.session.scalar(
            select(LadderVersionRow).where(
                LadderVersionRow.org_id == caller.org_id, LadderVersionRow.version == ladder.version
            )
        )
        return _read(ladder, row.reason if row else "", row.created_by if row else None, row)


async def ladder_versions(uow: UnitOfWork, caller: Principal) -> list[LadderRead]:
    """Every published version, oldest first."""
    async with uow:
        rows = await uow.session.scalars(
            select(LadderVersionRow)
            .where(LadderVersionRow.org_id == caller.org_id)
            .order_by(LadderVersionRow.version)
        )
        return [_read(ladder_from_row(r), r.reason, r.created_by, r) for r in rows]


async def publish_ladder(uow: UnitOfWork, cmd: LadderCreate, caller: Principal) -> LadderRead:
    """R-Q3: a new ladder version from a date; past years keep the version they had."""
    if cmd.effective_from < today():
        raise RuleViolation("staffing.ladder.effective_in_past")
    grades = validate_grades(g.to_domain() for g in cmd.grades)
    async with uow:
        last = await uow.session.scalar(
            select(func.max(LadderVersionRow.version)).where(LadderVersionRow.org_id == caller.org_id)
        )
        version = (last or 0) + 1
        row = LadderVersionRow(
            org_id=caller.org_id,
            version=version,
            effective_from=cmd.effective_from,
            grades=[grade_to_json(g) for g in grades],
            reason=cmd.reason,
            created_by=caller.user_id,
            created_at=utcnow(),
        )
        uow.session.add(row)
        ladder = Ladder(version, cmd.effective_from, grades)
        uow.emit(
            "ladder.published",
            key=f"ladder:{caller.org_id}",
            org_id=caller.org_id,
            payload=LadderPublished(
                version=version,
                effective_from=cmd.effective_from,
                grades=tuple(to_contract(g) for g in ladder.ordered()),
            ),
        )
        await uow.commit()
        return _read(ladder, cmd.reason, caller.user_id, row)
