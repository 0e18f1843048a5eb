"""Grades over time (R-Q8): proposals, maker-checker decisions, manual changes, history."""

from uuid import uuid4

from sqlalchemy import select

from services.staffing.domain import grading as rules
from services.staffing.models import GradeChangeRow, GradeProposalRow, ManagerRow
from services.staffing.schemas.grading import (
    GradeChangeCreate,
    GradeChangeRead,
    ProposalCreate,
    ProposalDecision,
    ProposalRead,
)
from services.staffing.service.common import (
    ladder_in_force,
    manager_in_org,
    status_of,
    today,
    visible_manager,
)
from shared.auth import Principal
from shared.contracts.appraisal import GradeProposed
from shared.contracts.staffing import ManagerGradeChanged
from shared.envelope import Envelope
from shared.errors import NotFound
from shared.pagination import Page
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
        if proposal is None or proposal.org_id != caller.org_id:
            raise NotFound("staffing.grade.proposal_not_found", proposal_id=proposal_id)
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
