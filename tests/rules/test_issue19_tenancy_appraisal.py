"""Issue 19, finding 7, in appraisal: core banking's posting ids and customer numbers are unique per
cooperative. Two cooperatives book postings under the same ids, naming their own customers by the same
numbers; each is attributed in its own cooperative (ledger, held postings, profit, team pools), nothing is
dead-lettered; in process (tests.harness), both databases."""

from typing import Any

import pytest

from tests.harness import View

pytestmark = [pytest.mark.services("appraisal"), pytest.mark.usefixtures("database")]

YEAR = 2025
AT = f"{YEAR}-01-01T08:00:00+00:00"
# Each cooperative's own amounts, so a posting that crossed over shows in the other's figures.
AMOUNTS = {"rcc-a": ("1000.00", "300.00", "40.00"), "rcc-b": ("7.00", "5.00", "2.00")}


async def _send(
    svc: View, org: str, topic: str, event_type: str, key: str, payload: dict[str, Any], version: int = 1
) -> None:
    await svc.send(topic, event_type, key, payload, org_id=org, schema_version=version)


async def _cooperative(svc: View, org: str) -> None:
    """A CM, a team it leads, a customer it serves alone (CB-1) and one pooled to the team (CB-3)."""
    manager = {
        "manager_id": f"m-{org}",
        "employee_no": f"E-{org}",
        "name": "CM",
        "grade": "cm",
        "branch": "north",
        "status": "active",
    }
    await _send(svc, org, "staffing.managers", "manager.registered", f"m-{org}", manager)
    team = {
        "team_id": f"t-{org}",
        "name": "North",
        "lead_id": f"m-{org}",
        "member_ids": [],
        "change": "formed",
    }
    await _send(svc, org, "staffing.managers", "team.changed", f"t-{org}", team)
    for number, mode in (("CB-1", "shares"), ("CB-3", "team_pool")):
        customer = f"c-{org}-{number}"
        registered = {
            "customer_id": customer,
            "file_no": f"F-{number}",
            "name": f"Farm {number}",
            "kind": "farm_household",
            "primary_manager_id": f"m-{org}",
            "external_id": number,
        }
        await _send(svc, org, "customer.customers", "customer.registered", customer, registered)
        assigned = {
            "customer_id": customer,
            "primary_manager_id": f"m-{org}",
            "attribution_mode": mode,
            "shares": {f"m-{org}": "100"} if mode == "shares" else {},
            "team_id": f"t-{org}" if mode == "team_pool" else None,
            "effective_from": AT,
        }
        await _send(svc, org, "customer.customers", "customer.assignment-changed", customer, assigned)


async def _post(svc: View, org: str, posting_id: str, number: str, amount: str) -> None:
    """A v2 posting naming the customer by core banking's number."""
    posting = {
        "posting_id": posting_id,
        "external_id": number,
        "period": f"{YEAR}-03",
        "product": "loans",
        "amount": amount,
        "posted_on": f"{YEAR}-03-10",
    }
    await _send(svc, org, "corebanking.pnl", "profit.posted", number, posting, version=2)


async def test_R_A2_R_A4_the_same_posting_ids_and_numbers_are_booked_in_each_cooperative(appraisal):
    svc, orgs = appraisal, tuple(AMOUNTS)
    for org in orgs:
        await _cooperative(svc, org)
    for org in orgs:
        sole, held, pooled = AMOUNTS[org]
        await _post(svc, org, "P-1", "CB-1", sole)
        await _post(svc, org, "P-2", "CB-2", held)  # a number neither cooperative has given out yet
        await _post(svc, org, "P-3", "CB-3", pooled)
    await _send(
        svc,
        "rcc-a",
        "customer.customers",
        "customer.identified",
        "c-rcc-a-CB-1",
        {"customer_id": "c-rcc-a-CB-1", "external_id": "CB-2", "previous_external_id": None},
    )  # rcc-a's customer now also answers to CB-2 (the reference moves): rcc-a's held posting is released
    await svc.system.settle()
    assert [c for c in svc.system.carried if c.topic.endswith(".dlq")] == []

    for org in orgs:
        sole, held, pooled = AMOUNTS[org]
        sup = svc.as_(f"sup-{org}", "supervisor", org=org)
        booked = (await svc.client.get(f"/ledger/customers/c-{org}-CB-1", headers=sup)).json()
        expected = [("P-1", sole), ("P-2", held)] if org == "rcc-a" else [("P-1", sole)]
        assert sorted((p["posting_id"], p["amount"]) for p in booked) == expected, (org, booked)
        waiting = (await svc.client.get("/ledger/held", headers=sup)).json()
        assert [(p["posting_id"], p["amount"]) for p in waiting] == (
            [] if org == "rcc-a" else [("P-2", held)]
        ), (org, waiting)

        cycle = await svc.client.post("/cycles", headers=sup, json={"year": YEAR, "sample_size": 0})
        assert cycle.status_code == 201, (org, cycle.text)
        computed = (await svc.client.post(f"/cycles/{cycle.json()['id']}/compute", headers=sup)).json()
        direct = float(sole) + (float(held) if org == "rcc-a" else 0)
        assert (float(computed["attributed_profit"]), float(computed["unattributed_profit"])) == (
            direct + float(pooled),
            0 if org == "rcc-a" else float(held),
        ), (org, computed)
        assert [(p["team_id"], p["amount"]) for p in computed["pools"]] == [(f"t-{org}", pooled)], (
            org,
            computed,
        )
