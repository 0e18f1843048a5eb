"""Grades over time (R-Q8): proposals, maker-checker decisions, manual changes, history."""

from uuid import uuid4

from sqlalchemy import select

from services.staffing.domain import grading as rules
from services.staffing.domain.departure import ManagerStatus
from services.staffing.models import GradeChangeRow, GradeProposalRow, ManagerRow
from services.staffing.schemas.grading import (
    GradeChangeCreate,
    GradeChangeRead,
    ProposalCreate,
    ProposalDecision,
    ProposalRead,
)
from services.staffing.service.common import ladder_in_force, manager_in_org, today, visible_manager
from shared.auth import Principal
from shared.contracts.appraisal import GradeProposed
from shared.contracts.staffing import ManagerGradeChanged
from shared.envelope import Envelope
from shared.errors import NotFound, RuleViolation
from shared.pagination import Page
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


async def _propose(
    uow: UnitOfWork,
    row: ManagerRow,
    year: int,
    kind: rules.ProposalKind,
    reason: str,
    maker: str,
    source_event_id: str | None,
) -> GradeProposalRow:
    if row.status != ManagerStatus.ACTIVE.value or row.grade is None:
        raise RuleViolation("staffing.grade.manager_inactive_proposal", manager_id=row.id, status=row.status)
    ladder = await ladder_in_force(uow, row.org_id, today())
    proposal = GradeProposalRow(
        id=f"gp-{uuid4().hex[:12]}",
        org_id=row.org_id,
        manager_id=row.id,
        year=year,
        kind=kind.value,
        from_grade=row.grade,
        to_grade=rules.proposed_grade(kind, ladder, row.grade),
        reason=reason,
        source_event_id=source_event_id,
        created_by=maker,
        created_at=utcnow(),
        status=rules.ProposalStatus.PENDING.value,
    )
    uow.session.add(proposal)
    return proposal


async def receive_proposal(uow: UnitOfWork, envelope: Envelope, event: GradeProposed) -> None:
    """R-Q8: an appraisal result proposes a grade change; it waits for HR."""
    row = await uow.session.get(ManagerRow, event.manager_id)
    if row is None or row.org_id != envelope.org_id:
        raise NotFound("staffing.grade.proposed_unknown_manager", manager_id=event.manager_id)
    await _propose(
        uow,
        row,
        event.year,
        rules.ProposalKind(event.kind),
        event.reason,
        envelope.actor.user_id,
        str(envelope.event_id),
    )


async def create_proposal(uow: UnitOfWork, cmd: ProposalCreate, caller: Principal) -> ProposalRead:
    """R-Q8: HR enters a proposal by hand; another HR user must confirm it."""
    async with uow:
        row = await manager_in_org(uow, cmd.manager_id, caller.org_id)
        proposal = await _propose(uow, row, cmd.year, cmd.kind, cmd.reason, caller.user_id, None)
        await uow.commit()
        return ProposalRead.model_validate(proposal)


def _apply(
    uow: UnitOfWork, row: ManagerRow, to_grade: str | None, reason: str, by: str, proposal_id: str | None
) -> GradeChangeRow:
    change = GradeChangeRow(
        org_id=row.org_id,
        manager_id=row.id,
        from_grade=row.grade,
        to_grade=to_grade,
        reason=reason,
        proposal_id=proposal_id,
        changed_by=by,
        changed_at=utcnow(),
    )
    uow.session.add(change)
    if to_grade is None:
        row.status = ManagerStatus.REMOVED.value
    else:
        row.grade = to_grade
    uow.emit(
        "manager.grade-changed",
        key=row.id,
        org_id=row.org_id,
        payload=ManagerGradeChanged(
            manager_id=row.id,
            from_grade=change.from_grade,
            to_grade=to_grade,
            status=row.status,
            reason=reason,
            proposal_id=proposal_id,
        ),
    )
    return change


async def decide(uow: UnitOfWork, proposal_id: str, cmd: ProposalDecision, caller: Principal) -> ProposalRead:
    """R-Q8: confirm (it takes effect now) or reject; never by the proposal's maker."""
    async with uow:
        proposal = await uow.session.get(GradeProposalRow, proposal_id)
        if proposal is None or proposal.org_id != caller.org_id:
            raise NotFound("staffing.grade.proposal_not_found", proposal_id=proposal_id)
        status = rules.decide(
            rules.ProposalStatus(proposal.status), proposal.created_by, caller.user_id, cmd.confirm
        )
        row = await manager_in_org(uow, proposal.manager_id, caller.org_id)
        if status is rules.ProposalStatus.CONFIRMED:
            if row.status != ManagerStatus.ACTIVE.value or row.grade != proposal.from_grade:
                raise RuleViolation("staffing.grade.proposal_stale")
            if proposal.kind != rules.ProposalKind.KEEP.value:
                _apply(uow, row, proposal.to_grade, proposal.reason, caller.user_id, proposal.id)
        proposal.status = status.value
        proposal.decided_by = caller.user_id
        proposal.decided_at = utcnow()
        proposal.decision_reason = cmd.reason
        await uow.commit()
        return ProposalRead.model_validate(proposal)


async def change_grade(
    uow: UnitOfWork, manager_id: str, cmd: GradeChangeCreate, caller: Principal
) -> GradeChangeRead:
    """R-Q8: HR changes an active CM's grade by hand, with a reason; kept in the history."""
    async with uow:
        row = await manager_in_org(uow, manager_id, caller.org_id)
        if row.status != ManagerStatus.ACTIVE.value:
            raise RuleViolation("staffing.grade.manager_inactive", manager_id=manager_id, status=row.status)
        ladder = await ladder_in_force(uow, caller.org_id, today())
        target = ladder.grade(cmd.to_grade).code
        if target == row.grade:
            raise RuleViolation("staffing.grade.unchanged", manager_id=manager_id, target=target)
        change = _apply(uow, row, target, cmd.reason, caller.user_id, None)
        await uow.commit()
        return GradeChangeRead.model_validate(change)


async def list_proposals(
    uow: UnitOfWork, caller: Principal, status: rules.ProposalStatus | None, page: Page
) -> list[ProposalRead]:
    """Grade proposals of the cooperative, oldest first."""
    query = select(GradeProposalRow).where(GradeProposalRow.org_id == caller.org_id)
    if status is not None:
        query = query.where(GradeProposalRow.status == status.value)
    async with uow:
        rows = await page.rows(uow.session, query.order_by(GradeProposalRow.created_at, GradeProposalRow.id))
        return [ProposalRead.model_validate(r) for r in rows]


async def grade_history(uow: UnitOfWork, manager_id: str, caller: Principal) -> list[GradeChangeRead]:
    """R-Q8: every change of a CM's grade: who, when, why."""
    async with uow:
        await visible_manager(uow, manager_id, caller)
        rows = await uow.session.scalars(
            select(GradeChangeRow).where(GradeChangeRow.manager_id == manager_id).order_by(GradeChangeRow.id)
        )
        return [GradeChangeRead.model_validate(r) for r in rows]


async def get_proposal(uow: UnitOfWork, proposal_id: str, caller: Principal) -> ProposalRead:
    """One grade proposal of the cooperative (the Workbench polls it while it waits for a decision)."""
    async with uow:
        row = await uow.session.get(GradeProposalRow, proposal_id)
        if row is None or row.org_id != caller.org_id:
            raise NotFound("staffing.grade.proposal_not_found", proposal_id=proposal_id)
        return ProposalRead.model_validate(row)
