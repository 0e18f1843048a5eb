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
            "manager.registered": projections.when_registered_record_manager,
            "manager.departure-requested": projections.when_departure_requested_mark_leaving,
            "manager.departure-withdrawn": projections.when_departure_withdrawn_mark_on_post,
            "manager.departed": projections.when_departed_mark_left,
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
