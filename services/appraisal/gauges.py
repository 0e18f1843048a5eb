"""Appraisal's business gauges per cooperative: where each year's cycle stands."""

from shared.gauges import BusinessGauge

GAUGES = (
    BusinessGauge(
        "steward_appraisal_cycles",
        "Appraisal cycle versions by year and status (superseded versions left out)",
        ("org_id", "year", "status"),
        "SELECT org_id, year, status, COUNT(*) FROM cycles WHERE status <> 'superseded'"
        " GROUP BY org_id, year, status",
    ),
)
