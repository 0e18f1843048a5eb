"""Issue 19, finding 1 (R-Q3, R-Q5): the day a ladder version published for later takes effect, the customers
of its cooperative are re-checked, audit hears of every verdict that changed; in-process, both databases."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from services.customer.service.ladder_days import recheck_ladders_taking_effect
from services.customer.settings import CustomerSettings
from shared.contracts.default_ladder import DEFAULT_LADDER_GRADES
from tests.harness import System
from tests.rules.test_domain_customer_rules import _managers, _open, _staffing

pytestmark = [pytest.mark.services("customer", "audit"), pytest.mark.usefixtures("database")]


def _threshold(system: System) -> Decimal:
    """The R-C1 threshold the customer app was built with."""
    settings: CustomerSettings = system["customer"].app.state.settings
    return settings.senior_risk_threshold


async def _sweep(system: System, now: datetime) -> list[str]:
    done = await recheck_ladders_taking_effect(
        system["customer"].app.state.runtime.uow(), None, _threshold(system), now=now
    )
    await system.settle()
    return done


async def _findings(system: System) -> list[dict]:
    auditor = system.as_("aud-1", "auditor")
    answer = await system["audit"].client.get("/findings", headers=auditor, params={"rule_id": "R-Q5"})
    assert answer.status_code == 200, answer.text
    return list(answer.json())


async def test_R_Q3_a_version_taking_effect_rechecks_its_customers_that_day_and_only_once(system):
    customer = system.view("customer")
    sup = await _managers(customer)
    cust = await _open(customer, sup, {"size": "medium"}, "m-c", ["m-c2"])  # CMs may serve medium today
    assert cust["compliant"] is True
    now = datetime.now(UTC)
    tomorrow = now + timedelta(days=1)
    grades = [g.model_dump(mode="json") for g in DEFAULT_LADDER_GRADES]
    for g in grades:
        if g["code"] == "cm":
            g["customer_classes"] = [c for c in g["customer_classes"] if c != "medium"]
    ladder = {"version": 7, "effective_from": tomorrow.date().isoformat(), "grades": grades}
    await _staffing(customer, "ladder.published", "ladder", ladder)
    url = f"/customers/{cust['id']}"

    assert await _sweep(system, now) == []  # not its day yet: nothing changes today
    assert (await customer.client.get(url, headers=sup)).json()["compliant"] is True
    assert system.events("customer.customers", "customer.compliance-changed") == []
    assert await _findings(system) == []

    assert await _sweep(system, tomorrow) == [cust["org_id"]]
    (changed,) = system.events("customer.customers", "customer.compliance-changed")
    assert changed["payload"]["customer_id"] == cust["id"]
    assert changed["payload"]["compliant"] is False
    assert {v["rule_id"] for v in changed["payload"]["violations"]} == {"R-Q5"}
    assert (await customer.client.get(url, headers=sup)).json()["compliant"] is False
    (finding,) = await _findings(system)
    assert finding["customer_id"] == cust["id"]
    assert finding["status"] == "open"

    assert await _sweep(system, tomorrow + timedelta(hours=1)) == []  # a second run changes nothing
    assert len(system.events("customer.customers", "customer.compliance-changed")) == 1
    assert len(await _findings(system)) == 1
