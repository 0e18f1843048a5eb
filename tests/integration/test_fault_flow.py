"""Nothing stops the flow (issue 13): poison times, far-future facts, repeated refusals, on the real broker.

Each test runs the customer service in-process on the real broker, on SQLite and PostgreSQL: bad
messages are dead-lettered with their reason, and the good message behind them on the same
partition is applied.
"""

from typing import Any

import pytest

from services.customer.models import MESSAGING
from tests.integration.conftest import Service
from tests.integration.fault_support import rows
from tests.rules.test_customer_assignment import _managers
from tests.rules.test_customer_credit import _customer
from tests.support import envelope_bytes, eventually, produce

OVERFLOWING = ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00")


async def _letters(customer: Service) -> list[dict[str, Any]]:
    got = await customer.client.get("/admin/dead-letters", headers=customer.as_("ops", "admin", "platform"))
    assert got.status_code == 200, got.text
    letters: list[dict[str, Any]] = got.json()
    return letters


def _balance(cid: str, deposit: str, as_of: str, **overrides: Any) -> bytes:
    payload = {"customer_id": cid, "deposit": deposit, "loan": "1.00", "overdue": "0.00", "as_of": as_of}
    return envelope_bytes("balance.reported", cid, payload, producer="corebanking", **overrides)


@pytest.mark.parametrize("when", OVERFLOWING)
async def test_an_occurred_at_that_overflows_utc_is_dead_lettered_and_the_partition_moves_on(customer, when):
    sup = await _managers(customer)
    cust = await _customer(customer, sup)
    cid = cust["id"]
    rec = await customer.client.post(
        f"/customers/{cid}/credit-recommendations",
        headers=customer.as_("m-c", "cm"),
        json={"product": "loans", "amount": "1000", "term_months": 12, "purpose": "p", "rationale": "r"},
    )
    assert rec.status_code == 201, rec.text
    decision = {"recommendation_id": rec.json()["id"], "decision": "declined", "reason": "no"}
    p = customer.prefix
    await produce(
        customer.bootstrap, f"{p}corebanking.balances", _balance(cid, "5.00", "2026-03-01T00:00:00Z")
    )
    for topic, value in (
        ("corebanking.balances", _balance(cid, "1.00", "2026-03-02T00:00:00Z", occurred_at=when)),
        ("risk.credit-decisions", envelope_bytes("credit-decision.made", cid, decision, occurred_at=when)),
        ("corebanking.balances", _balance(cid, "2.00", when)),
    ):
        await produce(customer.bootstrap, f"{p}{topic}", value, key=cid.encode())
    good = _balance(cid, "7.00", "2026-03-03T00:00:00Z")
    await produce(customer.bootstrap, f"{p}corebanking.balances", good, key=cid.encode())
    await produce(
        customer.bootstrap,
        f"{p}risk.credit-decisions",
        envelope_bytes("credit-decision.made", cid, decision),
        key=cid.encode(),
    )

    async def applied() -> dict[str, Any] | None:
        got = (await customer.client.get(f"/customers/{cid}", headers=sup)).json()
        return got if got["deposit_balance"] == "7.00" else None

    await eventually(applied, timeout=30, what="the good balance behind the poison")

    async def three() -> list[dict[str, Any]] | None:
        found = await _letters(customer)
        return found if len(found) >= 3 else None

    letters = await eventually(three, timeout=30, what="three dead letters")
    assert len(letters) == 3
    assert all("occurred_at" in x["reason"] or "as_of" in x["reason"] for x in letters), letters
    inbox = MESSAGING.inbox

    async def decided() -> list[Any]:
        query = inbox.select().where(inbox.c.consumer == "customer.credit-decisions")
        return await rows(customer.settings.database_url, query)

    assert len(await eventually(decided, timeout=30, what="the good decision behind the poison")) == 1


async def test_far_future_and_far_past_facts_are_dead_lettered_and_later_real_reports_apply(customer):
    sup = await _managers(customer)
    cid = (await _customer(customer, sup))["id"]
    topic = f"{customer.prefix}corebanking.balances"
    for value in (
        _balance(cid, "9.00", "9999-12-31T23:59:59Z"),
        _balance(cid, "8.00", "2026-03-01T00:00:00Z", occurred_at="1990-01-01T00:00:00Z"),
        _balance(cid, "3.00", "1990-01-01T00:00:00Z"),
        _balance(cid, "6.00", "2026-03-04T00:00:00Z"),
    ):
        await produce(customer.bootstrap, topic, value, key=cid.encode())

    async def applied() -> dict[str, Any] | None:
        got = (await customer.client.get(f"/customers/{cid}", headers=sup)).json()
        return got if got["deposit_balance"] == "6.00" else None

    await eventually(applied, timeout=30, what="the real report after the far-future one")

    async def three() -> list[dict[str, Any]] | None:
        found = await _letters(customer)
        return found if len(found) >= 3 else None

    letters = await eventually(three, timeout=30, what="three dead letters")
    assert len(letters) == 3
    # the envelope's time window refuses far dates; a balance as of 9999 is refused by the contract itself
    # (issue 19, finding 9: the newest report wins, so a far-future as_of would hide every real one)
    refused = ("outside the accepted window", "is in the future")
    assert all(any(r in x["reason"] for r in refused) for x in letters), letters
