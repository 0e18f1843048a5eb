"""Audit HTTP API: thin routes that call the service layer."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from services.audit import service
from services.audit.domain import AuditStatus
from services.audit.schemas import DepartureAuditRead, ItemClear
from shared.app import UoW
from shared.auth import Principal, Role, require_roles

router = APIRouter(prefix="/departure-audits", tags=["departure audits"])

Reader = Annotated[
    Principal, Depends(require_roles(Role.AUDITOR, Role.ADMIN, Role.HR, Role.SUPERVISOR, Role.MANAGEMENT))
]
Auditor = Annotated[Principal, Depends(require_roles(Role.AUDITOR))]


@router.get("", response_model=list[DepartureAuditRead], summary="List departure audits")
async def list_audits(
    uow: UoW,
    caller: Reader,
    status: AuditStatus | None = None,
    manager_id: Annotated[str | None, Query(max_length=64)] = None,
) -> list[DepartureAuditRead]:
    """Departure audits with their progress (items done / total)."""
    return await service.list_audits(uow, caller, status, manager_id)


@router.get("/{audit_id}", response_model=DepartureAuditRead, summary="Get a departure audit")
async def get_audit(audit_id: str, uow: UoW, caller: Reader) -> DepartureAuditRead:
    """One departure audit with every customer item."""
    return await service.get_audit(uow, audit_id, caller)


@router.post(
    "/{audit_id}/items/{item_id}/clear",
    response_model=DepartureAuditRead,
    summary="Find one customer clear (R-I6)",
)
async def clear_item(
    audit_id: str, item_id: int, body: ItemClear, uow: UoW, caller: Auditor
) -> DepartureAuditRead:
    """When the last item is clear, audit publishes `audit.departure-cleared`."""
    return await service.clear_item(uow, audit_id, item_id, body, caller)
