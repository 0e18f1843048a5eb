"""The grade ladder as callers read it: the version in force on a date, and every version (R-Q3)."""

from datetime import date

from sqlalchemy import select

from services.staffing.domain.ladder import DEFAULT_LADDER, Ladder
from services.staffing.ladder_json import grade_to_json, ladder_from_row
from services.staffing.models import LadderVersionRow
from services.staffing.queries.access import ladder_row_in_force, today
from services.staffing.schemas.ladder import GradeModel, LadderRead
from shared.auth import Principal
from shared.uow import UnitOfWork


def read(
    ladder: Ladder, reason: str, created_by: str | None, row: LadderVersionRow | None = None
) -> LadderRead:
    """A ladder version with its grades, highest first."""
    return LadderRead(
        version=ladder.version,
        effective_from=ladder.effective_from,
        reason=reason,
        created_by=created_by,
        created_at=row.created_at if row else None,
        grades=[GradeModel.model_validate(grade_to_json(g)) for g in ladder.ordered()],
    )


async def current_ladder(uow: UnitOfWork, caller: Principal, on: date | None = None) -> LadderRead:
    """The ladder in force today, or on a given date (a past year's appraisal uses that year's)."""
    async with uow:
        row = await ladder_row_in_force(uow, caller.org_id, on or today())
        if row is None:
            return read(DEFAULT_LADDER, "default ladder (R-Q3)", None)
        return read(ladder_from_row(row), row.reason, row.created_by, row)


async def ladder_versions(uow: UnitOfWork, caller: Principal) -> list[LadderRead]:
    """Every published version, oldest first."""
    async with uow:
        rows = await uow.session.scalars(
            select(LadderVersionRow)
            .where(LadderVersionRow.org_id == caller.org_id)
            .order_by(LadderVersionRow.version)
        )
        return [read(ladder_from_row(r), r.reason, r.created_by, r) for r in rows]
