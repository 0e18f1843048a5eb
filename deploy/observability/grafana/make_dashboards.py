"""Write Steward's Grafana dashboards as dashboards/*.json; run it with Python from the repository root.

Every panel reads the Prometheus datasource `prometheus`; targets carry job="steward-<service>".
tests/integration/test_observability_prometheus.py runs every panel's query through a real Prometheus.
"""

import json
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "dashboards"
DATASOURCE = {"type": "prometheus", "uid": "prometheus"}
SERVICES = ("customer", "staffing", "appraisal", "audit")


def panel(title: str, exprs: dict[str, str], unit: str = "short", kind: str = "timeseries") -> dict[str, Any]:
    """One panel; `exprs` maps each query to its legend."""
    return {
        "type": kind,
        "title": title,
        "datasource": DATASOURCE,
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "targets": [
            {"refId": chr(ord("A") + i), "expr": expr, "legendFormat": legend, "datasource": DATASOURCE}
            for i, (expr, legend) in enumerate(exprs.items())
        ],
    }


def dashboard(uid: str, title: str, panels: list[dict[str, Any]], description: str) -> dict[str, Any]:
    """A dashboard laying the panels out two to a row."""
    for index, item in enumerate(panels):
        item["id"] = index + 1
        item["gridPos"] = {"h": 8, "w": 12, "x": 12 * (index % 2), "y": 8 * (index // 2)}
    return {
        "uid": uid,
        "title": title,
        "description": description,
        "tags": ["steward"],
        "timezone": "utc",
        "schemaVersion": 39,
        "version": 1,
        "refresh": "30s",
        "time": {"from": "now-6h", "to": "now"},
        "panels": panels,
        "templating": {"list": []},
        "annotations": {"list": []},
    }


def overview() -> dict[str, Any]:
    """The suite at a glance: traffic, errors, readiness, backlogs, business."""
    return dashboard(
        "steward-overview",
        "Steward: suite overview",
        [
            panel(
                "Requests per second",
                {"sum by (job) (rate(steward_http_requests_total[5m]))": "{{job}}"},
                "reqps",
            ),
            panel(
                "Share of 5xx answers",
                {
                    'sum by (job) (rate(steward_http_requests_total{status=~"5.."}[5m]))'
                    " / sum by (job) (rate(steward_http_requests_total[5m]))": "{{job}}"
                },
                "percentunit",
            ),
            panel(
                "Latency p99",
                {
                    "histogram_quantile(0.99, sum by (job, le) "
                    "(rate(steward_http_request_seconds_bucket[5m])))": ("{{job}}")
                },
                "s",
            ),
            panel(
                "Readiness (1 ready, 0 failing)", {"min by (job, check) (steward_ready)": "{{job}} {{check}}"}
            ),
            panel("Outbox backlog", {"sum by (job) (steward_outbox_lag)": "{{job}}"}),
            panel("Consumer lag", {"sum by (job) (steward_consumer_lag)": "{{job}}"}),
            panel(
                "Dead letters open",
                {"sum by (job, topic, reason) (steward_dead_letters_open)": "{{topic}} {{reason}}"},
                kind="table",
            ),
            panel(
                "Departures pending, oldest age",
                {
                    "sum by (org_id) (steward_departures_pending)": "{{org_id}} pending",
                    "max by (org_id) (steward_departure_pending_oldest_seconds)": "{{org_id}} oldest (s)",
                },
            ),
        ],
        "Traffic, errors, readiness, backlogs and departures of the four services.",
    )


def business(name: str) -> list[dict[str, Any]]:
    """The business gauges of one service."""
    if name == "staffing":
        return [
            panel("Departures pending", {"sum by (org_id) (steward_departures_pending)": "{{org_id}}"}),
            panel(
                "Oldest pending departure",
                {"max by (org_id) (steward_departure_pending_oldest_seconds)": "{{org_id}}"},
                "s",
            ),
            panel(
                "Lapsed certifications not handled",
                {"sum by (org_id) (steward_certification_expiries_unhandled)": "{{org_id}}"},
            ),
        ]
    if name == "audit":
        return [
            panel(
                "Open findings by rule and severity",
                {
                    "sum by (org_id, rule, severity) (steward_findings_open)": (
                        "{{org_id}} {{rule}} {{severity}}"
                    )
                },
                kind="table",
            ),
            panel(
                "Overdue compliance watches",
                {"sum by (org_id, rule) (steward_compliance_overdue)": "{{rule}}"},
            ),
            panel(
                "Departure audits open",
                {"sum by (org_id, status) (steward_departure_audits_open)": "{{status}}"},
            ),
        ]
    if name == "customer":
        return [
            panel(
                "Recommendations awaiting a decision",
                {"sum by (org_id, status) (steward_recommendations_awaiting)": "{{org_id}} {{status}}"},
            ),
            panel(
                "Oldest recommendation awaiting",
                {"max by (org_id) (steward_recommendation_awaiting_oldest_seconds)": "{{org_id}}"},
                "s",
            ),
        ]
    return [
        panel(
            "Appraisal cycles by state",
            {"sum by (org_id, year, status) (steward_appraisal_cycles)": "{{org_id}} {{year}} {{status}}"},
            kind="table",
        )
    ]


def service(name: str) -> dict[str, Any]:
    """One service: its HTTP routes, events, outbox, database pool, process and business gauges."""
    job = f'job="steward-{name}"'
    return dashboard(
        f"steward-{name}",
        f"Steward: {name}",
        [
            panel(
                "Requests by route",
                {f"sum by (route) (rate(steward_http_requests_total{{{job}}}[5m]))": "{{route}}"},
                "reqps",
            ),
            panel(
                "Latency p95 by route",
                {
                    "histogram_quantile(0.95, sum by (route, le) "
                    f"(rate(steward_http_request_seconds_bucket{{{job}}}[5m])))": "{{route}}"
                },
                "s",
            ),
            panel(
                "Events consumed by outcome",
                {
                    f"sum by (consumer, outcome) (rate(steward_events_consumed_total{{{job}}}[5m]))": (
                        "{{consumer}} {{outcome}}"
                    )
                },
                "ops",
            ),
            panel(
                "Events published",
                {f"sum by (topic) (rate(steward_events_published_total{{{job}}}[5m]))": "{{topic}}"},
                "ops",
            ),
            panel(
                "Outbox: backlog, parked, oldest unpublished",
                {
                    f"max(steward_outbox_lag{{{job}}})": "backlog",
                    f"max(steward_outbox_parked{{{job}}})": "parked",
                    f"max(steward_outbox_oldest_unpublished_seconds{{{job}}})": "oldest (s)",
                },
            ),
            panel(
                "Database connections in use",
                {f"sum by (instance) (steward_db_pool_in_use{{{job}}})": "{{instance}}"},
            ),
            panel(
                "CPU and memory",
                {
                    f"sum by (instance) (rate(process_cpu_seconds_total{{{job}}}[5m]))": "{{instance}} cpu",
                    f"sum by (instance) (process_resident_memory_bytes{{{job}}}) / 2^20": "{{instance}} MiB",
                },
            ),
            panel(
                "Open files and GC",
                {
                    f"sum by (instance) (process_open_fds{{{job}}})": "{{instance}} fds",
                    f"sum by (instance) (rate(python_gc_collections_total{{{job}}}[5m]))": "{{instance}} gc",
                },
            ),
            *business(name),
        ],
        f"The {name} service: HTTP, events, outbox, database pool, process and its business gauges.",
    )


def kafka_flow() -> dict[str, Any]:
    """Events through Kafka: lag per group and partition, rates in and out, duplicates, dead letters."""
    return dashboard(
        "steward-kafka",
        "Steward: Kafka flow",
        [
            panel(
                "Lag by group and topic",
                {"sum by (group, topic) (steward_consumer_lag)": "{{group}} {{topic}}"},
            ),
            panel(
                "Lag by partition",
                {
                    "max by (group, topic, partition) (steward_consumer_lag)": (
                        "{{group}} {{topic}}[{{partition}}]"
                    )
                },
                kind="table",
            ),
            panel(
                "Published by topic",
                {"sum by (topic) (rate(steward_events_published_total[5m]))": "{{topic}}"},
                "ops",
            ),
            panel(
                "Consumed by topic and outcome",
                {
                    "sum by (topic, outcome) (rate(steward_events_consumed_total[5m]))": (
                        "{{topic}} {{outcome}}"
                    )
                },
                "ops",
            ),
            panel(
                "Duplicates discarded by the inbox",
                {
                    'sum by (consumer) (rate(steward_events_consumed_total{outcome="duplicate"}[5m]))': (
                        "{{consumer}}"
                    )
                },
                "ops",
            ),
            panel(
                "Dead-lettered by topic",
                {"sum by (topic) (increase(steward_events_dead_lettered_total[15m]))": "{{topic}}"},
            ),
            panel(
                "Oldest unpublished outbox row",
                {"max by (job) (steward_outbox_oldest_unpublished_seconds)": "{{job}}"},
                "s",
            ),
            panel("Outbox rows parked", {"max by (job) (steward_outbox_parked)": "{{job}}"}),
        ],
        "Lag (committed vs end offsets), publish and consume rates, duplicates, dead letters, outbox age.",
    )


def main() -> None:
    """Write every dashboard."""
    OUT.mkdir(exist_ok=True)
    boards = {"overview": overview(), "kafka-flow": kafka_flow()} | {name: service(name) for name in SERVICES}
    for name, board in boards.items():
        (OUT / f"steward-{name}.json").write_text(json.dumps(board, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
