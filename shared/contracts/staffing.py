"""Payloads staffing publishes on `staffing.managers` (key: manager id; teams and ladder: their id)."""

from datetime import date, datetime

from pydantic import AwareDatetime, Field

from shared.contracts.base import Payload, Rate, Score
from shared.money import Money

Id = Field(min_length=1, max_length=64)


class ManagerRegistered(Payload):
    """A person took up the CM post (onboarded, or certified for the first time)."""

    manager_id: str = Id
    employee_no: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=200)
    grade: str = Field(min_length=1, max_length=32)
    branch: str = Field(min_length=1, max_length=64)
    status: str = Field(min_length=1, max_length=32)
    certified_until: date | None = None


class ManagerCertified(Payload):
    """R-Q6/R-Q7: a CM passed the grade exam and is certified until a date."""

    manager_id: str = Id
    grade: str = Field(min_length=1, max_length=32)
    score: Score = Field(description="weighted certification score, 0-100")
    valid_until: date


class ManagerCertificationExpiring(Payload):
    """R-Q7: a CM's certification expires soon."""

    manager_id: str = Id
    valid_until: date
    days_left: int = Field(ge=0)


class ManagerCertificationExpired(Payload):
    """R-Q7: a CM's certification expired; they count as not certified everywhere."""

    manager_id: str = Id
    expired_on: date


class ManagerGradeChanged(Payload):
    """R-Q8: a CM's grade changed (confirmed proposal or HR by hand); to_grade None means off the post."""

    manager_id: str = Id
    from_grade: str | None = None
    to_grade: str | None = None
    status: str = Field(min_length=1, max_length=32)
    reason: str = Field(max_length=1000)
    proposal_id: str | None = None


class ManagerDepartureRequested(Payload):
    """A CM asked to leave the post; audit must review every customer first (R-I6)."""

    manager_id: str = Id
    requested_at: AwareDatetime
    reason: str = Field(max_length=1000)
    intended_last_day: date | None = None


class ManagerDepartureWithdrawn(Payload):
    """R-I6: the departure request was withdrawn; the CM stays on the post."""

    manager_id: str = Id
    reason: str = Field(max_length=1000)


class ManagerDeparted(Payload):
    """The departure audit cleared and the CM left the post (R-I6)."""

    manager_id: str = Id
    departed_at: datetime
    audit_id: str = Id


class TeamChanged(Payload):
    """R-C2: a team was formed, gained or lost a member, or was dissolved; the full membership follows."""

    team_id: str = Id
    name: str = Field(min_length=1, max_length=200)
    lead_id: str = Id
    member_ids: tuple[str, ...] = ()
    change: str = Field(pattern="^(formed|member-joined|member-left|dissolved)$")
    manager_id: str | None = None


class LadderGrade(Payload):
    """One grade as other services need it (R-Q5, R-I1, R-I4, R-P1)."""

    code: str
    name: str
    rank: int
    level: int
    may_lead_teams: bool
    customer_classes: tuple[str, ...]
    products: tuple[str, ...]
    expense_budget: dict[str, Money]
    fixed_pay: Money
    floating_rate: Rate = Field(description="share of attributed profit paid, a decimal between 0 and 1")
    authorization_limit: Money
    keep_min_score: Score = Field(description="0-100")
    keep_min_profit: Money
    reach_min_score: Score = Field(description="0-100")
    reach_min_profit: Money


class LadderPublished(Payload):
    """A new version of a cooperative's grade ladder, in force from a date (R-Q3..R-Q5)."""

    version: int = Field(ge=0)
    effective_from: date
    grades: tuple[LadderGrade, ...]
