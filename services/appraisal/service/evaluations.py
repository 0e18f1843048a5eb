"""R-A3: entering evaluations (each by the party entitled to), and what is still owed."""

from decimal import Decimal

from sqlalchemy import select

from services.appraisal.domain import cycle as cycle_rules
from services.appraisal.domain.evaluation import Criterion, Entrant, Missing, evaluate, owed
from services.appraisal.models import CycleRow, EvaluationRow, ParticipantRow, SampleRow
from services.appraisal.schemas.evaluations import EvaluationCreate, EvaluationRead
from services.appraisal.service.common import cycle_in_org, status_of, today
from services.appraisal.service.scope import SCOPE
from shared.auth import Principal, Role
from shared.errors import NotFound
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


async def check_participant(
    uow: UnitOfWork, cycle: CycleRow, manager_id: str, caller: Principal | None = None
) -> None:
    """404 unless the CM takes part in the cycle (and, given a caller, is inside their office scope)."""
    outside = caller is not None and not await SCOPE.covers_staff(uow.session, caller, manager_id)
    if outside or await uow.session.get(ParticipantRow, (cycle.id, manager_id)) is None:
        raise NotFound("appraisal.evaluation.not_appraised", manager_id=manager_id, cycle_id=cycle.id)


async def sample_of(uow: UnitOfWork, cycle_id: str, manager_id: str) -> list[str]:
    """The customers drawn to evaluate a CM, in order."""
    rows = await uow.session.scalars(
        select(SampleRow.customer_id)
        .where(SampleRow.cycle_id == cycle_id, SampleRow.manager_id == manager_id)
        .order_by(SampleRow.customer_id)
    )
    return list(rows)


async def submit(
    uow: UnitOfWork, cycle_id: str, manager_id: str, cmd: EvaluationCreate, caller: Principal
) -> EvaluationRead:
    """Record an evaluation; the same evaluator entering again replaces their earlier one."""
    async with uow:
        cycle = await cycle_in_org(uow, cycle_id, caller)
        cycle_rules.check_editable(status_of(cycle))
        cycle_rules.check_before_deadline(cycle.deadline, today())
        await check_participant(uow, cycle, manager_id, caller)
        entrant = Entrant(
            caller.user_id,
            caller.has_any((Role.CM,)),
            caller.has_any((Role.SUPERVISOR,)),
            caller.has_any((Role.INTEGRATION,)),
        )
        scores = {Criterion.PERFORMANCE: cmd.performance, Criterion.ABILITY: cmd.ability}
        scores[Criterion.QUALITY] = cmd.quality
        weights = {k: Decimal(v) for k, v in cycle.criteria_weights.items()}
        sample = set(await sample_of(uow, cycle.id, manager_id))
        evaluator, score = evaluate(cmd.source, manager_id, entrant, cmd.customer_id, sample, scores, weights)
        row = await uow.session.scalar(
            select(EvaluationRow).where(
                EvaluationRow.cycle_id == cycle.id,
                EvaluationRow.manager_id == manager_id,
                EvaluationRow.source == cmd.source.value,
                EvaluationRow.evaluator == evaluator,
            )
        )
        if row is None:
            row = EvaluationRow(cycle_id=cycle.id, manager_id=manager_id, source=cmd.source.value)
            row.evaluator = evaluator
            uow.session.add(row)
        row.performance, row.ability, row.quality = cmd.performance, cmd.ability, cmd.quality
        row.score = score
        row.comment, row.entered_by, row.entered_at = cmd.comment, caller.user_id, utcnow()
        await uow.commit()
        return EvaluationRead.model_validate(row)


async def missing_in(uow: UnitOfWork, cycle: CycleRow) -> list[Missing]:
    """Every mandatory evaluation still owed in a cycle."""
    given = await uow.session.execute(
        select(EvaluationRow.manager_id, EvaluationRow.source, EvaluationRow.evaluator).where(
            EvaluationRow.cycle_id == cycle.id
        )
    )
    drawn = await uow.session.execute(
        select(SampleRow.manager_id, SampleRow.customer_id).where(SampleRow.cycle_id == cycle.id)
    )
    participants = await uow.session.scalars(
        select(ParticipantRow.manager_id)
        .where(ParticipantRow.cycle_id == cycle.id)
        .order_by(ParticipantRow.manager_id)
    )
    return owed(list(participants), given, drawn)
