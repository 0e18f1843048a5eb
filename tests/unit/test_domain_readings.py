"""Issue 19, finding 8: the seed's readings of R-M2 and R-P2 as pure decisions."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from services.audit.domain import compliance as decide
from services.customer.domain.visits import filed_late
from services.staffing.domain import expenses
from services.staffing.domain.ladder import ExpenseCategory
from shared.rules import RuleId

VISIT = datetime(2026, 3, 1, 9, tzinfo=UTC)


def test_R_M2_a_report_later_than_the_delay_is_flagged_not_refused():
    delay = timedelta(hours=48)
    assert not filed_late(VISIT, VISIT + timedelta(hours=47), delay)
    assert not filed_late(VISIT, VISIT + delay, delay)
    assert filed_late(VISIT, VISIT + delay + timedelta(seconds=1), delay)


def test_R_M2_audit_counts_each_late_report_on_one_finding_per_cm():
    assert decide.late_report("m-1", "c-1", False) == []
    (raised,) = decide.late_report("m-1", "c-1", True)
    assert isinstance(raised, decide.Raise)
    assert (raised.rule, raised.manager_id, raised.subject) == (
        RuleId.R_M2,
        "m-1",
        "manager:m-1:late-reports",
    )
    assert decide.late_report("m-1", "c-2", True)[0].subject == raised.subject  # the same finding counts


def test_R_P2_overspend_is_what_exceeds_the_yearly_total_whatever_the_categories():
    budget = {ExpenseCategory.GIFTS: Decimal("1000"), ExpenseCategory.ENTERTAINMENT: Decimal("3000")}
    under = {ExpenseCategory.GIFTS: Decimal("2500"), ExpenseCategory.ENTERTAINMENT: Decimal("0")}
    assert expenses.total_overspend(expenses.statuses(budget, under)) == Decimal("0")
    over = {ExpenseCategory.GIFTS: Decimal("2500"), ExpenseCategory.ENTERTAINMENT: Decimal("1500.01")}
    assert expenses.total_overspend(expenses.statuses(budget, over)) == Decimal("0.01")
