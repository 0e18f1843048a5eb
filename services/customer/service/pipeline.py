"""Development targets (R-D1, R-D2, R-D4): a CM's pipeline from target to won or lost."""

from uuid import uuid4

from sqlalchemy import select

from services.customer.domain import pipeline as rules
from services.customer.domain.classification import CustomerKind
from services.customer.models import ProspectRow
from services.customer.schemas.pipeline import ProspectCreate, ProspectRead, Scores, StageChange
from services.customer.service.common import MANAGE, manager_view, visible_customer
from shared.auth import Principal
from shared.errors import Forbidden, NotFound, RuleViolation
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
    if owner != caller.user_id and not caller.has_any(MANAGE):
        raise Forbidden("customer.pipeline.own_targets")
    s = cmd.scores
    score = rules.segment_score(s.demand_potential, s.prospects, s.profitability, s.market_share)
    async with uow:
        view = await manager_view(uow, owner)
        if view is None or view.org_id != caller.org_id or view.status != "active":
            raise RuleViolation("customer.pipeline.owner_inactive", owner=owner)
        now = utcnow()
        row = ProspectRow(
            id=f"p-{uuid4().hex[:12]}",
            org_id=caller.org_id,
            name=cmd.name,
            kind=cmd.kind.value,
            owner_id=owner,
            scores=s.model_dump(),
            segment_score=score,
            unmet_needs=cmd.unmet_needs,
            rcc_can_serve=cmd.rcc_can_serve,
            competitive_advantage=cmd.competitive_advantage,
            preliminary_assessment=cmd.preliminary_assessment,
            stage=rules.Stage.TARGET.value,
            history=[{"stage": "target", "at": now.isoformat(), "by": caller.user_id, "note": ""}],
            created_at=now,
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
        stage = rules.advance(rules.Stage(row.stage), cmd.stage)
        if stage is rules.Stage.WON:
            if cmd.customer_id is None:
                raise RuleViolation("customer.pipeline.won_without_file")
            await visible_customer(uow, cmd.customer_id, caller)
            row.customer_id = cmd.customer_id
        if stage is rules.Stage.LOST and not cmd.note:
            raise RuleViolation("customer.pipeline.lost_without_reason")
        row.stage = stage.value
        row.history = [
            *row.history,
            {"stage": stage.value, "at": utcnow().isoformat(), "by": caller.user_id, "note": cmd.note},
        ]
        await uow.commit()
        return _read(row)


async def get_target(uow: UnitOfWork, prospect_id: str, caller: Principal) -> ProspectRead:
    """One target of the caller (or any, for a supervisor)."""
    async with uow:
        return _read(await _visible(uow, prospect_id, caller))


async def list_targets(uow: UnitOfWork, caller: Principal, stage: rules.Stage | None) -> list[ProspectRead]:
    """The pipeline, best segment score first; a CM sees their own."""
    query = select(ProspectRow).where(ProspectRow.org_id == caller.org_id)
    if not caller.has_any(MANAGE):
        query = query.where(ProspectRow.owner_id == caller.user_id)
    if stage is not None:
        query = query.where(ProspectRow.stage == stage.value)
    async with uow:
        rows = await uow.session.scalars(query.order_by(ProspectRow.segment_score.desc()).limit(1000))
        return [_read(r) for r in rows]
