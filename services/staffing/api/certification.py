"""Certification exams and expiry (R-Q6, R-Q7)."""

from fastapi import APIRouter, status

from services.staffing.api.deps import HR, AnyStaff, Settings
from services.staffing.queries import grading as grading_reads
from services.staffing.schemas.certification import CertificationCreate, CertificationRead, SweepResult
from services.staffing.service import certification
from shared.app import UoW
from shared.pagination import Paged

router = APIRouter(tags=["certification"])


@router.post(
    "/managers/{manager_id}/certifications",
    response_model=CertificationRead,
    status_code=status.HTTP_201_CREATED,
    summary="Record exam results (R-Q6)",
)
async def record_exam(
    manager_id: str, body: CertificationCreate, uow: UoW, caller: HR, settings: Settings
) -> CertificationRead:
    """Weighted by the grade's weights against its pass mark; a pass certifies until a date (R-Q7)."""
    return await certification.record_exam(
        uow, manager_id, body, caller, settings.certification_validity_years
    )


@router.get(
    "/managers/{manager_id}/certifications", response_model=list[CertificationRead], summary="Exam history"
)
async def list_exams(manager_id: str, uow: UoW, caller: AnyStaff, page: Paged) -> list[CertificationRead]:
    """Every sitting, newest first."""
    return page.window(await grading_reads.list_exams(uow, manager_id, caller))


@router.post(
    "/certifications/expiry-sweep", response_model=SweepResult, summary="Run the expiry sweep now (R-Q7)"
)
async def sweep(uow: UoW, caller: HR, settings: Settings) -> SweepResult:
    """Warn ahead of expiry and announce expiries, each once; it also runs on a schedule."""
    return await certification.sweep_expiry(uow, caller.org_id, settings.certification_warning_days)
