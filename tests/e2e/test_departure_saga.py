"""R-I6 end to end: the departure saga across the four services, each its own process.

`steward up` starts the embedded broker and the services exactly as a user would; the test
walks the saga over HTTP and stops the suite with SIGTERM.
"""

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from shared.auth import issue_token
from shared.settings import ServiceSettings
from steward.embedded_broker import free_port
from tests.support import eventually, stays
from tests.templates import prepare_var_dir

pytestmark = pytest.mark.e2e
ORG = "rcc-e2e"


@pytest.fixture
def suite(tmp_path: Path):
    """The whole suite via `steward up` on free loopback ports; stopped with SIGTERM."""
    ports = {
        name: free_port() for name in ("broker", "customer", "staffing", "appraisal", "audit", "console")
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith("STEWARD_")}
    prepare_var_dir(tmp_path / "var")  # `steward up` then finds every database migrated
    log = (tmp_path / "up.log").open("ab")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "steward",
            "up",
            "--var-dir",
            str(tmp_path / "var"),
            "--broker-port",
            str(ports["broker"]),
            "--customer-port",
            str(ports["customer"]),
            "--staffing-port",
            str(ports["staffing"]),
            "--appraisal-port",
            str(ports["appraisal"]),
            "--audit-port",
            str(ports["audit"]),
            "--console-port",
            str(ports["console"]),
            "--ready-timeout",
            "180",  # four migrations and processes beside the rest of the suite on 2 cores
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=Path(__file__).resolve().parents[2],
    )
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items() if name != "broker"}
    try:
        yield process, urls, tmp_path
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()


def _auth(user: str, *roles: str) -> dict[str, str]:
    token = issue_token(ServiceSettings(profile="dev"), user_id=user, roles=roles, org_id=ORG)
    return {"Authorization": f"Bearer {token}"}


async def _all_ready(urls: dict[str, str], process: subprocess.Popen[bytes], log: Path) -> bool:
    assert process.poll() is None, log.read_text()[-3000:]
    async with httpx.AsyncClient(timeout=2) as client:
        for url in urls.values():
            try:
                if (await client.get(f"{url}/readyz")).status_code != 200:
                    return False
            except httpx.HTTPError:
                return False
    return True


async def test_R_I6_departure_saga_across_four_services(suite):
    process, urls, tmp = suite
    await eventually(lambda: _all_ready(urls, process, tmp / "up.log"), timeout=180, what="all four /readyz")
    hr, auditor, supervisor = _auth("hr-1", "hr"), _auth("aud-1", "auditor"), _auth("sup-1", "supervisor")
    async with httpx.AsyncClient(timeout=10) as http:
        manager = (
            await http.post(
                f"{urls['staffing']}/managers",
                headers=hr,
                json={"employee_no": "E42", "name": "Liu Yang", "grade": "cm", "branch": "north"},
            )
        ).json()
        mid = manager["id"]

        async def known_to_customer():
            r = await http.get(f"{urls['customer']}/managers/{mid}", headers=supervisor)
            return r.status_code == 200

        await eventually(known_to_customer, what="customer service learning of the CM")
        customers = []
        for name, kind in (("Hillside Feed Mill", "corporate"), ("Chen family farm", "farm_household")):
            created = await http.post(
                f"{urls['customer']}/customers",
                headers=supervisor,
                json={"name": name, "kind": kind, "primary_manager_id": mid},
            )
            assert created.status_code == 201, created.text
            customers.append(created.json())

        asked = await http.post(
            f"{urls['staffing']}/managers/{mid}/departure", headers=hr, json={"reason": "moving"}
        )
        assert asked.json()["status"] == "departure_pending"

        async def audit_with_portfolio():
            audits = (
                await http.get(f"{urls['audit']}/departure-audits?manager_id={mid}", headers=auditor)
            ).json()
            return audits[0] if audits and audits[0]["portfolio_received"] else None

        audit = await eventually(audit_with_portfolio, what="departure audit with the portfolio")
        assert sorted(i["customer_id"] for i in audit["items"]) == sorted(c["id"] for c in customers)
        assert audit["items_total"] == 2

        frozen = await http.post(
            f"{urls['customer']}/customers",
            headers=supervisor,
            json={"name": "Late customer", "kind": "individual", "primary_manager_id": mid},
        )
        assert frozen.status_code == 422
        assert "R-I6" in frozen.json()["detail"]

        first, second = audit["items"]
        await http.post(
            f"{urls['audit']}/departure-audits/{audit['id']}/items/{first['id']}/clear",
            headers=auditor,
            json={"note": "loan files in order"},
        )

        async def pending() -> bool:
            still = (await http.get(f"{urls['staffing']}/managers/{mid}", headers=hr)).json()
            return bool(still["status"] == "departure_pending")

        # a premature clearance would show within this time, if the gate were broken
        await stays(pending, 1.5, what="departed before every customer was audited")

        last = await http.post(
            f"{urls['audit']}/departure-audits/{audit['id']}/items/{second['id']}/clear",
            headers=auditor,
            json={"note": "deposits reconciled"},
        )
        assert last.json()["status"] == "cleared"

        async def departed():
            r = (await http.get(f"{urls['staffing']}/managers/{mid}", headers=hr)).json()
            return r if r["status"] == "departed" else None

        final = await eventually(departed, what="staffing marking the CM departed")
        assert final["departure_audit_id"] == audit["id"]

        async def appraisal_saw_departure():
            seen = (await http.get(f"{urls['appraisal']}/managers", headers=supervisor)).json()
            return seen if seen and seen[0]["standing"] == "left" else None

        seen = await eventually(appraisal_saw_departure, what="appraisal seeing the departure")
        assert seen[0]["events_seen"] == 3

    process.send_signal(signal.SIGTERM)
    assert await asyncio.to_thread(process.wait, 30) == 0
