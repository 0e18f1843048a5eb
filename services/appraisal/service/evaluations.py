"""R-A3: entering evaluations (each by the party entitled to), samples, and what is still missing."""

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import select

from services.appraisal.domain import cycle as cycle_rules
from services.appraisal.domain.evaluation import (
    Criterion,
    Entrant,
    Missing,
    Source,
    evaluate,
    missing_evaluations,
)
from services.appraisal.models import CycleRow, EvaluationRow, ParticipantRow, SampleRow
from services.appraisal.schemas.evaluations import EvaluationCreate, EvaluationRead, MissingRead, SampleRead
from services.appraisal.service.common import cycle_in_org, may_read_all, status_of, today
from services.appraisal.service.scope import SCOPE
from shared.auth import Principal, Role
from shared.errors import NotFound
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


async def _participant(
    uow: UnitOfWork, cycle: CycleRow, manager_id: str, caller: Principal | None = None
) -> None:
    """404 unless the CM takes part in the cycle (and, given a caller, is inside their office scope)."""
    outside = caller is not None and not await SCOPE.covers_staff(uow.session, caller, manager_id)
    if outside or await uow.session.get(ParticipantRow, (cycle.id, manager_id)) is None:
        raise NotFound("appraisal.evaluation.not_appraised", manager_id=manager_id, cycle_id=cycle.id)


async def _sample(uow: UnitOfWork, cycle_id: str, manager_id: str) -> list[str]:
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
        await _participant(uow, cycle, manager_id, caller)
        entrant = Entrant(
            caller.user_id,
            caller.has_any((Role.CM,)),
            caller.has_any((Role.SUPERVISOR,)),
            caller.has_any((Role.INTEGRATION,)),
        )
        scores = {Criterion.PERFORMANCE: cmd.performance, Criterion.ABILITY: cmd.ability}
        scores[Criterion.QUALITY] = cmd.quality
        weights = {k: Decimal(v) for k, v in cycle.criteria_weights.items()}
        sample = set(await _sample(uow, cycle.id, manager_id))
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


async def list_evaluations(
    uow: UnitOfWork, cycle_id: str, manager_id: str, caller: Principal
) -> list[EvaluationRead]:
    """A CM's evaluations: every one for readers; a CM sees those of their own appraisal."""
    async with uow:
        # An unknown cycle, a CM not appraised and someone else's appraisal all answer alike.
        missing = NotFound("appraisal.evaluation.not_appraised", manager_id=manager_id, cycle_id=cycle_id)
        cycle = await cycle_in_org(uow, cycle_id, caller, missing)
        if not may_read_all(caller) and caller.user_id != manager_id:
            raise missing
        await _participant(uow, cycle, manager_id, caller)
        rows = await uow.session.scalars(
            select(EvaluationRow)
            .where(EvaluationRow.cycle_id == cycle.id, EvaluationRow.manager_id == manager_id)
            .order_by(EvaluationRow.source, EvaluationRow.evaluator, EvaluationRow.id)
        )
        return [EvaluationRead.model_validate(r) for r in rows]


async def missing_in(uow: UnitOfWork, cycle: CycleRow) -> list[Missing]:
    """Every mandatory evaluation still owed in a cycle."""
    given: dict[str, dict[Source, set[str]]] = defaultdict(lambda: defaultdict(set))
    rows = await uow.session.execute(
        select(EvaluationRow.manager_id, EvaluationRow.source, EvaluationRow.evaluator).where(
            EvaluationRow.cycle_id == cycle.id
        )
    )
    for manager_id, source, evaluator in rows:
        given[manager_id][Source(source)].add(evaluator)
    samples: dict[str, list[str]] = defaultdict(list)
    for manager_id, customer_id in await uow.session.execute(
        select(SampleRow.manager_id, SampleRow.customer_id).where(SampleRow.cycle_id == cycle.id)
    ):
        samples[manager_id].append(customer_id)
    participants = await uow.session.scalars(
        select(ParticipantRow.manager_id)
        .where(ParticipantRow.cycle_id == cycle.id)
        .order_by(ParticipantRow.manager_id)
    )
    missing: list[Missing] = []
    for manager_id in participants:
        missing.extend(missing_evaluations(manager_id, given[manager_id], sorted(samples[manager_id])))
    return missing


async def list_missing(uow: UnitOfWork, cycle_id: str, caller: Principal) -> list[MissingRead]:
    """R-A3: the evaluations still owed, with the deadline; a CM sees only their own."""
    async with uow:
        cycle = await cycle_in_org(uow, cycle_id, caller)
        overdue = today() > cycle.deadline
        missing = await missing_in(uow, cycle)
        if not may_read_all(caller) and not caller.has_any((Role.INTEGRATION,)):
            missing = [m for m in missing if m.manager_id == caller.user_id]
        inside = await SCOPE.staff_ids(uow.session, caller)
        if inside is not None:  # a reader restricted to their office's subtree
            missing = [m for m in missing if m.manager_id in inside]
        return [
            MissingRead(
                manager_id=m.manager_id,
                source=m.source,
                evaluator=m.evaluator,
                deadline=cycle.deadline,
                overdue=overdue,
            )
            for m in missing
        ]


async def get_sample(uow: UnitOfWork, cycle_id: str, manager_id: str, caller: Principal) -> SampleRead:
    """R-A3: the customers drawn for a CM and the seed that reproduces the draw."""
    async with uow:
        cycle = await cycle_in_org(uow, cycle_id, caller)
        await _participant(uow, cycle, manager_id, caller)
        return SampleRead(
            manager_id=manager_id, seed=cycle.seed, customers=await _sample(uow, cycle.id, manager_id)
        )
