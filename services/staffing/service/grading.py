"""Grades over time (R-Q8): proposals, maker-checker decisions, manual changes, history."""

from uuid import uuid4

from services.staffing.domain import grading as rules
from services.staffing.domain.access import in_org
from services.staffing.models import GradeChangeRow, GradeProposalRow, ManagerRow
from services.staffing.queries.access import ladder_in_force, manager_in_org, today
from services.staffing.schemas.grading import (
    GradeChangeCreate,
    GradeChangeRead,
    ProposalCreate,
    ProposalDecision,
    ProposalRead,
)
from services.staffing.service.common import status_of
from shared.auth import Principal
from shared.contracts.appraisal import GradeProposed
from shared.contracts.staffing import ManagerGradeChanged
from shared.envelope import Envelope
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


def _grade_of(row: ManagerRow) -> rules.ManagerGrade:
    return rules.ManagerGrade(row.id, status_of(row), row.grade)


async def _propose(
    uow: UnitOfWork,
    row: ManagerRow,
    year: int,
    kind: rules.ProposalKind,
    reason: str,
    maker: str,
    source_event_id: str | None,
) -> GradeProposalRow:
    ladder = await ladder_in_force(uow, row.org_id, today())
    p = rules.propose(_grade_of(row), kind, ladder, year, reason, maker)
    proposal = GradeProposalRow(
        id=f"gp-{uuid4().hex[:12]}",
        org_id=row.org_id,
        manager_id=row.id,
        year=p.year,
        kind=p.kind.value,
        from_grade=p.from_grade,
        to_grade=p.to_grade,
        reason=p.reason,
        source_event_id=source_event_id,
        created_by=p.maker,
        created_at=utcnow(),
        status=p.status.value,
    )
    uow.session.add(proposal)
    return proposal


async def receive_proposal(uow: UnitOfWork, envelope: Envelope, event: GradeProposed) -> None:
    """R-Q8: an appraisal result proposes a grade change; it waits for HR."""
    row = await uow.session.get(ManagerRow, event.manager_id)
    rules.check_proposed_for_known(event.manager_id, in_org(row.org_id if row else None, envelope.org_id))
    assert row is not None
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


def _apply(uow: UnitOfWork, row: ManagerRow, change: rules.GradeChanged) -> GradeChangeRow:
    history = GradeChangeRow(
        org_id=row.org_id,
        manager_id=row.id,
        from_grade=change.from_grade,
        to_grade=change.to_grade,
        reason=change.reason,
        proposal_id=change.proposal_id,
        changed_by=change.by,
        changed_at=change.at,
    )
    uow.session.add(history)
    row.status = change.status.value
    if change.to_grade is not None:
        row.grade = change.to_grade
    uow.emit(
        "manager.grade-changed",
        key=row.id,
        org_id=row.org_id,
        payload=ManagerGradeChanged(
            manager_id=row.id,
            from_grade=change.from_grade,
            to_grade=change.to_grade,
            status=row.status,
            reason=change.reason,
            proposal_id=change.proposal_id,
        ),
    )
    return history


def _proposal_of(row: GradeProposalRow) -> rules.Proposal:
    return rules.Proposal(
        row.manager_id,
        row.year,
        rules.ProposalKind(row.kind),
        row.from_grade,
        row.to_grade,
        row.reason,
        row.created_by,
        rules.ProposalStatus(row.status),
        row.id,
    )


async def decide(uow: UnitOfWork, proposal_id: str, cmd: ProposalDecision, caller: Principal) -> ProposalRead:
    """R-Q8: confirm (it takes effect now) or reject; never by the proposal's maker."""
    async with uow:
        proposal = await uow.session.get(GradeProposalRow, proposal_id)
        rules.check_proposal_known(proposal_id, in_org(proposal.org_id if proposal else None, caller.org_id))
        assert proposal is not None
        rules.decide(rules.ProposalStatus(proposal.status), proposal.created_by, caller.user_id, cmd.confirm)
        row = await manager_in_org(uow, proposal.manager_id, caller.org_id)
        now = utcnow()
        settled = rules.settle(_proposal_of(proposal), _grade_of(row), caller.user_id, cmd.confirm, now)
        if settled.change is not None:
            _apply(uow, row, settled.change)
        proposal.status = settled.status.value
        proposal.decided_by = caller.user_id
        proposal.decided_at = now
        proposal.decision_reason = cmd.reason
        await uow.commit()
        return ProposalRead.model_validate(proposal)


async def change_grade(
    uow: UnitOfWork, manager_id: str, cmd: GradeChangeCreate, caller: Principal
) -> GradeChangeRead:
    """R-Q8: HR changes an active CM's grade by hand, with a reason; kept in the history."""
    async with uow:
        row = await manager_in_org(uow, manager_id, caller.org_id)
        ladder = await ladder_in_force(uow, caller.org_id, today())
        change = rules.change_grade(
            _grade_of(row), ladder, cmd.to_grade, cmd.reason, caller.user_id, utcnow()
        )
        history = _apply(uow, row, change)
        await uow.commit()
        return GradeChangeRead.model_validate(history)
