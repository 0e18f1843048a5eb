"""Visit and daily-report rules without I/O: R-M1, R-M2, R-M4, R-M5, R-W4."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from services.customer.domain import visits
from shared.errors import Conflict, RuleViolation

TODAY = date(2026, 6, 1)


def test_R_M2_a_future_visit_cannot_be_filed_as_done():
    now = datetime(2026, 6, 1, 12, tzinfo=UTC)
    visits.check_filed_in_time(datetime(2026, 6, 1, 11, tzinfo=UTC), now)
    with pytest.raises(RuleViolation, match="R-M2"):
        visits.check_filed_in_time(datetime(2026, 6, 1, 13, tzinfo=UTC), now)


def test_R_M4_next_visit_due_by_interval_and_overdue_after_the_tolerance():
    assert visits.next_due(date(2026, 5, 1), date(2026, 1, 1), 30) == date(2026, 5, 31)
    assert visits.next_due(None, date(2026, 5, 1), 90) == date(2026, 7, 30)
    assert visits.is_overdue(date(2026, 5, 31), TODAY)
    assert not visits.is_overdue(date(2026, 5, 31), TODAY, tolerance_days=1)
    assert not visits.is_overdue(TODAY, TODAY)


def test_R_M1_phone_contacts_do_not_count_as_visits():
    assert visits.VisitKind.PHONE not in visits.IN_PERSON


def test_R_M5_rolling_average_and_a_single_warning_per_fall():
    assert visits.rolling([5, 4, 2, 2, 3], 3) == Decimal("2.33")
    assert visits.rolling([], 3) is None
    threshold = Decimal("3")
    assert visits.dissatisfaction_crossed(Decimal("3.33"), Decimal("2.67"), threshold)
    assert visits.dissatisfaction_crossed(None, Decimal("2"), threshold)
    assert not visits.dissatisfaction_crossed(Decimal("2.67"), Decimal("2.33"), threshold)
    assert not visits.dissatisfaction_crossed(Decimal("2.67"), Decimal("3.00"), threshold)


def test_R_W4_plan_once_before_the_day_then_outcome_once_on_or_after_it():
    visits.check_day_plan(TODAY, TODAY, has_plan=False)
    with pytest.raises(Conflict):
        visits.check_day_plan(TODAY, TODAY, has_plan=True)
    with pytest.raises(RuleViolation, match="before the day"):
        visits.check_day_plan(date(2026, 5, 31), TODAY, has_plan=False)
    with pytest.raises(RuleViolation, match="morning plan"):
        visits.check_day_outcome(TODAY, TODAY, has_plan=False, has_outcome=False)
    with pytest.raises(RuleViolation, match="on or after"):
        visits.check_day_outcome(date(2026, 6, 2), TODAY, has_plan=True, has_outcome=False)
    with pytest.raises(Conflict):
        visits.check_day_outcome(TODAY, TODAY, has_plan=True, has_outcome=True)
