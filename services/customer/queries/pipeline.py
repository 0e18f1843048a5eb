"""The development pipeline as its readers see it (R-D1): a CM's targets, and the stages for management."""

from sqlalchemy import select

from services.customer.domain import pipeline as rules
from services.customer.domain.classification import CustomerKind
from services.customer.models import ProspectRow, StaffOfficeProjectionRow
from services.customer.queries.files import MANAGE
from services.customer.queries.scope import in_scope
from services.customer.schemas.pipeline import ProspectRead, Scores, StageSummary
from shared.auth import Principal
from shared.errors import NotFound
from shared.pagination import Page
from shared.uow import UnitOfWork


def target(row: ProspectRow) -> ProspectRead:
    """A target with its scores, the ideal-target test, its history and the goals of its kind."""
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


async def visible_target(uow: UnitOfWork, prospect_id: str, caller: Principal) -> ProspectRow:
    """A target of the caller (or any of the cooperative, for a supervisor), else 404."""
    row = await uow.session.get(ProspectRow, prospect_id)
    if (
        row is None
        or row.org_id != caller.org_id
        or (row.owner_id != caller.user_id and not caller.has_any(MANAGE))
    ):
        raise NotFound("customer.pipeline.not_found", prospect_id=prospect_id)
    return row


async def get_target(uow: UnitOfWork, prospect_id: str, caller: Principal) -> ProspectRead:
    """One target of the caller (or any, for a supervisor)."""
    async with uow:
        return target(await visible_target(uow, prospect_id, caller))


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
        return [target(r) for r in rows]


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
    async with uow:
        counted = rules.by_stage(
            (s, score, u, c, a) for s, score, u, c, a in await uow.session.execute(query)
        )
    return [
        StageSummary(stage=c.stage, count=c.count, ideal=c.ideal, mean_segment_score=c.mean_segment_score)
        for c in counted
    ]
