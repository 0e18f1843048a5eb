"""Grades over time (R-Q8): proposals from the appraisal, confirmed by a second HR user, and manual changes.

The decisions are pure: given the CM's grade and status, the ladder in force, the command and `now`,
they return the proposal to keep or the `GradeChanged` to apply and publish; `service/grading.py` loads,
calls them and persists.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from services.staffing.domain.departure import ManagerStatus
from services.staffing.domain.ladder import Ladder
from shared.errors import Conflict, Forbidden, NotFound, RuleViolation


class ProposalKind(StrEnum):
    """What the yearly appraisal proposes for a CM."""

    PROMOTE = "promote"
    KEEP = "keep"
    DEMOTE = "demote"
    REMOVE = "remove"


class ProposalStatus(StrEnum):
    """Where a grade proposal stands."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


@dataclass(frozen=True)
class ManagerGrade:
    """What a grade decision knows of a CM: who, where they stand and their grade (None: off the post)."""

    manager_id: str
    status: ManagerStatus
    grade: str | None


@dataclass(frozen=True)
class Proposal:
    """A grade proposal as the domain sees it (new, or as stored)."""

    manager_id: str
    year: int
    kind: ProposalKind
    from_grade: str
    to_grade: str | None
    reason: str
    maker: str
    status: ProposalStatus = ProposalStatus.PENDING
    proposal_id: str | None = None


@dataclass(frozen=True)
class GradeChanged:
    """A CM's grade changed (None: removed from the post); the history row and the event both follow it."""

    manager_id: str
    from_grade: str | None
    to_grade: str | None
    status: ManagerStatus
    reason: str
    proposal_id: str | None
    by: str
    at: datetime


@dataclass(frozen=True)
class ProposalSettled:
    """A proposal's decision: its new status and, when confirmed and not a keep, the change it makes."""

    status: ProposalStatus
    change: GradeChanged | None


def proposed_grade(kind: ProposalKind, ladder: Ladder, current: str) -> str | None:
    """R-Q8: the grade a proposal leads to; None means off the CM post."""
    if kind is ProposalKind.KEEP:
        return current
    if kind is ProposalKind.REMOVE:
        return None
    target = ladder.step(current, up=kind is ProposalKind.PROMOTE)
    if target is None:
        if kind is ProposalKind.PROMOTE:
            raise RuleViolation("staffing.grade.top_of_ladder", current=current)
        raise RuleViolation("staffing.grade.bottom_of_ladder", current=current)
    return target.code


def propose(
    manager: ManagerGrade, kind: ProposalKind, ladder: Ladder, year: int, reason: str, maker: str
) -> Proposal:
    """R-Q8: a proposal for an active CM, from their grade along the ladder in force; it waits for HR."""
    if manager.status is not ManagerStatus.ACTIVE or manager.grade is None:
        raise RuleViolation(
            "staffing.grade.manager_inactive_proposal",
            manager_id=manager.manager_id,
            status=manager.status.value,
        )
    to_grade = proposed_grade(kind, ladder, manager.grade)
    return Proposal(manager.manager_id, year, kind, manager.grade, to_grade, reason, maker)


def check_proposal_known(proposal_id: str, known: bool) -> None:
    """R-Q8: a proposal of the cooperative."""
    if not known:
        raise NotFound("staffing.grade.proposal_not_found", proposal_id=proposal_id)


def check_proposed_for_known(manager_id: str, known: bool) -> None:
    """R-Q8: an appraisal's proposal names a CM of the cooperative."""
    if not known:
        raise NotFound("staffing.grade.proposed_unknown_manager", manager_id=manager_id)


def decide(status: ProposalStatus, maker: str, checker: str, confirm: bool) -> ProposalStatus:
    """R-Q8 maker-checker: a proposal takes effect only when someone other than its maker confirms it."""
    if status is not ProposalStatus.PENDING:
        raise Conflict("staffing.grade.proposal_decided", status=status.value)
    if maker == checker:
        raise Forbidden("staffing.grade.confirm_own")
    return ProposalStatus.CONFIRMED if confirm else ProposalStatus.REJECTED


def _changed(
    manager: ManagerGrade, to_grade: str | None, reason: str, by: str, proposal_id: str | None, now: datetime
) -> GradeChanged:
    status = ManagerStatus.REMOVED if to_grade is None else manager.status
    return GradeChanged(manager.manager_id, manager.grade, to_grade, status, reason, proposal_id, by, now)


def settle(
    proposal: Proposal, manager: ManagerGrade, checker: str, confirm: bool, now: datetime
) -> ProposalSettled:
    """R-Q8: confirm (the change takes effect now, unless the CM moved since) or reject the proposal."""
    status = decide(proposal.status, proposal.maker, checker, confirm)
    if status is not ProposalStatus.CONFIRMED:
        return ProposalSettled(status, None)
    if manager.status is not ManagerStatus.ACTIVE or manager.grade != proposal.from_grade:
        raise RuleViolation("staffing.grade.proposal_stale")
    if proposal.kind is ProposalKind.KEEP:
        return ProposalSettled(status, None)
    change = _changed(manager, proposal.to_grade, proposal.reason, checker, proposal.proposal_id, now)
    return ProposalSettled(status, change)


def change_grade(
    manager: ManagerGrade, ladder: Ladder, to_grade: str, reason: str, by: str, now: datetime
) -> GradeChanged:
    """R-Q8: HR moves an active CM to another grade of the ladder in force, with a reason."""
    if manager.status is not ManagerStatus.ACTIVE:
        raise RuleViolation(
            "staffing.grade.manager_inactive", manager_id=manager.manager_id, status=manager.status.value
        )
    target = ladder.grade(to_grade).code
    if target == manager.grade:
        raise RuleViolation("staffing.grade.unchanged", manager_id=manager.manager_id, target=target)
    return _changed(manager, target, reason, by, None, now)
