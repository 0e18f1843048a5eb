"""Findings and the journal."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from services.audit.api.deps import Auditor
from services.audit.queries import findings as read_findings
from services.audit.queries import journal
from services.audit.schemas import FindingRead, FindingResolve, JournalCheck, Severity
from services.audit.service import findings
from shared.app import UoW
from shared.auth import Principal, Role, require_roles
from shared.pagination import Paged

router = APIRouter(tags=["findings"])
AnyStaff = Annotated[
    Principal,
    Depends(require_roles(Role.AUDITOR, Role.ADMIN, Role.SUPERVISOR, Role.MANAGEMENT, Role.CM)),
]


@router.get("/findings", response_model=list[FindingRead], summary="Findings")
async def list_findings(
    uow: UoW,
    caller: AnyStaff,
    page: Paged,
    rule_id: Annotated[str | None, Query(max_length=16)] = None,
    manager_id: Annotated[str | None, Query(max_length=64)] = None,
    customer_id: Annotated[str | None, Query(max_length=64)] = None,
    severity: Severity | None = None,
    status: Annotated[str | None, Query(pattern="^(open|resolved)$")] = None,
) -> list[FindingRead]:
    """Filter by rule, CM, customer, severity, status; a CM sees those about themself, without evidence."""
    return await read_findings.list_findings(
        uow, caller, rule_id, manager_id, customer_id, severity, status, page
    )


@router.post("/findings/{finding_id}/resolution", response_model=FindingRead, summary="Resolve a finding")
async def resolve(finding_id: str, body: FindingResolve, uow: UoW, caller: Auditor) -> FindingRead:
    """The remediation, who and when."""
    return await findings.resolve_finding(uow, finding_id, body, caller)


@router.get("/journal/verification", response_model=JournalCheck, summary="Verify the journal's hash chain")
async def verify_journal(
    uow: UoW,
    caller: Annotated[Principal, Depends(require_roles(Role.AUDITOR, Role.ADMIN))],
) -> JournalCheck:
    """Walks every row; names the first row that was changed, removed or inserted."""
    return await journal.verify(uow)
