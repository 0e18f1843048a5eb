"""What appraisal commands share: today's date, who may read what, the ladder in force for a year."""

from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from services.appraisal.domain.cycle import CycleStatus
from services.appraisal.domain.grading import GradeTerms
from services.appraisal.domain.tenure import Spell
from services.appraisal.models import CycleRow, GradeSpellRow, LadderRow
from shared.auth import Principal, Role
from shared.contracts.default_ladder import DEFAULT_LADDER_GRADES
from shared.errors import NotFound
from shared.timeutil import utcnow
from shared.uow import UnitOfWork

READ_ALL = (Role.SUPERVISOR, Role.HR, Role.MANAGEMENT, Role.AUDITOR, Role.ADMIN)
RUN = (Role.SUPERVISOR, Role.ADMIN)


def today() -> date:
    """The current date in UTC."""
    return utcnow().date()


def may_read_all(caller: Principal) -> bool:
    """Supervisors, HR, management, auditors and admins read every CM's result."""
    return caller.has_any(READ_ALL)


async def cycle_in_org(
    uow: UnitOfWork, cycle_id: str, caller: Principal, missing: NotFound | None = None
) -> CycleRow:
    """A cycle of the caller's cooperative, else 404 (with `missing` as the message, where the route's
    object must look the same whether its cycle is unknown or the object is someone else's)."""
    row = await uow.session.get(CycleRow, cycle_id)
    if row is None or row.org_id != caller.org_id:
        raise missing or NotFound("appraisal.cycle.not_found", cycle_id=cycle_id)
    return row


def status_of(row: CycleRow) -> CycleStatus:
    """The cycle's status as the domain enum."""
    return CycleStatus(row.status)


def _terms(grade: dict[str, Any]) -> GradeTerms:
    return GradeTerms(
        code=str(grade["code"]),
        rank=int(grade["rank"]),
        level=int(grade.get("level", 1)),
        fixed_pay=Decimal(str(grade["fixed_pay"])),
        floating_rate=Decimal(str(grade["floating_rate"])),
        keep_min_score=Decimal(str(grade["keep_min_score"])),
        keep_min_profit=Decimal(str(grade["keep_min_profit"])),
        reach_min_score=Decimal(str(grade["reach_min_score"])),
        reach_min_profit=Decimal(str(grade["reach_min_profit"])),
    )


async def ladder_for_year(uow: UnitOfWork, org_id: str, year: int) -> tuple[int, list[GradeTerms]]:
    """The ladder in force at the end of the year (version 0: the default ladder)."""
    row = await uow.session.scalar(
        select(LadderRow)
        .where(LadderRow.org_id == org_id, LadderRow.effective_from <= date(year, 12, 31))
        .order_by(LadderRow.effective_from.desc(), LadderRow.version.desc())
        .limit(1)
    )
    if row is None:
        return 0, [_terms(g.model_dump(mode="json")) for g in DEFAULT_LADDER_GRADES]
    return row.version, [_terms(g) for g in row.grades]


async def grade_history(uow: UnitOfWork, manager_ids: list[str], year: int) -> dict[str, list[Spell]]:
    """Each CM's grade spells begun by the end of a year, in order (their UTC day and the grade)."""
    end = datetime.combine(date(year + 1, 1, 1), time.min, tzinfo=UTC)
    rows = await uow.session.execute(
        select(GradeSpellRow.manager_id, GradeSpellRow.grade, GradeSpellRow.valid_from)
        .where(GradeSpellRow.manager_id.in_(manager_ids), GradeSpellRow.valid_from < end)
        .order_by(GradeSpellRow.manager_id, GradeSpellRow.valid_from, GradeSpellRow.id)
    )
    history: dict[str, list[Spell]] = {}
    for manager_id, grade, valid_from in rows:
        history.setdefault(manager_id, []).append((valid_from.astimezone(UTC).date(), grade))
    return history
