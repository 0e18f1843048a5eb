"""Grades over time (R-Q8): proposals from the appraisal, confirmed by a second HR user."""

from enum import StrEnum

from services.staffing.domain.ladder import Ladder
from shared.errors import Conflict, Forbidden, RuleViolation


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


def decide(status: ProposalStatus, maker: str, checker: str, confirm: bool) -> ProposalStatus:
    """R-Q8 maker-checker: a proposal takes effect only when someone other than its maker confirms it."""
    if status is not ProposalStatus.PENDING:
        raise Conflict("staffing.grade.proposal_decided", status=status.value)
    if maker == checker:
        raise Forbidden("staffing.grade.confirm_own")
    return ProposalStatus.CONFIRMED if confirm else ProposalStatus.REJECTED
