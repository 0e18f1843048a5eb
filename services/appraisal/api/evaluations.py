"""R-A3: evaluations of CMs, the customer samples, and what is still missing."""

from fastapi import APIRouter, status

from services.appraisal.api.deps import Channel, Evaluator, Participant, Reader, Runner
from services.appraisal.queries import evaluations as reads
from services.appraisal.schemas.evaluations import (
    EvaluationCreate,
    EvaluationRead,
    MissingRead,
    ReminderRead,
    SampleRead,
)
from services.appraisal.service import evaluations, reminders
from shared.app import UoW
from shared.pagination import Paged

router = APIRouter(tags=["evaluations"])


@router.post(
    "/cycles/{cycle_id}/managers/{manager_id}/evaluations",
    response_model=EvaluationRead,
    status_code=status.HTTP_201_CREATED,
    summary="Enter an evaluation (R-A3)",
)
async def submit(
    cycle_id: str, manager_id: str, cmd: EvaluationCreate, uow: UoW, caller: Evaluator
) -> EvaluationRead:
    """Self (the CM), supervisor, a sampled customer (its channel) or a colleague; scores 0-100."""
    return await evaluations.submit(uow, cycle_id, manager_id, cmd, caller)


@router.get(
    "/cycles/{cycle_id}/managers/{manager_id}/evaluations",
    response_model=list[EvaluationRead],
    summary="A CM's evaluations",
)
async def list_evaluations(
    cycle_id: str, manager_id: str, uow: UoW, caller: Participant, page: Paged
) -> list[EvaluationRead]:
    """Every evaluation of a CM in the cycle (a CM sees their own appraisal only)."""
    return page.window(await reads.list_evaluations(uow, cycle_id, manager_id, caller))


@router.get(
    "/cycles/{cycle_id}/managers/{manager_id}/sample",
    response_model=SampleRead,
    summary="The customers drawn to evaluate a CM",
)
async def sample(cycle_id: str, manager_id: str, uow: UoW, caller: Channel) -> SampleRead:
    """R-A3: the sampled customers and the seed that reproduces the draw."""
    return await reads.get_sample(uow, cycle_id, manager_id, caller)


@router.get(
    "/cycles/{cycle_id}/missing-evaluations",
    response_model=list[MissingRead],
    summary="Evaluations still owed",
)
async def missing(cycle_id: str, uow: UoW, caller: Participant, page: Paged) -> list[MissingRead]:
    """Mandatory evaluations not yet entered, with the deadline (a CM sees their own)."""
    return page.window(await reads.list_missing(uow, cycle_id, caller))


@router.post(
    "/cycles/{cycle_id}/reminders",
    response_model=list[ReminderRead],
    status_code=status.HTTP_201_CREATED,
    summary="Remind those who owe evaluations (R-A3)",
)
async def remind(cycle_id: str, uow: UoW, caller: Runner) -> list[ReminderRead]:
    """One reminder per evaluation still owed, recorded and published as `appraisal.evaluation-reminded`."""
    return await reminders.remind(uow, cycle_id, caller)


@router.get("/cycles/{cycle_id}/reminders", response_model=list[ReminderRead], summary="Reminders sent")
async def list_reminders(cycle_id: str, uow: UoW, caller: Reader, page: Paged) -> list[ReminderRead]:
    """Who was reminded of which evaluation, by whom and when, newest first."""
    return page.window(await reads.list_reminders(uow, cycle_id, caller))
