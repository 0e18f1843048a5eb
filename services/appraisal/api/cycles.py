"""R-A1: the yearly cycle: open, compute, finalize, correct; team pools (R-A4)."""

from fastapi import APIRouter, Query, status

from services.appraisal.api.deps import Participant, Runner, Settings, TeamLead
from services.appraisal.queries import cycles as cycle_reads
from services.appraisal.queries import pools as pool_reads
from services.appraisal.schemas.cycles import (
    AllocationCreate,
    ComputeRead,
    CycleCorrection,
    CycleCreate,
    CycleRead,
    DeadlineUpdate,
    PoolRead,
)
from services.appraisal.service import cycles, finalize, pools
from shared.app import UoW
from shared.pagination import Paged

router = APIRouter(tags=["cycles"])


@router.post("/cycles", response_model=CycleRead, status_code=status.HTTP_201_CREATED, summary="Open a cycle")
async def open_cycle(cmd: CycleCreate, uow: UoW, settings: Settings, caller: Runner) -> CycleRead:
    """R-A1: open the appraisal of a year that has ended; CMs on the post take part, samples are drawn."""
    return await cycles.open_cycle(uow, settings, cmd, caller)


@router.get("/cycles", response_model=list[CycleRead], summary="Cycles of the cooperative")
async def list_cycles(
    uow: UoW, caller: Participant, page: Paged, year: int | None = Query(None, ge=2000, le=2200)
) -> list[CycleRead]:
    """Every version of every year's appraisal, newest first."""
    return await cycle_reads.list_cycles(uow, caller, year, page)


@router.get("/cycles/{cycle_id}", response_model=CycleRead, summary="One cycle")
async def get_cycle(cycle_id: str, uow: UoW, caller: Participant) -> CycleRead:
    """A cycle: status, deadline, seed, weights and policy."""
    return await cycle_reads.get_cycle(uow, cycle_id, caller)


@router.post("/cycles/{cycle_id}/deadline", response_model=CycleRead, summary="Move the deadline")
async def set_deadline(cycle_id: str, cmd: DeadlineUpdate, uow: UoW, caller: Runner) -> CycleRead:
    """Extend the evaluation deadline of a cycle not yet finalized."""
    return await cycles.set_deadline(uow, cycle_id, cmd, caller)


@router.post("/cycles/{cycle_id}/compute", response_model=ComputeRead, summary="Compute the results")
async def compute(cycle_id: str, uow: UoW, caller: Runner) -> ComputeRead:
    """R-A2..R-A4: attribute the year's profit, combine the scores, work out pay and proposals."""
    return await finalize.compute_cycle(uow, cycle_id, caller)


@router.post("/cycles/{cycle_id}/finalize", response_model=ComputeRead, summary="Finalize and publish")
async def finalize_cycle(cycle_id: str, uow: UoW, caller: Runner) -> ComputeRead:
    """Recompute, then freeze and publish on `appraisal.results`; refused while anything is missing."""
    return await finalize.finalize_cycle(uow, cycle_id, caller)


@router.post(
    "/cycles/{cycle_id}/corrections",
    response_model=CycleRead,
    status_code=status.HTTP_201_CREATED,
    summary="Correct a finalized cycle",
)
async def correct(
    cycle_id: str, cmd: CycleCorrection, uow: UoW, settings: Settings, caller: Runner
) -> CycleRead:
    """A new version of the cycle, with the reason; the old results stand until it is finalized."""
    return await cycles.correct_cycle(uow, settings, cycle_id, cmd, caller)


@router.get("/cycles/{cycle_id}/pools", response_model=list[PoolRead], summary="Team pools (R-A4)")
async def list_pools(cycle_id: str, uow: UoW, caller: Participant, page: Paged) -> list[PoolRead]:
    """Profit pooled to teams; a CM sees the pools of the teams they lead."""
    return page.window(await pool_reads.list_pools(uow, cycle_id, caller))


@router.put("/cycles/{cycle_id}/pools/{team_id}", response_model=PoolRead, summary="Split a team pool (R-A4)")
async def allocate(
    cycle_id: str, team_id: str, cmd: AllocationCreate, uow: UoW, caller: TeamLead
) -> PoolRead:
    """The team lead splits the pool among members; the parts add up exactly to the pool."""
    return await pools.allocate(uow, cycle_id, team_id, cmd, caller)
