"""What customer commands share: the domain's views of a file, its CMs and the grades in force.

Who may see which file, and the file as answered, are the read side's (`queries/files.py`).
"""

from datetime import date

from sqlalchemy import delete, select

from services.customer.domain import ladder
from services.customer.domain.assignment import GradeView
from services.customer.domain.classification import Classification
from services.customer.models import CustomerRow, GradeProjectionRow, LadderVersionRow
from services.customer.schemas import ClassificationModel
from shared.contracts.staffing import LadderGrade
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


def classification_of(row: CustomerRow) -> Classification:
    """The stored classification as the domain's value."""
    return ClassificationModel.model_validate(row.classification).to_domain()


async def bring_ladder_in_force(uow: UnitOfWork, org_id: str, on: date) -> bool:
    """R-Q3: make the projection hold the ladder version in force on the date; True if it changed."""
    versions = await uow.session.execute(
        select(LadderVersionRow.version, LadderVersionRow.effective_from).where(
            LadderVersionRow.org_id == org_id
        )
    )
    held = await uow.session.scalar(
        select(GradeProjectionRow.ladder_version).where(GradeProjectionRow.org_id == org_id).limit(1)
    )
    chosen = ladder.version_to_hold([(v, d) for v, d in versions.all()], on, held)
    if chosen is None:
        return False
    version = await uow.session.get(LadderVersionRow, (org_id, chosen))
    assert version is not None
    await uow.session.execute(delete(GradeProjectionRow).where(GradeProjectionRow.org_id == org_id))
    for grade in (LadderGrade.model_validate(g) for g in version.grades):
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
    rows = await uow.session.scalars(select(GradeProjectionRow).where(GradeProjectionRow.org_id == org_id))
    return ladder.grades_in_force(
        GradeView(r.code, r.may_lead_teams, frozenset(r.customer_classes)) for r in rows
    )
