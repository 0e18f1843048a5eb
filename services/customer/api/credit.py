"""Reports and credit recommendations (R-W3, R-R2..R-R4)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from services.customer.access_log import AccessReads
from services.customer.domain.credit import RecommendationStatus
from services.customer.queries import credit as reading
from services.customer.schemas.credit import (
    AnswerCreate,
    RecommendationCreate,
    RecommendationRead,
    ReportCreate,
    ReportRead,
)
from services.customer.service import credit
from shared.app import UoW
from shared.auth import Principal, Role, require_roles
from shared.pagination import Paged

router = APIRouter(tags=["reports and credit"])
CM = Annotated[Principal, Depends(require_roles(Role.CM))]
Readers = Annotated[
    Principal,
    Depends(
        require_roles(
            Role.CM, Role.SUPERVISOR, Role.ADMIN, Role.AUDITOR, Role.RISK, Role.PRODUCT, Role.MANAGEMENT
        )
    ),
]


@router.post(
    "/customers/{customer_id}/reports",
    response_model=ReportRead,
    status_code=status.HTTP_201_CREATED,
    summary="Submit a report (R-W3)",
)
async def submit_report(customer_id: str, body: ReportCreate, uow: UoW, caller: CM) -> ReportRead:
    """Immutable once submitted; a correction is a new version (R-R3); routed to departments by event."""
    return await credit.submit_report(uow, customer_id, body, caller)


@router.get("/reports", response_model=list[ReportRead], summary="Reports")
async def list_reports(
    uow: UoW,
    caller: Readers,
    page: Paged,
    reads: AccessReads,
    customer_id: Annotated[str | None, Query(max_length=64)] = None,
) -> list[ReportRead]:
    """CMs see their customers' reports; risk, product and management those routed to them."""
    found = await reading.list_reports(uow, caller, customer_id, page)
    reads.customers(caller, (r.customer_id for r in found))
    return found


@router.post(
    "/customers/{customer_id}/credit-recommendations",
    response_model=RecommendationRead,
    status_code=status.HTTP_201_CREATED,
    summary="Recommend credit (R-R2)",
)
async def recommend(customer_id: str, body: RecommendationCreate, uow: UoW, caller: CM) -> RecommendationRead:
    """Only a CM serving the customer; above their authorization limit a senior co-sign first (R-I1)."""
    return await credit.recommend(uow, customer_id, body, caller)


@router.post(
    "/credit-recommendations/{rec_id}/cosign", response_model=RecommendationRead, summary="Co-sign (R-I1)"
)
async def cosign(rec_id: str, uow: UoW, caller: CM) -> RecommendationRead:
    """A senior CM other than the author; the recommendation then goes to risk."""
    return await credit.cosign(uow, rec_id, caller)


@router.post(
    "/credit-recommendations/{rec_id}/answers",
    response_model=RecommendationRead,
    summary="Answer risk (R-R4)",
)
async def answer(rec_id: str, body: AnswerCreate, uow: UoW, caller: CM) -> RecommendationRead:
    """Answers are recorded once and published to risk."""
    return await credit.answer(uow, rec_id, body, caller)


@router.get("/credit-recommendations/{rec_id}", response_model=RecommendationRead, summary="A recommendation")
async def get_recommendation(
    rec_id: str, uow: UoW, caller: Readers, reads: AccessReads
) -> RecommendationRead:
    """With its questions and the decision; a CM sees only their customers'."""
    found = await reading.get_recommendation(uow, rec_id, caller)
    reads.customers(caller, [found.customer_id])
    return found


@router.get("/credit-recommendations", response_model=list[RecommendationRead], summary="Recommendations")
async def list_recommendations(
    uow: UoW,
    caller: Readers,
    page: Paged,
    reads: AccessReads,
    status_filter: Annotated[RecommendationStatus | None, Query(alias="status")] = None,
    overdue: bool = False,
) -> list[RecommendationRead]:
    """Filter by status; `overdue=true` lists those with a question past its due date (R-R4)."""
    found = await reading.list_recommendations(uow, caller, status_filter, overdue, page)
    reads.customers(caller, (r.customer_id for r in found))
    return found
