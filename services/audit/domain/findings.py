"""Findings (R-I2): what a raised finding records, how its evidence grows, how it is resolved, who sees it."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from services.audit.domain.compliance import Raise
from services.audit.domain.departure import check_resolvable
from shared.messages import render

SYSTEM = "steward-compliance"
OPEN, RESOLVED = "open", "resolved"
# Roles that read every finding of their scope, evidence included; anyone else reads only their own.
FULL_READERS = frozenset({"auditor", "admin", "supervisor", "management"})


@dataclass(frozen=True)
class NewFinding:
    """A finding the compliance rules open: the rule, its subject, whom it names, what it says."""

    rule_id: str
    subject_key: str
    manager_id: str | None
    customer_id: str | None
    severity: str
    description: str
    evidence: list[str]
    raised_by: str = SYSTEM
    status: str = OPEN


@dataclass(frozen=True)
class Resolution:
    """How a finding is closed: the remediation, who and when."""

    remediation: str
    resolved_by: str
    resolved_at: datetime
    status: str = RESOLVED


def describe(decision: Raise) -> str:
    """The finding's English description, from the violation's message (its key when unknown)."""
    v = decision.violation
    return render(v.message_key, "en", v.params) or v.message_key


def evidence_of(event_id: str | None, watched: Sequence[str] = ()) -> list[str]:
    """What a finding cites: the event that broke the rule, or what a passed deadline had recorded."""
    return [f"event:{event_id}"] if event_id is not None else list(watched)


def opened(decision: Raise, evidence: Sequence[str]) -> NewFinding:
    """R-I2: a broken rule with no open finding for its subject opens one naming the CM responsible."""
    return NewFinding(
        rule_id=decision.rule.value,
        subject_key=decision.subject,
        manager_id=decision.manager_id,
        customer_id=decision.customer_id,
        severity=decision.severity,
        description=describe(decision),
        evidence=list(evidence),
    )


def with_evidence(found: Sequence[str], more: Iterable[str]) -> list[str]:
    """R-I2: a rule broken again while its finding is open adds its evidence (once), not a second finding."""
    return [*found, *(e for e in more if e not in found)]


def named_manager(current: str | None, decision: Raise) -> str | None:
    """An open finding that named no CM names the one responsible now; one already named stays."""
    return current if current is not None else decision.manager_id


def resolve(status: str, remediation: str, by: str, now: datetime) -> Resolution:
    """A finding is resolved once, with its remediation, by whom and when."""
    check_resolvable(status)
    return Resolution(remediation, by, now)


def event_key(customer_id: str | None, manager_id: str | None, fallback: str) -> str:
    """A finding's events are keyed on its customer, else its CM, else its subject (ordering per key)."""
    return customer_id or manager_id or fallback


def own_only(roles: Iterable[str]) -> bool:
    """A reader who is not audit, admin, supervisor or management sees only findings about themself."""
    return FULL_READERS.isdisjoint(str(r) for r in roles)


def shown_evidence(evidence: Sequence[str], own: bool) -> list[str]:
    """A CM reading their own findings does not see the evidence (other people's records)."""
    return [] if own else list(evidence)
