"""Audit's event subscriptions: one per topic; every event seen goes to the journal."""

from typing import Any

from services.audit.service import departures, journal, spot_checks
from shared.consumer import Handler, Subscription
from shared.envelope import Envelope
from shared.uow import UnitOfWork


async def on_assignment(uow: UnitOfWork, envelope: Envelope, event: Any) -> None:
    """Track who serves whom, and add the customer to the spot-check population."""
    await departures.track_assignment(uow, envelope, event)
    await spot_checks.remember(uow, envelope, "customers", event.customer_id, event.primary_manager_id)


async def on_visit(uow: UnitOfWork, envelope: Envelope, event: Any) -> None:
    """A filed visit report can be sampled (R-I5)."""
    await spot_checks.remember(uow, envelope, "visits", event.visit_id, event.manager_id)


async def on_recommendation(uow: UnitOfWork, envelope: Envelope, event: Any) -> None:
    """A credit recommendation can be sampled (R-I5)."""
    await spot_checks.remember(uow, envelope, "recommendations", event.recommendation_id, event.author)


async def on_expense(uow: UnitOfWork, envelope: Envelope, event: Any) -> None:
    """An expense can be sampled (R-I5)."""
    await spot_checks.remember(uow, envelope, "expenses", event.expense_id, event.manager_id)


HANDLERS: dict[str, dict[str, Handler]] = {
    "staffing.managers": {
        "manager.departure-requested": departures.open_departure_audit,
        "manager.departure-withdrawn": departures.cancel_departure_audit,
    },
    "staffing.expenses": {"expense.recorded": on_expense},
    "customer.customers": {
        "manager.portfolio-published": departures.add_portfolio,
        "customer.assignment-changed": on_assignment,
    },
    "customer.activities": {"visit.filed": on_visit},
    "customer.credit-recommendations": {"credit-recommendation.submitted": on_recommendation},
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
