"""Metrics and logs of running services: what the alerts read is exported, gauges read both databases.

Each service runs in-process on a fresh database (SQLite and PostgreSQL), without a broker (its
readiness says so); its business gauges are refreshed by hand rather than waiting for the timer.
"""

import asyncio
import io
import json
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from shared.gauges import DatabaseGauges
from shared.logs import JsonFormatter
from shared.runtime import Runtime
from tests.conftest import RUN_ID, _admin
from tests.inprocess import SERVICES, Offline, build_app, migrations, offline_settings
from tests.integration.observability_support import DASHBOARDS, SYNTHETIC, metric_names, rule_groups
from tests.support import ORG, metric_value, running


@asynccontextmanager
async def suite(kind: str, tmp_path: Path, admin_url: str | None) -> AsyncIterator[dict[str, Offline]]:
    """The four services, each on its own fresh database of one kind."""
    created: list[str] = []
    try:
        async with AsyncExitStack() as stack:
            services = {}
            for name in SERVICES:
                if kind == "sqlite":
                    url = f"sqlite+aiosqlite:///{tmp_path / name}.db"
                else:
                    assert admin_url is not None
                    db = f"steward_test_{RUN_ID}_{uuid.uuid4().hex[:8]}"
                    await _admin(admin_url, f'CREATE DATABASE "{db}"')
                    created.append(db)
                    url = f"{admin_url.rpartition('/')[0]}/{db}"
                settings = offline_settings(name, url, business_gauge_seconds=0)
                app = build_app(name, settings)
                client = await stack.enter_async_context(running(app, migrations(name)))
                services[name] = Offline(name, app, client, settings)
            yield services
    finally:
        for db in created:
            assert admin_url is not None
            await _admin(admin_url, f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
async def services(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[dict[str, Offline]]:
    """The four services on SQLite, then on PostgreSQL."""
    admin = request.getfixturevalue("postgres_admin_url") if request.param == "postgresql" else None
    async with suite(request.param, tmp_path, admin) as found:
        yield found


async def refreshed_metrics(service: Offline) -> str:
    """Refresh the service's database gauges and readiness, then scrape /metrics."""
    runtime: Runtime = service.app.state.runtime
    gauges: DatabaseGauges = service.app.state.gauges
    assert runtime.session_factory is not None
    await gauges.probe(runtime)
    await gauges.refresh(runtime.session_factory)
    assert gauges.last_error is None, gauges.last_error
    response = await service.client.get("/metrics")
    assert response.status_code == 200
    return response.text


def exported(text: str) -> set[str]:
    """Every series name a scrape offers, a family with no samples yet included."""
    names = set()
    for family in text_string_to_metric_families(text):
        names.update(sample.name for sample in family.samples)
        suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count")}.get(
            family.type, ("",)
        )
        names.update(family.name + suffix for suffix in suffixes)
    return names


async def test_every_metric_an_alert_reads_is_exported_and_the_gauges_query_both_databases(services):
    staffing = services["staffing"]
    hr = staffing.as_("hr-1", "hr")
    made = await staffing.client.post(
        "/managers",
        headers=hr,
        json={"employee_no": "E7", "name": "Wang Fang", "grade": "cm", "branch": "north"},
    )
    assert made.status_code == 201, made.text
    asked = await staffing.client.post(
        f"/managers/{made.json()['id']}/departure", headers=hr, json={"reason": "moving"}
    )
    assert asked.status_code < 300, asked.text
    scraped = {name: await refreshed_metrics(service) for name, service in services.items()}
    names = set().union(*(exported(text) for text in scraped.values()))
    for group in rule_groups():
        for rule in group["rules"]:
            missing = metric_names(rule["expr"]) - names - SYNTHETIC
            assert not missing, f"{rule['alert']} reads what no service exports: {missing}"
    for path in sorted(DASHBOARDS.glob("*.json")):
        for item in json.loads(path.read_text())["panels"]:
            for target in item["targets"]:
                missing = metric_names(target["expr"]) - names - SYNTHETIC
                assert not missing, f"{path.name} / {item['title']} reads what no service exports: {missing}"
    text = scraped["staffing"]
    assert metric_value(text, "steward_departures_pending", org_id=ORG) == 1
    assert metric_value(text, "steward_departure_pending_oldest_seconds", org_id=ORG) >= 0
    assert metric_value(text, "steward_ready", check="database") == 1
    assert metric_value(text, "steward_ready", check="broker") == 0  # no broker in this test
    for name in ("process_resident_memory_bytes", "process_open_fds", "python_gc_collections_total"):
        assert name in names, name
    assert "steward_db_pool_in_use" in names
    for service in ("customer", "audit", "appraisal"):
        assert "steward_dead_letters_open" in exported(scraped[service])


async def test_an_access_line_names_caller_route_status_and_latency_but_never_the_body(tmp_path):
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter("staffing"))
    access = logging.getLogger("steward.access")
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    try:
        async with suite("sqlite", tmp_path, None) as found:
            staffing = found["staffing"]
            secret = "Secret-Name-Not-For-Logs"
            made = await staffing.client.post(
                "/managers",
                headers=staffing.as_("hr-9", "hr"),
                json={"employee_no": "E9", "name": secret, "grade": "cm", "branch": "north"},
            )
            assert made.status_code == 201
            await staffing.client.get("/healthz")
            await asyncio.sleep(0)
    finally:
        access.removeHandler(handler)
        access.setLevel(logging.NOTSET)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    [line] = [entry for entry in lines if entry.get("route") == "/managers" and entry.get("method") == "POST"]
    assert line["user"] == "hr-9"
    assert line["roles"] == ["hr"]
    assert line["cooperative"] == ORG
    assert line["status"] == 201
    assert line["latency_ms"] > 0
    assert line["correlation_id"]
    assert secret not in out.getvalue()
    assert not [entry for entry in lines if entry.get("route") == "/healthz"], "probes are logged at DEBUG"
