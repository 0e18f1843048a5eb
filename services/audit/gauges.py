"""Audit's business gauges per cooperative: open findings, overdue watches, open departure audits."""

from shared.gauges import BusinessGauge

GAUGES = (
    BusinessGauge(
        "steward_findings_open",
        "Open compliance findings by rule and severity",
        ("org_id", "rule", "severity"),
        "SELECT org_id, rule_id, severity, COUNT(*) FROM findings WHERE status = 'open'"
        " GROUP BY org_id, rule_id, severity",
    ),
    BusinessGauge(
        "steward_compliance_overdue",
        "Compliance watches past due, by rule (R-M5: a warned CM's visit; R-R4: an unanswered question)",
        ("org_id", "rule"),
        "SELECT org_id, rule_id, COUNT(*) FROM compliance_watches WHERE due < CURRENT_TIMESTAMP"
        " GROUP BY org_id, rule_id",
    ),
    BusinessGauge(
        "steward_departure_audits_open",
        "Departure audits not yet cleared or cancelled, by status",
        ("org_id", "status"),
        "SELECT org_id, status, COUNT(*) FROM departure_audits"
        " WHERE status NOT IN ('cleared', 'cancelled') GROUP BY org_id, status",
    ),
)
