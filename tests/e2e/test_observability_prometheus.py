"""A real Prometheus scrapes a running suite: every dashboard query and alert expression evaluates.

`steward up` runs the suite (embedded broker, four services, console) and Debian's `prometheus`
scrapes it every second with the compose rules; after some traffic (a departure requested), every
dashboard panel's query and every alert's expression runs through Prometheus's HTTP API without
error, and the lag and outbox queries return series. Skipped when `prometheus` is not installed.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from shared.auth import issue_token
from shared.settings import ServiceSettings
from steward.embedded_broker import free_port
from tests.integration.observability_support import DASHBOARDS, RULES, rule_groups
from tests.support import eventually
from tests.templates import prepare_var_dir

pytestmark = pytest.mark.e2e
ORG = "rcc-obs"
SERVICES = ("customer", "staffing", "appraisal", "audit")


def _auth(user: str, *roles: str) -> dict[str, str]:
    token = issue_token(ServiceSettings(profile="dev"), user_id=user, roles=roles, org_id=ORG)
    return {"Authorization": f"Bearer {token}"}


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def observed(tmp_path: Path):
    """The suite via `steward up`, and a Prometheus scraping it; their URLs."""
    binary = shutil.which("prometheus")
    if binary is None:
        pytest.skip("prometheus not installed (Debian package `prometheus`)")
    ports = {name: free_port() for name in ("broker", *SERVICES, "prometheus")}
    env = {k: v for k, v in os.environ.items() if not k.startswith("STEWARD_")}
    for name in SERVICES:
        env[f"STEWARD_{name.upper()}_BUSINESS_GAUGE_SECONDS"] = "1"
        env[f"STEWARD_{name.upper()}_CONSUMER_WATCH_SECONDS"] = "1"
    prepare_var_dir(tmp_path / "var")  # `steward up` then finds every database migrated
    args = [sys.executable, "-m", "steward", "up", "--var-dir", str(tmp_path / "var"), "--no-console"]
    args += ["--ready-timeout", "200"]  # four migrations and processes: minutes on a loaded 2-core machine
    for name in ("broker", *SERVICES):
        args += [f"--{name}-port", str(ports[name])]
    suite_log = (tmp_path / "up.log").open("ab")
    suite = subprocess.Popen(
        args, env=env, stdout=suite_log, stderr=subprocess.STDOUT, cwd=Path(__file__).resolve().parents[2]
    )
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(RULES)],
        "scrape_configs": [
            {"job_name": f"steward-{name}", "static_configs": [{"targets": [f"127.0.0.1:{ports[name]}"]}]}
            for name in SERVICES
        ],
    }
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
    prometheus_log = (tmp_path / "prometheus.log").open("ab")
    prometheus = subprocess.Popen(
        [
            binary,
            f"--config.file={tmp_path / 'prometheus.yml'}",
            f"--storage.tsdb.path={tmp_path / 'tsdb'}",
            f"--web.listen-address=127.0.0.1:{ports['prometheus']}",
        ],
        stdout=prometheus_log,
        stderr=subprocess.STDOUT,
    )
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items() if name != "broker"}
    try:
        yield suite, urls, tmp_path
    finally:
        _stop(prometheus)
        _stop(suite)
        suite_log.close()
        prometheus_log.close()


async def _query(http: httpx.AsyncClient, url: str, expr: str, where: str = "") -> list[dict[str, Any]]:
    """Run one instant query; fail on any error Prometheus reports."""
    response = await http.get(f"{url}/api/v1/query", params={"query": expr})
    body = response.json()
    assert response.status_code == 200, f"{where} {expr}: {body}"
    assert body["status"] == "success", f"{where} {expr}: {body}"
    result: list[dict[str, Any]] = body["data"]["result"]
    return result


def dashboard_queries() -> list[tuple[str, str]]:
    """(dashboard and panel, expr) of every panel target."""
    found = []
    for path in sorted(DASHBOARDS.glob("*.json")):
        board = json.loads(path.read_text())
        for item in board["panels"]:
            found += [(f"{board['title']} / {item['title']}", t["expr"]) for t in item["targets"]]
    return found


async def test_every_dashboard_query_and_alert_runs_on_a_real_prometheus(observed):
    suite, urls, tmp = observed
    prometheus = urls["prometheus"]

    async def ready() -> bool:
        assert suite.poll() is None, (tmp / "up.log").read_text()[-3000:]
        async with httpx.AsyncClient(timeout=2) as client:
            try:
                for name in SERVICES:
                    if (await client.get(f"{urls[name]}/readyz")).status_code != 200:
                        return False
                return (await client.get(f"{prometheus}/-/ready")).status_code == 200
            except httpx.HTTPError:
                return False

    # `steward up` migrates four databases and starts five processes: minutes on a loaded 2-core machine.
    await eventually(ready, timeout=240, what="the suite and Prometheus")
    hr = _auth("hr-1", "hr")
    async with httpx.AsyncClient(timeout=10) as http:
        made = await http.post(
            f"{urls['staffing']}/managers",
            headers=hr,
            json={"employee_no": "E1", "name": "Zhao Lei", "grade": "cm", "branch": "north"},
        )
        assert made.status_code == 201, made.text
        manager_id = made.json()["id"]

        async def served() -> bool:
            # one customer on the CM's book, so the departure stays pending until an auditor clears it
            # (an empty book clears at once, faster than a gauge refresh can see it)
            opened = await http.post(
                f"{urls['customer']}/customers",
                headers=_auth("admin-1", "admin"),
                json={"name": "Orchard", "kind": "corporate", "primary_manager_id": manager_id},
            )
            return opened.status_code == 201

        await eventually(served, timeout=60, what="customer service knows the CM")
        asked = await http.post(
            f"{urls['staffing']}/managers/{manager_id}/departure",
            headers=hr,
            json={"reason": "moving"},
        )
        assert asked.status_code < 300, asked.text
        await http.get(f"{urls['customer']}/customers", headers=_auth("sup-1", "supervisor"))

        seen: dict[str, int] = {}

        async def scraped_everything() -> bool:
            up = await _query(http, prometheus, 'up{job=~"steward-.*"} == 1')
            lag = await _query(http, prometheus, "steward_consumer_lag")
            outbox = await _query(http, prometheus, "steward_outbox_lag")
            pending = await _query(http, prometheus, "steward_departures_pending")
            seen.update(up=len(up), lag=len(lag), outbox=len(outbox), pending=len(pending))
            return len(up) == len(SERVICES) and bool(lag) and bool(outbox) and bool(pending)

        try:
            what = "every target up, lag, outbox and departures"
            await eventually(scraped_everything, timeout=120, what=what)
        except AssertionError as exc:  # say which series never came
            raise AssertionError(f"{exc}; series seen last: {seen}") from exc
        queries = dashboard_queries()
        assert len(queries) > 30
        for where, expr in queries:
            await _query(http, prometheus, expr, where)
        for group in rule_groups():
            for rule in group["rules"]:
                await _query(http, prometheus, rule["expr"], rule["alert"])
        rules = (await http.get(f"{prometheus}/api/v1/rules")).json()["data"]["groups"]
        assert {g["name"] for g in rules} == {g["name"] for g in rule_groups()}
        assert all(r["health"] == "ok" for g in rules for r in g["rules"]), rules
        for expr in ("sum by (group, topic) (steward_consumer_lag)", "max by (job) (steward_outbox_lag)"):
            assert await _query(http, prometheus, expr), f"{expr} returned no series"
