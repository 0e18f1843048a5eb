"""Appraisal's event subscriptions."""

from services.appraisal import service
from shared.consumer import Subscription

SUBSCRIPTIONS = (
    Subscription(
        name="managers",
        topic="staffing.managers",
        handlers={
            "manager.registered": service.observe_manager,
            "manager.departure-requested": service.observe_manager,
            "manager.departed": service.observe_manager,
        },
    ),
)
