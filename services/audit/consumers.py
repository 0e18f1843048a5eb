"""Audit's event subscriptions: one per topic; every event seen goes to the journal."""

from services.audit.service import departures, journal
from shared.consumer import Handler, Subscription

HANDLERS: dict[str, dict[str, Handler]] = {
    "staffing.managers": {
        "manager.departure-requested": departures.open_departure_audit,
        "manager.departure-withdrawn": departures.cancel_departure_audit,
    },
    "customer.customers": {
        "manager.portfolio-published": departures.add_portfolio,
        "customer.assignment-changed": departures.track_assignment,
    },
}
WATCHED = (
    "staffing.managers",
    "staffing.expenses",
    "customer.customers",
    "customer.activities",
    "customer.credit-recommendations",
    "appraisal.results",
    "corebanking.balances",
    "risk.credit-decisions",
    "risk.customer-ratings",
)

SUBSCRIPTIONS = tuple(
    Subscription(
        name=f"watch-{topic.replace('.', '-')}",
        topic=topic,
        handlers=HANDLERS.get(topic, {}),
        on_every=journal.append,
    )
    for topic in WATCHED
)
