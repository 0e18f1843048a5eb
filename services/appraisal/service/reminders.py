"""R-A3: the supervisor reminds whoever still owes an evaluation; each reminder is recorded and published."""

from services.appraisal.domain import cycle as cycle_rules
from services.appraisal.models import ReminderRow
from services.appraisal.schemas.evaluations import ReminderRead
from services.appraisal.service.common import cycle_in_org
from services.appraisal.service.evaluations import missing_in
from services.appraisal.service.scope import SCOPE
from shared.auth import Principal
from shared.contracts.appraisal import EvaluationReminded
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


async def remind(uow: UnitOfWork, cycle_id: str, caller: Principal) -> list[ReminderRead]:
    """One reminder per evaluation still owed, as `appraisal.evaluation-reminded` (key: the CM)."""
    async with uow:
        cycle = await cycle_in_org(uow, cycle_id, caller)
        cycle_rules.check_remindable(cycle.status, cycle_id)
        now, inside = utcnow(), await SCOPE.staff_ids(uow.session, caller)
        rows = [
            ReminderRow(
                cycle_id=cycle.id,
                manager_id=m.manager_id,
                source=m.source.value,
                evaluator=m.evaluator,
                reminded_by=caller.user_id,
                reminded_at=now,
            )
            for m in await missing_in(uow, cycle)
            if inside is None or m.manager_id in inside  # a branch supervisor reminds their branch
        ]
        uow.session.add_all(rows)
        for row in rows:
            uow.emit(
                "appraisal.evaluation-reminded",
                key=row.manager_id,
                org_id=cycle.org_id,
                payload=EvaluationReminded(
                    cycle_id=cycle.id,
                    year=cycle.year,
                    manager_id=row.manager_id,
                    source=row.source,
                    evaluator=row.evaluator,
                    deadline=cycle.deadline,
                    reminded_by=caller.user_id,
                ),
            )
        await uow.commit()
        return [ReminderRead.model_validate(r) for r in rows]
