"""Appraisal's event subscriptions."""

from services.appraisal.models.base import LOGIN_LINKS
from services.appraisal.service import projections, references
from services.appraisal.service.scope import SCOPE
from shared.consumer import Subscription
from shared.logins import follow_links

SUBSCRIPTIONS = (
    Subscription(
        name="managers",
        topic="staffing.managers",
        handlers={
            "manager.registered": projections.record_standing,
            "manager.departure-requested": projections.record_standing,
            "manager.departure-withdrawn": projections.record_standing,
            "manager.departed": projections.record_standing,
            "manager.grade-changed": projections.record_grade_change,
            "ladder.published": projections.record_ladder,
            "team.changed": projections.record_team,
        },
    ),
    Subscription(
        name="expenses",
        topic="staffing.expenses",
        handlers={"expense.year-closed": projections.record_overspend},
    ),
    Subscription(
        name="assignments",
        topic="customer.customers",
        handlers={
            "customer.assignment-changed": projections.record_assignment,
            "customer.registered": references.record_reference,
            "customer.identified": references.record_reference,
        },
    ),
    Subscription(
        name="profit",
        topic="corebanking.pnl",
        handlers={"profit.posted": projections.record_posting},
        batch_handlers={"profit.posted": projections.record_posting_batch},
    ),
    Subscription(
        name="logins",
        topic="staffing.offices",
        handlers={"staff.login-linked": follow_links(LOGIN_LINKS)},
    ),
    Subscription(
        name="office-projection",
        topic="staffing.offices",
        handlers={
            "office.changed": SCOPE.record_office,
            "office.staff-assigned": SCOPE.record_staff_office,
        },
    ),
)
