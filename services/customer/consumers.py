"""Customer service's event subscriptions."""

from decimal import Decimal

from services.customer.models import COOPERATIVE_SETTINGS, LOGIN_LINKS
from services.customer.service import banking, credit, projections, scope, value
from services.customer.settings import CustomerSettings
from shared.consumer import Subscription
from shared.cooperative_settings import follow_settings
from shared.logins import follow_links
from shared.wire import parse_balance

DEFAULT_RISK_THRESHOLD: Decimal = CustomerSettings.model_fields["senior_risk_threshold"].default


def subscriptions(risk_threshold: Decimal) -> tuple[Subscription, ...]:
    """The subscriptions of one app: the re-checks after a grade, ladder or team change apply its R-C1
    threshold (`create_app` passes its settings'; nothing is shared between apps of one process)."""
    rechecks = projections.Rechecks(risk_threshold)
    return (
        Subscription(
            name="manager-projection",
            topic="staffing.managers",
            handlers={
                "manager.registered": projections.record_manager,
                "manager.departure-requested": projections.when_departure_requested_publish_portfolio,
                "manager.departed": projections.when_departed_record_departed,
                "manager.certified": rechecks.when_certified_recheck_customers,
                "manager.certification-expired": rechecks.when_certification_expired_recheck_customers,
                "manager.departure-withdrawn": projections.when_departure_withdrawn_reopen_assignments,
                "manager.grade-changed": rechecks.when_grade_changed_recheck_customers,
                "ladder.published": rechecks.when_ladder_published_recheck_customers,
                "team.changed": rechecks.record_team,
            },
        ),
        Subscription(
            name="office-projection",
            topic="staffing.offices",
            handlers={
                "office.changed": scope.record_office,
                "office.staff-assigned": scope.record_staff_office,
                "staff.login-linked": follow_links(LOGIN_LINKS),
            },
        ),
        Subscription(
            name="cooperative-settings",
            topic="audit.cases",
            handlers={"audit.settings-changed": follow_settings(COOPERATIVE_SETTINGS)},
        ),
        Subscription(
            name="credit-decisions",
            topic="risk.credit-decisions",
            handlers={"credit-decision.made": credit.record_decision},
        ),
        Subscription(
            name="balances",
            topic="corebanking.balances",
            handlers={"balance.reported": banking.record_balances},
            batch_handlers={"balance.reported": banking.record_balance_batch},
            idempotent=True,  # the newest as_of wins: a repeat changes nothing, so no inbox row (ADR 0011)
            fast_parse=parse_balance,  # envelope and payload in one pass from bytes
        ),
        Subscription(
            name="profit",
            topic="corebanking.pnl",
            handlers={"profit.posted": value.record_profit},
            batch_each=True,  # a year of postings arrives in bulk; each keeps its one-at-a-time handler
        ),
    )


# With the default threshold: for what reads the subscriptions' topics and handler names (docs, reports,
# tests); a running app uses its own, from `subscriptions(settings.senior_risk_threshold)`.
SUBSCRIPTIONS = subscriptions(DEFAULT_RISK_THRESHOLD)
