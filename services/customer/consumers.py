"""Customer service's event subscriptions."""

from services.customer import service
from shared.consumer import Subscription

SUBSCRIPTIONS = (
    Subscription(
        name="manager-projection",
        topic="staffing.managers",
        handlers={
            "manager.registered": service.record_manager,
            "manager.departure-requested": service.publish_departure_portfolio,
            "manager.departed": service.record_departed,
            "manager.certified": service.record_certification,
            "manager.certification-expired": service.record_expiry,
            "manager.departure-withdrawn": service.record_withdrawal,
            "manager.grade-changed": service.record_grade_change,
        },
    ),
)
