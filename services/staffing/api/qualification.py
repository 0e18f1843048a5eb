"""Qualification applications (R-Q1, R-Q2)."""

from typing import Annotated

from fastapi import APIRouter, Query, status

from services.staffing.api.deps import HR, AnyRole, QualificationConditions
from services.staffing.domain.qualification import ApplicationStatus
from services.staffing.queries import grading as grading_reads
from services.staffing.schemas.qualification import ApplicationCreate, ApplicationRead, ApplicationReview
from services.staffing.service import qualification
from shared.app import UoW
from shared.pagination import Paged

router = APIRouter(prefix="/qualification-applications", tags=["qualification"])


@router.post("", response_model=ApplicationRead, status_code=status.HTTP_201_CREATED, summary="Apply (R-Q1)")
async def apply(
    body: ApplicationCreate, uow: UoW, caller: AnyRole, conditions: QualificationConditions
) -> ApplicationRead:
    """Conditions are checked at once; each failed one is named and the application is ineligible."""
    return await qualification.apply(uow, body, caller, conditions)


@router.post("/{application_id}/review", response_model=ApplicationRead, summary="Review (R-Q2)")
async def review(application_id: str, body: ApplicationReview, uow: UoW, caller: HR) -> ApplicationRead:
    """An HR reviewer other than the applicant approves or rejects, with a reason."""
    return await qualification.review(uow, application_id, body, caller)


@router.get("", response_model=list[ApplicationRead], summary="List applications")
async def list_applications(
    uow: UoW,
    caller: AnyRole,
    page: Paged,
    staff_id: Annotated[str | None, Query(max_length=64)] = None,
    status_filter: Annotated[ApplicationStatus | None, Query(alias="status")] = None,
) -> list[ApplicationRead]:
    """HR sees all; a staff member sees their own."""
    return await grading_reads.list_applications(uow, caller, staff_id, status_filter, page)
