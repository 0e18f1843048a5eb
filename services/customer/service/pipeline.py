"""Development targets (R-D1, R-D2, R-D4): a CM's pipeline from target to won or lost."""

from uuid import uuid4

from sqlalchemy import select

from services.customer.domain import pipeline as rules
from services.customer.domain.classification import CustomerKind
from services.customer.models import ProspectRow
from services.customer.schemas.pipeline import ProspectCreate, ProspectRead, Scores, StageChange
from services.customer.service.common import MANAGE, manager_view, visible_customer
from shared.auth import Principal
from shared.errors import NotFound
from shared.pagination import Page
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


def _read(row: ProspectRow) -> ProspectRead:
    kind = CustomerKind(row.kind)
    return ProspectRead(
        id=row.id,
        name=row.name,
        kind=kind,
        owner_id=row.owner_id,
        scores=Scores.model_validate(row.scores),
        segment_score=row.segment_score,
        ideal=rules.is_ideal(row.unmet_needs, row.rcc_can_serve, row.competitive_advantage),
        preliminary_assessment=row.preliminary_assessment,
        stage=rules.Stage(row.stage),
        history=list(row.history),
        customer_id=row.customer_id,
        development_goals=list(rules.GOALS[kind]),
        created_at=row.created_at,
    )


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
        return _read(row)


async def _visible(uow: UnitOfWork, prospect_id: str, caller: Principal) -> ProspectRow:
    row = await uow.session.get(ProspectRow, prospect_id)
    if (
        row is None
        or row.org_id != caller.org_id
        or (row.owner_id != caller.user_id and not caller.has_any(MANAGE))
    ):
        raise NotFound("customer.pipeline.not_found", prospect_id=prospect_id)
    return row


async def change_stage(
    uow: UnitOfWork, prospect_id: str, cmd: StageChange, caller: Principal
) -> ProspectRead:
    """Move forward, or lose it; won links the customer file that was opened."""
    async with uow:
        row = await _visible(uow, prospect_id, caller)
        step = rules.move(
            rules.Stage(row.stage), cmd.stage, cmd.customer_id, cmd.note, caller.user_id, utcnow()
        )
        if step.stage is rules.Stage.WON and cmd.customer_id is not None:
            await visible_customer(uow, cmd.customer_id, caller)
            row.customer_id = cmd.customer_id
        row.stage = step.stage.value
        row.history = [*row.history, step.as_record()]
        await uow.commit()
        return _read(row)


async def get_target(uow: UnitOfWork, prospect_id: str, caller: Principal) -> ProspectRead:
    """One target of the caller (or any, for a supervisor)."""
    async with uow:
        return _read(await _visible(uow, prospect_id, caller))


async def list_targets(
    uow: UnitOfWork, caller: Principal, stage: rules.Stage | None, page: Page
) -> list[ProspectRead]:
    """The pipeline, best segment score first; a CM sees their own."""
    query = select(ProspectRow).where(ProspectRow.org_id == caller.org_id)
    if not caller.has_any(MANAGE):
        query = query.where(ProspectRow.owner_id == caller.user_id)
    if stage is not None:
        query = query.where(ProspectRow.stage == stage.value)
    async with uow:
        rows = await page.rows(uow.session, query.order_by(ProspectRow.segment_score.desc(), ProspectRow.id))
        return [_read(r) for r in rows]
