"""Findings as the API reads them: the filtered list, and the open ones counted per branch, CM and rule."""

from typing import Any

from sqlalchemy import func, select

from services.audit.domain import findings as rules
from services.audit.models import FindingRow, ManagerWatchRow
from services.audit.schemas import FindingRead, Severity
from services.audit.service.scope import SCOPE
from shared.auth import Principal
from shared.pagination import Page
from shared.uow import UnitOfWork


async def list_findings(
    uow: UnitOfWork,
    caller: Principal,
    rule_id: str | None,
    manager_id: str | None,
    customer_id: str | None,
    severity: Severity | None,
    status: str | None,
    page: Page,
) -> list[FindingRead]:
    """Findings, filtered; a CM sees those about themself, without other people's evidence."""
    query = select(FindingRow).where(
        FindingRow.org_id == caller.org_id, SCOPE.staff_in_scope(caller, FindingRow.manager_id)
    )
    own = rules.own_only(caller.roles)
    if own:
        query = query.where(FindingRow.manager_id == caller.user_id)
    for column, value in (
        (FindingRow.rule_id, rule_id),
        (FindingRow.manager_id, manager_id),
        (FindingRow.customer_id, customer_id),
        (FindingRow.status, status),
        (FindingRow.severity, severity.value if severity else None),
    ):
        if value is not None:
            query = query.where(column == value)
    async with uow:
        rows = await page.rows(uow.session, query.order_by(FindingRow.raised_at, FindingRow.id))
        found = [FindingRead.model_validate(r) for r in rows]
    for finding in found:  # the response, not the row
        finding.evidence = rules.shown_evidence(finding.evidence, own)
    return found


async def summary(uow: UnitOfWork, caller: Principal) -> list[dict[str, Any]]:
    """Open findings counted per branch, CM and rule, inside the caller's office scope."""
    async with uow:
        rows = await uow.session.execute(
            select(ManagerWatchRow.branch, FindingRow.manager_id, FindingRow.rule_id, func.count())
            .select_from(FindingRow)
            .outerjoin(ManagerWatchRow, ManagerWatchRow.manager_id == FindingRow.manager_id)
            .where(
                FindingRow.org_id == caller.org_id,
                FindingRow.status == "open",
                SCOPE.staff_in_scope(caller, FindingRow.manager_id),
            )
            .group_by(ManagerWatchRow.branch, FindingRow.manager_id, FindingRow.rule_id)
            .order_by(ManagerWatchRow.branch, FindingRow.manager_id, FindingRow.rule_id)
        )
        return [{"branch": b, "manager_id": m, "rule_id": r, "open_findings": n} for b, m, r, n in rows.all()]
