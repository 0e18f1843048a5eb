"""Staffing's event subscriptions."""

from services.staffing.service import departures, grading, served
from shared.consumer import Subscription

SUBSCRIPTIONS = (
    Subscription(
        name="departure-outcomes",
        topic="audit.cases",
        handlers={"audit.departure-cleared": departures.when_departure_cleared_complete_departure},
    ),
    Subscription(
        name="appraisal-results",
        topic="appraisal.results",
        handlers={"appraisal.grade-proposed": grading.receive_proposal},
    ),
    Subscription(
        name="customer-assignments",
        topic="customer.customers",
        handlers={
            "customer.registered": served.record_registered,
            "customer.assignment-changed": served.record_assignment,
        },
    ),
)
