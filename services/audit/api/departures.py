"""Departure audits (R-I6)."""

from typing import Annotated

from fastapi import APIRouter, Query, status

from services.audit.api.deps import Auditor, ItemId, Reader
from services.audit.domain.departure import AuditStatus
from services.audit.queries import departures as read_departures
from services.audit.schemas import DepartureAuditRead, FindingCreate, FindingRead, ItemClear, WaitingRead
from services.audit.service import departures, findings
from shared.app import UoW
from shared.pagination import Paged

router = APIRouter(prefix="/departure-audits", tags=["departure audits"])


@router.get("", response_model=list[DepartureAuditRead], summary="List departure audits")
async def list_audits(
    uow: UoW,
    caller: Reader,
    page: Paged,
    status: AuditStatus | None = None,
    manager_id: Annotated[str | None, Query(max_length=64)] = None,
) -> list[DepartureAuditRead]:
    """Departure audits with their progress (items done / total)."""
    return await read_departures.list_audits(uow, caller, status, manager_id, page)


@router.get("/waiting", response_model=list[WaitingRead], summary="Departures waiting on audit")
async def waiting(uow: UoW, caller: Reader, page: Paged) -> list[WaitingRead]:
    """Oldest first, with how long they have waited and their open findings."""
    return await read_departures.waiting(uow, caller, page)


@router.get("/{audit_id}", response_model=DepartureAuditRead, summary="Get a departure audit")
async def get_audit(audit_id: str, uow: UoW, caller: Reader) -> DepartureAuditRead:
    """One departure audit with every customer item."""
    return await read_departures.get_audit(uow, audit_id, caller)


@router.post(
    "/{audit_id}/items/{item_id}/clear", response_model=DepartureAuditRead, summary="Clear a customer"
)
async def clear_item(
    audit_id: str, item_id: ItemId, body: ItemClear, uow: UoW, caller: Auditor
) -> DepartureAuditRead:
    """Only with no open finding; the last clear item publishes `audit.departure-cleared` (R-I6)."""
    return await departures.clear_item(uow, audit_id, item_id, body, caller)


@router.post(
    "/{audit_id}/items/{item_id}/findings",
    response_model=FindingRead,
    status_code=status.HTTP_201_CREATED,
    summary="Record a finding",
)
async def raise_finding(
    audit_id: str, item_id: ItemId, body: FindingCreate, uow: UoW, caller: Auditor
) -> FindingRead:
    """Description, severity, amount at risk; the departure stays blocked until it is resolved."""
    return await findings.raise_item_finding(uow, audit_id, item_id, body, caller)
