"""The grade ladder: publish a new version (R-Q3..R-Q5), as a row and as `ladder.published`."""

from sqlalchemy import func, select

from services.staffing.domain.ladder import GradeSpec, publish
from services.staffing.ladder_json import grade_to_json
from services.staffing.models import LadderVersionRow
from services.staffing.queries.access import today
from services.staffing.queries.ladder import read
from services.staffing.schemas.ladder import LadderCreate, LadderRead
from shared.auth import Principal
from shared.contracts.staffing import LadderGrade, LadderPublished
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


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


async def publish_ladder(uow: UnitOfWork, cmd: LadderCreate, caller: Principal) -> LadderRead:
    """R-Q3: a new ladder version from a date; past years keep the version they had."""
    async with uow:
        last = await uow.session.scalar(
            select(func.max(LadderVersionRow.version)).where(LadderVersionRow.org_id == caller.org_id)
        )
        ladder = publish(last, cmd.effective_from, (g.to_domain() for g in cmd.grades), today())
        row = LadderVersionRow(
            org_id=caller.org_id,
            version=ladder.version,
            effective_from=ladder.effective_from,
            grades=[grade_to_json(g) for g in ladder.grades],
            reason=cmd.reason,
            created_by=caller.user_id,
            created_at=utcnow(),
        )
        uow.session.add(row)
        uow.emit(
            "ladder.published",
            key=f"ladder:{caller.org_id}",
            org_id=caller.org_id,
            payload=LadderPublished(
                version=ladder.version,
                effective_from=ladder.effective_from,
                grades=tuple(to_contract(g) for g in ladder.ordered()),
            ),
        )
        await uow.commit()
        return read(ladder, cmd.reason, caller.user_id, row)
