"""The in-process harness itself: it settles, it is deterministic, and it delivers as Kafka would."""

from pathlib import Path

import pytest

from shared.consumer import Outcome
from tests.harness import System, start_system

CM = {"employee_no": "E1", "name": "Zhou Min", "grade": "cm", "branch": "north"}


async def _depart(system: System) -> list[tuple[str, str, str]]:
    """Register a CM, open a customer, ask for the departure; what the pump carried, in order."""
    hr, sup = system.as_("hr-1", "hr"), system.as_("sup-1", "supervisor")
    mid = (await system["staffing"].client.post("/managers", headers=hr, json=CM)).json()["id"]
    await system.settle()
    body = {"name": "Farm", "kind": "farm_household", "primary_manager_id": mid}
    assert (await system["customer"].client.post("/customers", headers=sup, json=body)).status_code == 201
    await system["staffing"].client.post(f"/managers/{mid}/departure", headers=hr, json={"reason": "x"})
    await system.settle()
    return [(c.source, c.topic, c.event_type) for c in system.carried]


async def test_the_same_commands_carry_the_same_events_in_the_same_order(tmp_path: Path):
    async with start_system(tmp_path / "one") as one:
        first = await _depart(one)
    async with start_system(tmp_path / "two") as two:
        second = await _depart(two)
    assert first == second
    assert ("staffing", "staffing.managers", "manager.departure-requested") in first
    assert ("customer", "customer.customers", "manager.portfolio-published") in first
    # each reaction comes after the event it answers
    assert first.index(("staffing", "staffing.managers", "manager.departure-requested")) < first.index(
        ("customer", "customer.customers", "manager.portfolio-published")
    )


async def test_settle_reports_a_chain_longer_than_its_bound(system: System):
    hr = system.as_("hr-1", "hr")
    mid = (await system["staffing"].client.post("/managers", headers=hr, json=CM)).json()["id"]
    await system["staffing"].client.post(f"/managers/{mid}/departure", headers=hr, json={"reason": "x"})
    with pytest.raises(AssertionError, match="did not settle in 1 rounds"):
        await system.settle(max_rounds=1)  # request, then portfolio, then the audit's reaction
    assert await system.settle() > 0
    assert await system.pump() == 0  # quiescent


@pytest.mark.services("customer", "audit")
async def test_an_outside_event_reaches_every_consumer_of_its_topic_and_poison_is_dead_lettered(
    system: System,
):
    balance = {
        "customer_id": "c-1",
        "deposit": "1.00",
        "loan": "0.00",
        "overdue": "0.00",
        "as_of": "2026-03-01",
    }
    system.publish("corebanking.balances", "balance.reported", "c-1", balance)
    system.publish_raw("corebanking.balances", "c-1", b"not json")
    await system.settle()
    good, poison = [c for c in system.carried if c.topic == "corebanking.balances"]
    assert {c.split(".")[0] for c in good.outcomes} == {"customer", "audit"}
    assert set(poison.outcomes.values()) <= {Outcome.DEAD_LETTERED, None}
    assert system.events("corebanking.balances.dlq"), "the poison record's copy on the DLQ topic"
