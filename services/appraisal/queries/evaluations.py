"""R-A3 as read: a CM's evaluations, their customer sample, what is still owed, and the reminders sent."""

from sqlalchemy import select

from services.appraisal.models import EvaluationRow, ReminderRow
from services.appraisal.schemas.evaluations import EvaluationRead, MissingRead, ReminderRead, SampleRead
from services.appraisal.service.common import cycle_in_org, may_read_all, today
from services.appraisal.service.evaluations import check_participant, missing_in, sample_of
from services.appraisal.service.scope import SCOPE
from shared.auth import Principal, Role
from shared.errors import NotFound
from shared.uow import UnitOfWork


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
        await check_participant(uow, cycle, manager_id, caller)
        rows = await uow.session.scalars(
            select(EvaluationRow)
            .where(EvaluationRow.cycle_id == cycle.id, EvaluationRow.manager_id == manager_id)
            .order_by(EvaluationRow.source, EvaluationRow.evaluator, EvaluationRow.id)
        )
        return [EvaluationRead.model_validate(r) for r in rows]


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
        await check_participant(uow, cycle, manager_id, caller)
        return SampleRead(
            manager_id=manager_id, seed=cycle.seed, customers=await sample_of(uow, cycle.id, manager_id)
        )


async def list_reminders(uow: UnitOfWork, cycle_id: str, caller: Principal) -> list[ReminderRead]:
    """The reminders sent in a cycle, newest first."""
    async with uow:
        cycle = await cycle_in_org(uow, cycle_id, caller)
        rows = await uow.session.scalars(
            select(ReminderRow)
            .where(ReminderRow.cycle_id == cycle.id, SCOPE.staff_in_scope(caller, ReminderRow.manager_id))
            .order_by(ReminderRow.reminded_at.desc(), ReminderRow.id)
        )
        return [ReminderRead.model_validate(r) for r in rows]
