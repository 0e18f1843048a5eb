"""Development targets (R-D1, R-D2, R-D4): a CM's pipeline from target to won or lost."""

from uuid import uuid4

from services.customer.domain import pipeline as rules
from services.customer.models import ProspectRow
from services.customer.queries.files import MANAGE, visible_customer
from services.customer.queries.managers import manager_view
from services.customer.queries.pipeline import target, visible_target
from services.customer.schemas.pipeline import ProspectCreate, ProspectRead, StageChange
from shared.auth import Principal
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


async def add_target(uow: UnitOfWork, cmd: ProspectCreate, caller: Principal) -> ProspectRead:
    """R-D1: a target from segmentation, owned by a CM."""
    owner = cmd.owner_id or caller.user_id
    rules.check_owner(owner, caller.user_id, caller.has_any(MANAGE))
    s = cmd.scores
    async with uow:
        view = await manager_view(uow, owner)
        here = view is not None and view.org_id == caller.org_id and view.status == "active"
        scores = (s.demand_potential, s.prospects, s.profitability, s.market_share)
        added = rules.add_target(owner, here, scores, caller.user_id, utcnow())
        row = ProspectRow(
            id=f"p-{uuid4().hex[:12]}",
            org_id=caller.org_id,
            name=cmd.name,
            kind=cmd.kind.value,
            owner_id=added.owner_id,
            scores=s.model_dump(),
            segment_score=added.segment_score,
            unmet_needs=cmd.unmet_needs,
            rcc_can_serve=cmd.rcc_can_serve,
            competitive_advantage=cmd.competitive_advantage,
            preliminary_assessment=cmd.preliminary_assessment,
            stage=added.step.stage.value,
            history=[added.step.as_record()],
            created_at=added.step.at,
        )
        uow.session.add(row)
        await uow.commit()
        return target(row)


async def change_stage(
    uow: UnitOfWork, prospect_id: str, cmd: StageChange, caller: Principal
) -> ProspectRead:
    """Move forward, or lose it; won links the customer file that was opened."""
    async with uow:
        row = await visible_target(uow, prospect_id, caller)
        step = rules.move(
            rules.Stage(row.stage), cmd.stage, cmd.customer_id, cmd.note, caller.user_id, utcnow()
        )
        if step.stage is rules.Stage.WON and cmd.customer_id is not None:
            await visible_customer(uow, cmd.customer_id, caller)
            row.customer_id = cmd.customer_id
        row.stage = step.stage.value
        row.history = [*row.history, step.as_record()]
        await uow.commit()
        return target(row)
