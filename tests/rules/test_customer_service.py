"""Customer service on SQLite and PostgreSQL: who sees whom, and the R-I6 portfolio.

In-process (tests.harness): staffing's events are delivered and the published ones read back, no broker.
"""

import asyncio
import json

import pytest

from tests.support import envelope_bytes

pytestmark = [pytest.mark.services("customer"), pytest.mark.usefixtures("database")]


def _registered(manager_id: str, grade: str = "cm", certified_until: str = "2099-12-31") -> bytes:
    return envelope_bytes(
        "manager.registered",
        manager_id,
        {
            "manager_id": manager_id,
            "employee_no": manager_id.upper(),
            "name": f"CM {manager_id}",
            "grade": grade,
            "branch": "north",
            "status": "active",
            "certified_until": certified_until,
        },
    )


async def _setup(customer, *manager_ids):
    client = customer.client
    for manager_id in manager_ids:
        await customer.send_raw("staffing.managers", manager_id, _registered(manager_id))
    supervisor = customer.as_("sup-1", "supervisor")

    async def all_known():
        for manager_id in manager_ids:
            if (await client.get(f"/managers/{manager_id}", headers=supervisor)).status_code != 200:
                return False
        return True

    await customer.until(all_known, what="manager projection")
    return supervisor


async def test_a_cm_sees_only_the_customers_they_serve(customer):
    client = customer.client
    supervisor = await _setup(customer, "m-a", "m-b")
    mine = (
        await client.post(
            "/customers",
            headers=supervisor,
            json={"name": "A Farm", "kind": "farm_household", "primary_manager_id": "m-a"},
        )
    ).json()
    theirs = (
        await client.post(
            "/customers",
            headers=supervisor,
            json={"name": "B Mill", "kind": "corporate", "primary_manager_id": "m-b"},
        )
    ).json()
    assert mine["file_no"] != theirs["file_no"]
    cm_a = customer.as_("m-a", "cm")
    assert [c["id"] for c in (await client.get("/customers", headers=cm_a)).json()] == [mine["id"]]
    assert (await client.get(f"/customers/{mine['id']}", headers=cm_a)).status_code == 200
    hidden = await client.get(f"/customers/{theirs['id']}", headers=cm_a)
    assert hidden.status_code == 404
    assert "B Mill" not in hidden.text
    other_org = customer.as_("sup-9", "supervisor", org="rcc-other")
    assert (await client.get(f"/customers/{mine['id']}", headers=other_org)).status_code == 404
    assert len((await client.get("/customers", headers=supervisor)).json()) == 2
    expired = envelope_bytes(
        "manager.certification-expired", "m-b", {"manager_id": "m-b", "expired_on": "2026-01-01"}
    )
    await customer.send_raw("staffing.managers", "m-b", expired)

    async def lapsed():
        view = (await client.get("/managers/m-b", headers=supervisor)).json()
        return view["certified_until"] == "2026-01-01"

    await customer.until(lapsed, what="the expiry to reach the projection")
    not_certified = await client.post(
        "/customers",
        headers=supervisor,
        json={"name": "C", "kind": "individual", "primary_manager_id": "m-b"},
    )
    assert not_certified.status_code == 422
    assert "R-Q7" in not_certified.json()["detail"]
    # a CM cannot open a file for another CM's customer
    refused = await client.post(
        "/customers", headers=cm_a, json={"name": "X", "kind": "individual", "primary_manager_id": "m-b"}
    )
    assert refused.status_code == 403


async def test_R_I6_departure_request_publishes_the_portfolio_and_freezes_assignment(customer):
    client = customer.client
    supervisor = await _setup(customer, "m-d", "m-e")
    served = []
    for name, primary, co in (("One", "m-d", []), ("Two", "m-e", ["m-d"]), ("Three", "m-e", [])):
        response = await client.post(
            "/customers",
            headers=supervisor,
            json={"name": name, "kind": "corporate", "primary_manager_id": primary, "co_manager_ids": co},
        )
        assert response.status_code == 201, response.text
        served.append(response.json())
    request = envelope_bytes(
        "manager.departure-requested",
        "m-d",
        {"manager_id": "m-d", "requested_at": "2030-01-01T00:00:00+00:00", "reason": "leaving"},
    )
    await customer.send_raw("staffing.managers", "m-d", request)

    async def portfolio():
        return await customer.events("customer.customers", "manager.portfolio-published")

    (event,) = await customer.until(portfolio, what="the portfolio event")
    assert event["key"] == "m-d"
    assert event["payload"]["departure_event_id"] == json.loads(request)["event_id"]
    customers = {c["customer_id"]: c["role"] for c in event["payload"]["customers"]}
    assert customers == {served[0]["id"]: "primary", served[1]["id"]: "co_manager"}

    async def frozen():
        view = (await client.get("/managers/m-d", headers=supervisor)).json()
        return view["status"] == "departure_pending"

    await customer.until(frozen, what="projection marking the CM as departing")
    refused = await client.post(
        "/customers",
        headers=supervisor,
        json={"name": "Late", "kind": "individual", "primary_manager_id": "m-d"},
    )
    assert refused.status_code == 422
    assert "R-I6" in refused.json()["detail"]

    withdrawn = envelope_bytes("manager.departure-withdrawn", "m-d", {"manager_id": "m-d", "reason": "stays"})
    await customer.send_raw("staffing.managers", "m-d", withdrawn)

    async def unfrozen():
        return (await client.get("/managers/m-d", headers=supervisor)).json()["status"] == "active"

    await customer.until(unfrozen, what="the withdrawal to unfreeze the CM")
    accepted = await client.post(
        "/customers",
        headers=supervisor,
        json={"name": "Late", "kind": "individual", "primary_manager_id": "m-d"},
    )
    assert accepted.status_code == 201


async def test_R_C4_the_first_files_of_a_cooperative_opened_at_once_get_distinct_numbers(customer):
    client = customer.client
    supervisor = await _setup(customer, "m-a")
    opened = await asyncio.gather(
        *(
            client.post(
                "/customers",
                headers=supervisor,
                json={"name": f"Farm {i}", "kind": "farm_household", "primary_manager_id": "m-a"},
            )
            for i in range(8)
        )
    )
    assert [r.status_code for r in opened] == [201] * 8, [r.text for r in opened if r.status_code != 201]
    assert sorted(r.json()["file_no"] for r in opened) == [f"F{n:08d}" for n in range(1, 9)]
