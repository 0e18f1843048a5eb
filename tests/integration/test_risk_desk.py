"""The simulated risk desk on the real broker: a recommendation gets its decision back into customer."""

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from decimal import Decimal

import pytest

from shared.contracts.credit import CreditRecommendationSubmitted
from steward.importer import ClientKafkaSettings
from steward.risk_desk import RiskDesk, RiskDeskSettings, assess
from tests.integration.conftest import Service, serve
from tests.rules.test_customer_assignment import _managers
from tests.support import envelope_bytes, eventually, produce, stays

pytestmark = pytest.mark.timeout(120)


def _rules(**overrides) -> RiskDeskSettings:
    return RiskDeskSettings(kafka=ClientKafkaSettings(), **overrides)


def _rec(amount: str) -> CreditRecommendationSubmitted:
    return CreditRecommendationSubmitted.model_validate(
        {
            "recommendation_id": "cr-1",
            "customer_id": "c-1",
            "author": "m-c",
            "product": "loan",
            "amount": amount,
            "term_months": 12,
            "purpose": "p",
            "rationale": "r",
        }
    )


def test_the_rules_approve_small_ask_about_middling_and_decline_large_or_overdue():
    rules, today = _rules(), date(2026, 3, 1)
    small = assess(rules, _rec("800000"), Decimal(0), today)
    assert (small.decision.decision, str(small.decision.credit_line)) == ("approved", "880000.00")
    assert (small.rating.rating, small.rating.warning_flags) == ("A", ())
    middling = assess(rules, _rec("2000000"), Decimal(0), today)
    assert middling.decision.decision == "more_information"
    assert middling.decision.questions[0].due_date == date(2026, 3, 15)
    assert middling.rating.rating == "B"
    assert assess(rules, _rec("2000000"), Decimal(0), today, answered=True).decision.decision == "approved"
    assert assess(rules, _rec("6000000"), Decimal(0), today).decision.decision == "declined"
    overdue = assess(rules, _rec("1000"), Decimal("12.50"), today)
    assert overdue.decision.decision == "declined"
    assert (overdue.rating.rating, overdue.rating.warning_flags) == ("C", ("overdue-balance",))
    tolerant = assess(
        _rules(overdue_tolerance="100", approve_up_to="5000"), _rec("1000"), Decimal("12.50"), today
    )
    assert tolerant.decision.decision == "approved"


@asynccontextmanager
async def _desk(bootstrap: str, prefix: str, **rules) -> AsyncIterator[RiskDesk]:
    kafka = ClientKafkaSettings(
        bootstrap_servers=bootstrap, topic_prefix=prefix, session_timeout_ms=6_000, rebalance_timeout_ms=3_000
    )
    desk = RiskDesk(RiskDeskSettings(kafka=kafka, **rules))
    stop = asyncio.Event()
    task = asyncio.create_task(desk.run_until(stop))
    try:
        await asyncio.wait_for(desk.ready.wait(), 30)
        yield desk
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)


async def _recommend(customer: Service, customer_id: str, amount: str) -> str:
    response = await customer.client.post(
        f"/customers/{customer_id}/credit-recommendations",
        headers=customer.as_("m-c", "cm"),
        json={"product": "loans", "amount": amount, "term_months": 12, "purpose": "barn", "rationale": "ok"},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _status(customer: Service, rec_id: str, status: str) -> dict:
    async def reached():
        found = (
            await customer.client.get(f"/credit-recommendations/{rec_id}", headers=customer.as_("m-c", "cm"))
        ).json()
        return found if found["status"] == status else None

    return await eventually(reached, timeout=30, what=f"{rec_id} {status}")


async def test_R_R2_R_R4_a_recommendation_gets_the_desks_decision_back_into_customer_service(
    kafka, prefix, tmp_path
):
    async with serve("customer", f"sqlite+aiosqlite:///{tmp_path / 'c.db'}", kafka, prefix) as customer:
        sup = await _managers(customer)
        ids = []
        for name in ("Orchard", "Mill"):
            created = await customer.client.post(
                "/customers",
                headers=sup,
                json={
                    "name": name,
                    "kind": "corporate",
                    "primary_manager_id": "m-c",
                    "co_manager_ids": ["m-s"],
                },
            )
            ids.append(created.json()["id"])
        orchard, mill = ids
        overdue = envelope_bytes(
            "balance.reported",
            mill,
            {
                "customer_id": mill,
                "deposit": "0",
                "loan": "90000",
                "overdue": "3000.00",
                "as_of": "2026-03-01T00:00:00Z",
            },
        )
        await produce(customer.bootstrap, f"{prefix}corebanking.balances", overdue, key=mill.encode())

        async with _desk(customer.bootstrap, prefix, approve_up_to="800000") as desk:
            small = await _recommend(customer, orchard, "500000")
            approved = await _status(customer, small, "approved")
            assert (approved["approved_amount"], approved["credit_line"]) == ("500000.00", "550000.00")

            middling = await _recommend(customer, orchard, "900000")  # within the CM's limit, not the desk's
            asked = await _status(customer, middling, "info_requested")
            question = asked["questions"][0]
            answer = await customer.client.post(
                f"/credit-recommendations/{middling}/answers",
                headers=customer.as_("m-c", "cm"),
                json={"question_id": question["id"], "answer": "accounts attached"},
            )
            assert answer.status_code == 200, answer.text
            await _status(customer, middling, "approved")

            await eventually(lambda: _overdue_known(desk, mill), what="the overdue balance at the desk")
            refused = await _recommend(customer, mill, "1000")
            declined = await _status(customer, refused, "declined")
            assert "overdue" in declined["decision_reason"]

            ratings = await customer.wait_events("risk.customer-ratings", "customer.rated", 4)
            mill_rating = next(r for r in ratings if r["key"] == mill)
            assert (mill_rating["payload"]["rating"], mill_rating["payload"]["warning_flags"]) == (
                "C",
                ["overdue-balance"],
            )

            # Redelivered recommendations: the desk answers with the same event ids; customer skips them.
            originals = await customer.events(
                "customer.credit-recommendations", "credit-recommendation.submitted"
            )
            for event in originals:
                await produce(
                    customer.bootstrap,
                    f"{prefix}customer.credit-recommendations",
                    json.dumps(event).encode(),
                    key=event["key"].encode(),
                )

            async def answered_twice():
                decisions = await customer.events("risk.credit-decisions", "credit-decision.made")
                return decisions if len(decisions) >= 2 * len(originals) + 1 else None

            decisions = await eventually(
                answered_twice, timeout=30, what="the desk answering the redeliveries"
            )
            assert len({d["event_id"] for d in decisions}) == len(originals) + 1  # the same ids again

            async def no_dead_letters() -> bool:
                ops = customer.as_("ops", "admin", "platform")
                return (await customer.client.get("/admin/dead-letters", headers=ops)).json() == []

            await stays(no_dead_letters, 1.0, what="no dead letter from the redeliveries")
            assert (await _status(customer, small, "approved"))["approved_amount"] == "500000.00"


async def _overdue_known(desk: RiskDesk, customer_id: str) -> bool:
    return any(key[1] == customer_id for key in desk.overdue)
