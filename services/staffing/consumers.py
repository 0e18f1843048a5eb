"""Staffing's event subscriptions."""

from services.staffing.service import departures, grading
from shared.consumer import Subscription

SUBSCRIPTIONS = (
    Subscription(
        name="departure-outcomes",
        topic="audit.cases",
        handlers={"audit.departure-cleared": departures.complete_departure},
    ),
    Subscription(
        name="appraisal-results",
        topic="appraisal.results",
        handlers={"appraisal.grade-proposed": grading.receive_proposal},
    ),
)
