"""Customer's business gauges per cooperative: recommendations awaiting a decision, and since when."""

from shared.gauges import BusinessGauge

GAUGES = (
    BusinessGauge(
        "steward_recommendations_awaiting",
        "Credit recommendations awaiting a co-signature or a decision, by status",
        ("org_id", "status"),
        "SELECT org_id, status, COUNT(*) FROM credit_recommendations"
        " WHERE status IN ('awaiting_cosign', 'submitted', 'info_requested') GROUP BY org_id, status",
    ),
    BusinessGauge(
        "steward_recommendation_awaiting_oldest_seconds",
        "Age of the oldest recommendation awaiting a decision",
        ("org_id",),
        "SELECT org_id, MIN(created_at) FROM credit_recommendations"
        " WHERE status IN ('awaiting_cosign', 'submitted', 'info_requested') GROUP BY org_id",
        age=True,
    ),
)
