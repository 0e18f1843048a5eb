"""The staff roll (R-Q2): staff registered by employee number; CMs onboarded with grade and certificate."""

from dataclasses import dataclass
from datetime import date

from services.staffing.domain.certification import add_years
from services.staffing.domain.ladder import Ladder
from services.staffing.domain.qualification import check_hire_date
from shared.errors import Conflict, RuleViolation


def check_employee_no_free(employee_no: str, taken: bool) -> None:
    """An employee number is one person's in a cooperative."""
    if taken:
        raise Conflict("staffing.roster.duplicate_employee_no", employee_no=employee_no)


def register(employee_no: str, taken: bool, hire_date: date, today: date) -> None:
    """R-Q2: a member of staff, not yet a CM: a hire date not in the future, an employee number not taken."""
    check_hire_date(hire_date, today)
    check_employee_no_free(employee_no, taken)


@dataclass(frozen=True)
class Onboarded:
    """A CM who already holds the post: the grade of the ladder in force and the certificate's last day."""

    grade: str
    certified_until: date


def onboard(
    employee_no: str,
    taken: bool,
    grade: str,
    ladder: Ladder,
    hire_date: date | None,
    certified_until: date | None,
    validity_years: int,
    today: date,
) -> Onboarded:
    """R-Q3/R-Q7: a grade of the ladder in force; a certificate valid at most `validity_years` from today."""
    if hire_date is not None:
        check_hire_date(hire_date, today)
    code = ladder.grade(grade).code
    check_employee_no_free(employee_no, taken)
    longest = add_years(today, validity_years)
    until = certified_until or longest
    if until > longest:
        raise RuleViolation("staffing.roster.validity_too_long", validity_years=validity_years)
    return Onboarded(code, until)
