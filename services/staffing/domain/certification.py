"""Certification (R-Q6, R-Q7): weighted exam components against a pass mark; validity and expiry."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

from services.staffing.domain.departure import ManagerStatus
from services.staffing.domain.ladder import CertificationWeights, GradeSpec
from services.staffing.domain.qualification import ApplicationStatus
from shared.errors import RuleViolation

HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class ExamResults:
    """R-Q6 components, each scored 0-100."""

    performance: Decimal
    ability: Decimal
    exam: Decimal


@dataclass(frozen=True)
class CertificationOutcome:
    """A weighted score, whether it passes, and until when it is valid."""

    score: Decimal
    passed: bool
    valid_until: date | None


def weighted_score(results: ExamResults, weights: CertificationWeights) -> Decimal:
    """R-Q6: the grade's weights applied to the three components, cut (never rounded up) to the hundredth."""
    for name, value in (
        ("performance", results.performance),
        ("ability", results.ability),
        ("exam", results.exam),
    ):
        if not Decimal("0") <= value <= Decimal("100"):
            raise RuleViolation("staffing.exam.score_range", name=name)
    raw = (
        results.performance * weights.performance
        + results.ability * weights.ability
        + results.exam * weights.exam
    )
    return raw.quantize(HUNDREDTH, rounding=ROUND_DOWN)


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later (28 February for a 29 February start)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def certify(
    results: ExamResults, grade: GradeSpec, exam_date: date, validity_years: int, today: date
) -> CertificationOutcome:
    """R-Q6/R-Q7: pass at or above the grade's pass mark; valid for `validity_years` from the exam."""
    if exam_date > today:
        raise RuleViolation("staffing.exam.in_future")
    score = weighted_score(results, grade.weights)
    passed = score >= grade.pass_mark
    valid_until = add_years(exam_date, validity_years) if passed else None
    if valid_until is not None and valid_until < today:
        raise RuleViolation("staffing.exam.expired")
    return CertificationOutcome(score=score, passed=passed, valid_until=valid_until)


def is_certified(valid_until: date | None, today: date) -> bool:
    """R-Q7: certified through the last valid day; an expired CM is not certified."""
    return valid_until is not None and today <= valid_until


class Notice(StrEnum):
    """What the expiry sweep has to say about one CM."""

    WARN = "warn"
    EXPIRE = "expire"


def expiry_notice(
    valid_until: date | None, today: date, warn_days: int, warned_for: date | None, expired_for: date | None
) -> Notice | None:
    """R-Q7: warn once `warn_days` ahead, announce expiry once; renewals start afresh."""
    if valid_until is None:
        return None
    if today > valid_until:
        return Notice.EXPIRE if expired_for != valid_until else None
    if today >= valid_until - timedelta(days=warn_days):
        return Notice.WARN if warned_for != valid_until else None
    return None


SITTING = ("staff", "active")
"""R-Q2/R-Q7: who sits the exam: an approved applicant from the staff roll, or an active CM renewing."""


@dataclass(frozen=True)
class Candidate:
    """Who sits the exam: status, grade held (renewal) and the approved application's grade (first time)."""

    manager_id: str
    status: str
    grade: str | None
    applied_for: str | None


@dataclass(frozen=True)
class Appointment:
    """R-Q2: a first pass puts the applicant on the CM post at the grade; their application is done."""

    status: str = ManagerStatus.ACTIVE.value
    application_status: str = ApplicationStatus.CERTIFIED.value


@dataclass(frozen=True)
class Certified:
    """R-Q6/R-Q7: the exam's outcome; `appoints` when a first pass puts an applicant on the CM post."""

    outcome: CertificationOutcome
    grade: str
    appoints: bool

    @property
    def certifies(self) -> bool:
        """True when the pass certifies the CM until `outcome.valid_until`."""
        return self.outcome.passed and self.outcome.valid_until is not None

    @property
    def appointment(self) -> Appointment | None:
        """The appointment a first pass makes, else None."""
        return Appointment() if self.appoints else None


def needs_application(status: str) -> bool:
    """R-Q2: a member of staff sits their first exam on an approved application (a CM renewing needs none)."""
    return status == "staff"


def check_can_sit(manager_id: str, status: str) -> None:
    """R-Q2/R-Q7: only staff (first certification) and active CMs (renewal) sit the exam."""
    if status not in SITTING:
        raise RuleViolation("staffing.exam.manager_inactive", manager_id=manager_id, status=status)


def sit_exam(
    candidate: Candidate,
    grade: GradeSpec,
    results: ExamResults,
    exam_date: date,
    validity_years: int,
    today: date,
) -> Certified:
    """R-Q2/R-Q6/R-Q7: the exam of an approved applicant for this grade, or a CM renewing their own grade."""
    check_can_sit(candidate.manager_id, candidate.status)
    first = needs_application(candidate.status)
    if first and candidate.applied_for is None:
        raise RuleViolation("staffing.exam.not_reviewed")
    if first and candidate.applied_for != grade.code:
        raise RuleViolation("staffing.exam.other_grade", target_grade=candidate.applied_for, grade=grade.code)
    if not first and candidate.grade != grade.code:
        raise RuleViolation("staffing.exam.renewal_grade", grade=candidate.grade)
    outcome = certify(results, grade, exam_date, validity_years, today)
    return Certified(
        outcome, grade.code, appoints=first and outcome.passed and outcome.valid_until is not None
    )


@dataclass(frozen=True)
class CertificationExpiring:
    """R-Q7: published once, `warn_days` ahead of the expiry."""

    manager_id: str
    valid_until: date
    days_left: int


@dataclass(frozen=True)
class CertificationExpired:
    """R-Q7: published once, the day after the last valid day."""

    manager_id: str
    expired_on: date


def sweep_one(
    manager_id: str,
    valid_until: date | None,
    today: date,
    warn_days: int,
    warned_for: date | None,
    expired_for: date | None,
) -> CertificationExpiring | CertificationExpired | None:
    """R-Q7: the notice a CM's certification calls for today, if any (each once per validity)."""
    notice = expiry_notice(valid_until, today, warn_days, warned_for, expired_for)
    if valid_until is None or notice is None:
        return None
    if notice is Notice.WARN:
        return CertificationExpiring(manager_id, valid_until, (valid_until - today).days)
    return CertificationExpired(manager_id, valid_until)


SWEPT = ("active", "departure_pending")
"""R-Q7: whose certificates the expiry sweep looks at: CMs on the post, and those leaving it."""


def sweep_horizon(today: date, warn_days: int) -> date:
    """R-Q7: the sweep looks at certificates running out by this day (earlier ones may still owe a notice)."""
    return today + timedelta(days=warn_days)
