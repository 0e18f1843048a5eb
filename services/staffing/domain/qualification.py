"""Qualification review (R-Q1, R-Q2): conditions checked automatically, then a human reviewer."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from services.staffing.domain.ladder import Ladder
from shared.errors import Conflict, Forbidden, NotFound, RuleViolation


class Education(StrEnum):
    """Education levels, lowest first; `college` is 大专."""

    SECONDARY = "secondary"
    VOCATIONAL = "vocational"
    COLLEGE = "college"
    BACHELOR = "bachelor"
    MASTER = "master"
    DOCTORATE = "doctorate"

    @property
    def order(self) -> int:
        """Position on the scale, lowest first."""
        return list(Education).index(self)


class ApplicationStatus(StrEnum):
    """Where a qualification application stands."""

    INELIGIBLE = "ineligible"
    PENDING_REVIEW = "pending_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    CERTIFIED = "certified"


ACTIVE_APPLICATIONS = frozenset({ApplicationStatus.PENDING_REVIEW, ApplicationStatus.APPROVED})


@dataclass(frozen=True)
class Conditions:
    """R-Q1 appointment conditions, configurable per cooperative."""

    min_years_of_service: int = 3
    min_education: Education = Education.COLLEGE


@dataclass(frozen=True)
class Candidate:
    """What the conditions are checked against."""

    hire_date: date
    education: Education
    health_attested: bool
    ethics_attested: bool
    bad_business_record: bool


def years_of_service(hire_date: date, on: date) -> int:
    """Whole years of RCC service on a date."""
    years = on.year - hire_date.year
    if (on.month, on.day) < (hire_date.month, hire_date.day):
        years -= 1
    return max(years, 0)


def failed_conditions(candidate: Candidate, conditions: Conditions, on: date) -> list[str]:
    """R-Q1: every condition the candidate does not meet, each named; empty when all are met."""
    failed = []
    if not candidate.ethics_attested:
        failed.append("R-Q1 ethics: no attestation of good professional ethics")
    if candidate.bad_business_record:
        failed.append("R-Q1 record: the candidate has a bad business record")
    if not candidate.health_attested:
        failed.append("R-Q1 health: no health attestation")
    years = years_of_service(candidate.hire_date, on)
    if years < conditions.min_years_of_service:
        failed.append(
            f"R-Q1 service: {years} years of RCC service, at least {conditions.min_years_of_service} required"
        )
    if candidate.education.order < conditions.min_education.order:
        required = conditions.min_education.value
        failed.append(f"R-Q1 education: {candidate.education.value} is below the required {required}")
    return failed


def initial_status(failed: list[str]) -> ApplicationStatus:
    """R-Q2: an application that fails a condition never reaches a reviewer."""
    return ApplicationStatus.INELIGIBLE if failed else ApplicationStatus.PENDING_REVIEW


def check_no_active_application(statuses: list[ApplicationStatus]) -> None:
    """One application at a time."""
    if any(s in ACTIVE_APPLICATIONS for s in statuses):
        raise Conflict("staffing.qualification.active_application")


def check_application_known(application_id: str, known: bool) -> None:
    """R-Q2: an application of the cooperative."""
    if not known:
        raise NotFound("staffing.qualification.not_found", application_id=application_id)


def review(
    status: ApplicationStatus, applicant_id: str, reviewer_id: str, approve: bool
) -> ApplicationStatus:
    """R-Q2: an HR reviewer, never the applicant, approves or rejects a pending application."""
    if reviewer_id == applicant_id:
        raise Forbidden("staffing.qualification.review_own")
    if status is not ApplicationStatus.PENDING_REVIEW:
        raise Conflict("staffing.qualification.not_pending", status=status.value)
    return ApplicationStatus.APPROVED if approve else ApplicationStatus.REJECTED


def check_hire_date(hire_date: date, today: date) -> None:
    """A hire date cannot lie in the future."""
    if hire_date > today:
        raise RuleViolation("staffing.qualification.hire_in_future")


def check_applicant(caller: str, staff_id: str, may_manage: bool) -> None:
    """R-Q2: a member of staff applies for themself, or HR applies for them."""
    if not may_manage and caller != staff_id:
        raise Forbidden("staffing.qualification.hr_or_self")


@dataclass(frozen=True)
class StaffRecord:
    """The staff record an application is judged on (hire date and education may still be missing)."""

    staff_id: str
    status: str
    hire_date: date | None
    education: str | None
    health_attested: bool
    ethics_attested: bool
    bad_business_record: bool


@dataclass(frozen=True)
class Applied:
    """R-Q1/R-Q2: an application recorded: pending review, or ineligible with every failed condition named."""

    status: ApplicationStatus
    failed_conditions: tuple[str, ...]


def apply_for(
    record: StaffRecord,
    target_grade: str,
    ladder: Ladder,
    previous: Iterable[ApplicationStatus],
    conditions: Conditions,
    today: date,
) -> Applied:
    """R-Q1/R-Q2: staff apply for a grade of the ladder in force, once at a time; the conditions at once."""
    if record.status != "staff":
        raise RuleViolation(
            "staffing.qualification.not_staff", staff_id=record.staff_id, status=record.status
        )
    ladder.grade(target_grade)
    check_no_active_application(list(previous))
    if record.hire_date is None or record.education is None:
        raise RuleViolation("staffing.qualification.record_incomplete")
    candidate = Candidate(
        record.hire_date,
        Education(record.education),
        record.health_attested,
        record.ethics_attested,
        record.bad_business_record,
    )
    failed = failed_conditions(candidate, conditions, today)
    return Applied(initial_status(failed), tuple(failed))
