"""Audit's event subscriptions: one per topic; every event seen goes to the journal."""

from typing import Any

from services.audit.models import CUSTOMER_REFS, LOGIN_LINKS
from services.audit.service import compliance, deadlines, departures, journal, spot_checks
from services.audit.service.scope import SCOPE
from shared.consumer import Handler, Subscription
from shared.customer_refs import learn
from shared.envelope import Envelope
from shared.logins import follow_links
from shared.uow import UnitOfWork


async def on_assignment(uow: UnitOfWork, envelope: Envelope, event: Any) -> None:
    """Track who serves whom, check R-Q7, and add the customer to the spot-check population."""
    await departures.when_assignment_changed_add_late_items(uow, envelope, event)
    await compliance.after_assignment(uow, envelope, event)
    await spot_checks.remember(uow, envelope, "customers", event.customer_id, event.primary_manager_id)


async def on_visit(uow: UnitOfWork, envelope: Envelope, event: Any) -> None:
    """A filed visit can be sampled (R-I5) and answers a dissatisfaction warning (R-M5)."""
    await spot_checks.remember(uow, envelope, "visits", event.visit_id, event.manager_id)
    await deadlines.when_visit_filed_clear_follow_up(uow, envelope, event)
    await compliance.on_visit_filed(uow, envelope, event)


async def on_recommendation(uow: UnitOfWork, envelope: Envelope, event: Any) -> None:
    """A credit recommendation is checked (R-I1) and can be sampled (R-I5)."""
    await spot_checks.remember(uow, envelope, "recommendations", event.recommendation_id, event.author)
    await compliance.on_recommendation(uow, envelope, event)


async def on_expense(uow: UnitOfWork, envelope: Envelope, event: Any) -> None:
    """An expense can be sampled (R-I5)."""
    await spot_checks.remember(uow, envelope, "expenses", event.expense_id, event.manager_id)


async def on_customer_registered(uow: UnitOfWork, envelope: Envelope, event: Any) -> None:
    """Learn the customer's core banking number; a new file sets the visit plan (R-M4)."""
    await learn(uow.session, CUSTOMER_REFS, envelope.org_id, event)
    await deadlines.on_customer(uow, envelope, event)


async def on_customer_identified(uow: UnitOfWork, envelope: Envelope, event: Any) -> None:
    """Learn the customer's core banking number."""
    await learn(uow.session, CUSTOMER_REFS, envelope.org_id, event)


HANDLERS: dict[str, dict[str, Handler]] = {
    "staffing.managers": {
        "manager.departure-requested": departures.when_departure_requested_open_audit,
        "manager.departure-withdrawn": departures.when_departure_withdrawn_cancel_audit,
        "ladder.published": compliance.on_ladder,
        "manager.registered": compliance.when_registered_keep_manager,
        "manager.certified": compliance.when_certified_resolve_expiry,
        "manager.grade-changed": compliance.when_grade_changed_keep_grade,
        "manager.certification-expired": compliance.when_certification_expired_check_serving,
    },
    "staffing.expenses": {
        "expense.recorded": on_expense,
        "expense.budget-exceeded": compliance.when_budget_exceeded_raise_finding,
        "expense.year-closed": compliance.when_year_closed_resolve_budget_finding,
    },
    "customer.customers": {
        "manager.portfolio-published": departures.when_portfolio_published_add_items,
        "customer.assignment-changed": on_assignment,
        "customer.compliance-changed": compliance.on_customer_compliance,
        "customer.registered": on_customer_registered,
        "customer.classified": deadlines.on_customer,
        "customer.identified": on_customer_identified,
    },
    "customer.activities": {
        "visit.filed": on_visit,
        "customer.dissatisfaction-warned": deadlines.when_dissatisfaction_warned_watch_follow_up,
    },
    "customer.credit-recommendations": {
        "credit-recommendation.submitted": on_recommendation,
        "credit-recommendation.answered": deadlines.on_answer,
    },
    "risk.credit-decisions": {"credit-decision.made": deadlines.on_decision},
    "risk.customer-ratings": {"customer.rated": compliance.on_rating},
    "corebanking.balances": {"balance.reported": compliance.on_balances},
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
        batch_each=True,
    )
    for topic in WATCHED
)
LOGINS = Subscription(  # not journalled: a login is not an audit fact, only how a CM signs in
    name="logins", topic="staffing.offices", handlers={"staff.login-linked": follow_links(LOGIN_LINKS)}
)
OFFICES = Subscription(  # not journalled either: where staff sit decides who reads what, not an audit fact
    name="office-projection",
    topic="staffing.offices",
    handlers={
        "office.changed": SCOPE.record_office,
        "office.staff-assigned": SCOPE.record_staff_office,
    },
)
SUBSCRIPTIONS = (*SUBSCRIPTIONS, LOGINS, OFFICES)
