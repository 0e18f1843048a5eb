"""Development targets (R-D1, R-D2, R-D4) on both databases.

In-process (tests.harness): the services' events are pumped, no broker.
"""

import pytest

from tests.rules.test_customer_assignment import _managers

pytestmark = [pytest.mark.services("customer"), pytest.mark.usefixtures("database")]

TARGET = {
    "name": "Sunrise Dairy",
    "kind": "corporate",
    "scores": {"demand_potential": 9, "prospects": 8, "profitability": 7, "market_share": 4},
    "unmet_needs": True,
    "rcc_can_serve": True,
    "competitive_advantage": True,
    "preliminary_assessment": "expanding herd; cold-chain financing need; worth developing",
}


async def test_R_D1_R_D4_a_target_moves_from_segmentation_to_a_won_customer(customer):
    await _managers(customer)
    c = customer.client
    cm = customer.as_("m-c", "cm")
    target = (await c.post("/targets", headers=cm, json=TARGET)).json()
    assert target["segment_score"] == "7.00"
    assert target["ideal"] is True
    assert "build the credit relationship that opens the basic account" in target["development_goals"]
    for stage in ("contacted", "visited", "proposal"):
        moved = await c.post(f"/targets/{target['id']}/stage", headers=cm, json={"stage": stage})
        assert moved.status_code == 200, moved.text
    no_file = await c.post(f"/targets/{target['id']}/stage", headers=cm, json={"stage": "won"})
    assert no_file.status_code == 422
    opened = (
        await c.post(
            "/customers",
            headers=cm,
            json={"name": "Sunrise Dairy", "kind": "corporate", "primary_manager_id": "m-c"},
        )
    ).json()
    won = (
        await c.post(
            f"/targets/{target['id']}/stage", headers=cm, json={"stage": "won", "customer_id": opened["id"]}
        )
    ).json()
    assert won["stage"] == "won"
    assert [h["stage"] for h in won["history"]] == ["target", "contacted", "visited", "proposal", "won"]
    assert (
        await c.post(f"/targets/{target['id']}/stage", headers=cm, json={"stage": "lost", "note": "x"})
    ).status_code == 409


async def test_targets_belong_to_their_cm_and_bad_input_is_refused(customer):
    sup = await _managers(customer)
    c = customer.client
    cm = customer.as_("m-c", "cm")
    mine = (await c.post("/targets", headers=cm, json=TARGET)).json()
    stranger = customer.as_("m-c2", "cm")
    assert (await c.get(f"/targets/{mine['id']}", headers=stranger)).status_code == 404
    assert (
        await c.post(f"/targets/{mine['id']}/stage", headers=stranger, json={"stage": "lost", "note": "x"})
    ).status_code == 404
    assert (await c.get("/targets", headers=stranger)).json() == []
    assert len((await c.get("/targets", headers=sup)).json()) == 1
    for bad in (
        {**TARGET, "scores": {**TARGET["scores"], "market_share": 11}},
        {**TARGET, "kind": "alien"},
        {**TARGET, "owner_id": "m-c2"},
    ):
        assert (await c.post("/targets", headers=cm, json=bad)).status_code in (403, 422)
    assert (
        await c.post(f"/targets/{mine['id']}/stage", headers=cm, json={"stage": "lost"})
    ).status_code == 422
    assert (
        await c.post(f"/targets/{mine['id']}/stage", headers=cm, json={"stage": "target"})
    ).status_code == 422
