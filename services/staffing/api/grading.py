"""Grade proposals and changes (R-Q8)."""

from typing import Annotated

from fastapi import APIRouter, Query, status

from services.staffing.api.deps import HR, AnyStaff, Reader
from services.staffing.domain.grading import ProposalStatus
from services.staffing.queries import grading as grading_reads
from services.staffing.schemas.grading import (
    GradeChangeCreate,
    GradeChangeRead,
    ProposalCreate,
    ProposalDecision,
    ProposalRead,
)
from services.staffing.service import grading
from shared.app import UoW
from shared.pagination import Paged

router = APIRouter(tags=["grades"])


@router.post(
    "/grade-proposals",
    response_model=ProposalRead,
    status_code=status.HTTP_201_CREATED,
    summary="Propose a grade",
)
async def create_proposal(body: ProposalCreate, uow: UoW, caller: HR) -> ProposalRead:
    """A proposal by hand; appraisal results arrive as `appraisal.grade-proposed` events."""
    return await grading.create_proposal(uow, body, caller)


@router.get("/grade-proposals", response_model=list[ProposalRead], summary="List grade proposals")
async def list_proposals(
    uow: UoW,
    caller: Reader,
    page: Paged,
    status_filter: Annotated[ProposalStatus | None, Query(alias="status")] = None,
) -> list[ProposalRead]:
    """Proposals, oldest first."""
    return await grading_reads.list_proposals(uow, caller, status_filter, page)


@router.get("/grade-proposals/{proposal_id}", response_model=ProposalRead, summary="A grade proposal")
async def get_proposal(proposal_id: str, uow: UoW, caller: Reader) -> ProposalRead:
    """One proposal with its status and, once decided, who decided, when and why."""
    return await grading_reads.get_proposal(uow, proposal_id, caller)


@router.post(
    "/grade-proposals/{proposal_id}/decision", response_model=ProposalRead, summary="Confirm or reject"
)
async def decide(proposal_id: str, body: ProposalDecision, uow: UoW, caller: HR) -> ProposalRead:
    """Maker-checker: the HR user who decides is never the one who proposed."""
    return await grading.decide(uow, proposal_id, body, caller)


@router.post(
    "/managers/{manager_id}/grade",
    response_model=GradeChangeRead,
    status_code=status.HTTP_201_CREATED,
    summary="Change a grade by hand",
)
async def change_grade(manager_id: str, body: GradeChangeCreate, uow: UoW, caller: HR) -> GradeChangeRead:
    """HR sets a grade with a reason; kept in the history."""
    return await grading.change_grade(uow, manager_id, body, caller)


@router.get(
    "/managers/{manager_id}/grade-history", response_model=list[GradeChangeRead], summary="Grade history"
)
async def grade_history(manager_id: str, uow: UoW, caller: AnyStaff, page: Paged) -> list[GradeChangeRead]:
    """Every change: who, when, why."""
    return page.window(await grading_reads.grade_history(uow, manager_id, caller))
