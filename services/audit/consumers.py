"""Audit's event subscriptions."""

from services.audit import service
from shared.consumer import Subscription

SUBSCRIPTIONS = (
    Subscription(
        name="departures",
        topic="staffing.managers",
        handlers={
            "manager.departure-requested": service.open_departure_audit,
            "manager.departure-withdrawn": service.cancel_departure_audit,
        },
    ),
    Subscription(
        name="portfolios",
        topic="customer.customers",
        handlers={"manager.portfolio-published": service.add_portfolio},
    ),
)
