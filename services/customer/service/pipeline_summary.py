"""The pipeline by stage for management: counts in the caller's cooperative and office scope, read-only."""

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import select

from services.customer.domain import pipeline as rules
from services.customer.models import ProspectRow, StaffOfficeProjectionRow
from services.customer.schemas.pipeline import StageSummary
from services.customer.service.scope import in_scope
from shared.auth import Principal
from shared.uow import UnitOfWork

CENT = Decimal("0.01")


async def summary(uow: UnitOfWork, caller: Principal) -> list[StageSummary]:
    """Every stage in order, with zeros where none; a target counts where its owner's office is."""
    office = (
        select(StaffOfficeProjectionRow.office_id)
        .where(
            StaffOfficeProjectionRow.org_id == ProspectRow.org_id,
            StaffOfficeProjectionRow.user_id == ProspectRow.owner_id,
        )
        .scalar_subquery()
    )
    query = select(
        ProspectRow.stage,
        ProspectRow.segment_score,
        ProspectRow.unmet_needs,
        ProspectRow.rcc_can_serve,
        ProspectRow.competitive_advantage,
    ).where(ProspectRow.org_id == caller.org_id, in_scope(caller, office))
    counts: dict[str, int] = defaultdict(int)
    ideal: dict[str, int] = defaultdict(int)
    scores: dict[str, Decimal] = defaultdict(Decimal)
    async with uow:
        for stage, score, unmet, serve, advantage in await uow.session.execute(query):
            counts[stage] += 1
            scores[stage] += Decimal(score)
            ideal[stage] += int(rules.is_ideal(unmet, serve, advantage))
    return [
        StageSummary(
            stage=stage,
            count=counts[stage.value],
            ideal=ideal[stage.value],
            mean_segment_score=(
                (scores[stage.value] / counts[stage.value]).quantize(CENT)
                if counts[stage.value]
                else Decimal("0.00")
            ),
        )
        for stage in rules.Stage
    ]
