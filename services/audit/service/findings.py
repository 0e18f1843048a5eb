"""Findings: raised on a departure item (and later by spot checks and compliance rules), then remediated."""

from uuid import uuid4

from sqlalchemy import select

from services.audit.domain import departure as rules
from services.audit.domain import findings as lifecycle
from services.audit.models import DepartureAuditItemRow, FindingRow, SpotCheckItemRow
from services.audit.queries.departures import visible_audit
from services.audit.schemas import FindingCreate, FindingRead, FindingResolve
from services.audit.service.departures import item_of, open_findings, settle
from services.audit.service.scope import SCOPE
from shared.auth import Principal
from shared.contracts.audit import FindingRaised, FindingResolved
from shared.errors import NotFound
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


async def raise_item_finding(
    uow: UnitOfWork, audit_id: str, item_id: int, cmd: FindingCreate, caller: Principal
) -> FindingRead:
    """R-I6: a problem with one customer of a departing CM; the departure stays blocked until resolved."""
    async with uow:
        audit = await visible_audit(uow, audit_id, caller)
        rules.check_auditor(caller.user_id, audit.manager_id)
        item = item_of(audit, item_id)
        blocked = rules.raise_finding(
            caller.user_id, audit.manager_id, rules.AuditStatus(audit.status), rules.ItemStatus(item.status)
        )
        finding = FindingRow(
            id=f"f-{uuid4().hex[:12]}",
            org_id=audit.org_id,
            rule_id="R-I6",
            manager_id=audit.manager_id,
            customer_id=item.customer_id,
            audit_item_id=item.id,
            severity=cmd.severity.value,
            description=cmd.description,
            amount_at_risk=cmd.amount_at_risk,
            evidence=rules.item_evidence(audit.id, cmd.evidence),
            status=lifecycle.OPEN,
            raised_by=caller.user_id,
            raised_at=utcnow(),
        )
        uow.session.add(finding)
        item.status = blocked.value
        settle(uow, audit)
        uow.emit(
            "audit.finding-raised",
            key=item.customer_id,
            org_id=audit.org_id,
            payload=FindingRaised(
                finding_id=finding.id,
                rule_id=finding.rule_id,
                manager_id=audit.manager_id,
                customer_id=item.customer_id,
                severity=finding.severity,
                description=finding.description,
                amount_at_risk=finding.amount_at_risk,
            ),
        )
        await uow.commit()
        return FindingRead.model_validate(finding)


async def resolve_finding(
    uow: UnitOfWork, finding_id: str, cmd: FindingResolve, caller: Principal
) -> FindingRead:
    """Record the remediation, who and when; the item goes back to the auditor to be cleared."""
    async with uow:
        finding = await uow.session.get(FindingRow, finding_id)
        if (
            finding is None
            or finding.org_id != caller.org_id
            or not await SCOPE.covers_staff(uow.session, caller, finding.manager_id)
        ):
            raise NotFound("audit.finding.not_found", finding_id=finding_id)
        done = lifecycle.resolve(finding.status, cmd.remediation, caller.user_id, utcnow())
        finding.status, finding.remediation = done.status, done.remediation
        finding.resolved_by, finding.resolved_at = done.resolved_by, done.resolved_at
        await uow.session.flush()
        if finding.audit_item_id is not None:
            item = await uow.session.get(DepartureAuditItemRow, finding.audit_item_id)
            after = rules.after_resolution(await open_findings(uow, item.id)) if item is not None else None
            if item is not None and after is not None:
                item.status = after.value
        if finding.spot_check_item_id is not None:
            sampled = await uow.session.get(SpotCheckItemRow, finding.spot_check_item_id)
            still_open = await uow.session.scalars(
                select(FindingRow.id).where(
                    FindingRow.spot_check_item_id == finding.spot_check_item_id,
                    FindingRow.status == lifecycle.OPEN,
                )
            )
            after = rules.after_resolution(len(list(still_open)))
            if sampled is not None and after is not None:
                sampled.status = after.value
        uow.emit(
            "audit.finding-resolved",
            key=lifecycle.event_key(finding.customer_id, finding.manager_id, finding.id),
            org_id=finding.org_id,
            payload=FindingResolved(
                finding_id=finding.id, rule_id=finding.rule_id, remediation=cmd.remediation
            ),
        )
        await uow.commit()
        return FindingRead.model_validate(finding)
