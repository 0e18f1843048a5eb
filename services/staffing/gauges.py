"""Staffing's business gauges per cooperative: departures pending and their age, unhandled expiries."""

from shared.gauges import BusinessGauge

GAUGES = (
    BusinessGauge(
        "steward_departures_pending",
        "CMs whose departure is requested and not yet cleared by audit (R-I6)",
        ("org_id",),
        "SELECT org_id, COUNT(*) FROM managers WHERE status = 'departure_pending' GROUP BY org_id",
    ),
    BusinessGauge(
        "steward_departure_pending_oldest_seconds",
        "Age of the oldest pending departure request",
        ("org_id",),
        "SELECT org_id, MIN(departure_requested_at) FROM managers"
        " WHERE status = 'departure_pending' GROUP BY org_id",
        age=True,
    ),
    BusinessGauge(
        "steward_certification_expiries_unhandled",
        "CMs whose certification has lapsed and the expiry sweep has not yet handled it",
        ("org_id",),
        "SELECT org_id, COUNT(*) FROM managers"
        " WHERE certified_until < CURRENT_DATE"
        " AND (certification_expired_for IS NULL OR certification_expired_for <> certified_until)"
        " AND status NOT IN ('departed', 'removed') GROUP BY org_id",
    ),
)
