"""Reports, credit recommendations and balances (R-W3, R-R2..R-R4, R-I1, R-C5), on both databases.

In-process (tests.harness): the services' events are pumped, no broker.
"""

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.rules.test_customer_assignment import _managers
from tests.support import envelope_bytes

pytestmark = [pytest.mark.services("customer"), pytest.mark.usefixtures("database")]


async def _customer(customer, sup, primary="m-c", co=("m-s",)) -> dict:
    r = await customer.client.post(
        "/customers",
        headers=sup,
        json={
            "name": "Orchard Co",
            "kind": "corporate",
            "primary_manager_id": primary,
            "co_manager_ids": list(co),
        },
    )
    assert r.status_code == 201, r.text
    return r.json()


async def test_R_R2_R_I1_a_serving_cm_recommends_and_above_the_limit_a_senior_cosigns(customer):
    sup = await _managers(customer)
    c = customer.client
    cust = await _customer(customer, sup)
    cm = customer.as_("m-c", "cm")
    report = (
        await c.post(
            f"/customers/{cust['id']}/reports",
            headers=cm,
            json={"kind": "risk_analysis", "title": "Orchard risk", "body": "frost exposure moderate"},
        )
    ).json()
    small = {
        "product": "loans",
        "amount": "500000.00",
        "term_months": 12,
        "purpose": "fertiliser",
        "rationale": "seasonal need",
        "report_ids": [report["id"]],
    }
    within = await c.post(f"/customers/{cust['id']}/credit-recommendations", headers=cm, json=small)
    assert within.status_code == 201, within.text
    assert within.json()["status"] == "submitted"
    assert within.json()["authorization_limit"] == "1000000.00"

    big = await c.post(
        f"/customers/{cust['id']}/credit-recommendations", headers=cm, json={**small, "amount": "1500000.00"}
    )
    assert big.json()["status"] == "awaiting_cosign"
    big_id = big.json()["id"]
    assert (await c.post(f"/credit-recommendations/{big_id}/cosign", headers=cm)).status_code == 403
    assert (
        await c.post(f"/credit-recommendations/{big_id}/cosign", headers=customer.as_("m-c2", "cm"))
    ).status_code == 404
    cosigned = await c.post(f"/credit-recommendations/{big_id}/cosign", headers=customer.as_("m-s", "cm"))
    assert cosigned.json()["status"] == "submitted"
    assert cosigned.json()["cosigned_by"] == "m-s"

    published = await customer.wait_events(
        "customer.credit-recommendations", "credit-recommendation.submitted", 2
    )
    assert [e["payload"]["amount"] for e in published] == ["500000.00", "1500000.00"]
    assert published[1]["payload"]["cosigned_by"] == "m-s"

    outsider = await c.post(
        f"/customers/{cust['id']}/credit-recommendations", headers=customer.as_("m-c2", "cm"), json=small
    )
    assert outsider.status_code == 404
    by_supervisor = await c.post(f"/customers/{cust['id']}/credit-recommendations", headers=sup, json=small)
    assert by_supervisor.status_code == 403
    for bad in (
        {**small, "amount": "-1"},
        {**small, "amount": 10.5},
        {**small, "term_months": 0},
        {**small, "report_ids": ["r-nope"]},
    ):
        assert (
            await c.post(f"/customers/{cust['id']}/credit-recommendations", headers=cm, json=bad)
        ).status_code == 422


async def test_R_R2_R_R4_risk_decides_asks_with_due_dates_and_the_cm_answers(customer):
    sup = await _managers(customer)
    c = customer.client
    cust = await _customer(customer, sup)
    cm = customer.as_("m-c", "cm")
    rec = (
        await c.post(
            f"/customers/{cust['id']}/credit-recommendations",
            headers=cm,
            json={
                "product": "loans",
                "amount": "200000",
                "term_months": 24,
                "purpose": "tractor",
                "rationale": "good history",
            },
        )
    ).json()
    topic = "risk.credit-decisions"
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    ask = envelope_bytes(
        "credit-decision.made",
        cust["id"],
        {
            "recommendation_id": rec["id"],
            "decision": "more_information",
            "questions": [{"question": "Latest audited accounts?", "due_date": yesterday}],
        },
        actor={"kind": "user", "user_id": "risk-officer-1", "roles": ["risk"]},
    )
    await customer.send_raw(topic, cust["id"], ask)

    async def asked():
        r = (await c.get(f"/credit-recommendations/{rec['id']}", headers=cm)).json()
        return r if r["status"] == "info_requested" else None

    pending = await customer.until(asked, what="the question from risk")
    question = pending["questions"][0]
    assert question["overdue"] is True
    overdue = (await c.get("/credit-recommendations", headers=sup, params={"overdue": "true"})).json()
    assert [r["id"] for r in overdue] == [rec["id"]]

    answered = await c.post(
        f"/credit-recommendations/{rec['id']}/answers",
        headers=cm,
        json={"question_id": question["id"], "answer": "attached, FY2025"},
    )
    assert answered.json()["questions"][0]["answer"] == "attached, FY2025"
    again = await c.post(
        f"/credit-recommendations/{rec['id']}/answers",
        headers=cm,
        json={"question_id": question["id"], "answer": "changed my mind"},
    )
    assert again.status_code == 422
    await customer.wait_events("customer.credit-recommendations", "credit-recommendation.answered")

    self_decided = envelope_bytes(
        "credit-decision.made",
        cust["id"],
        {"recommendation_id": rec["id"], "decision": "approved", "approved_amount": "200000"},
        actor={"kind": "user", "user_id": "m-c", "roles": ["risk"]},
    )
    unknown = envelope_bytes(
        "credit-decision.made", cust["id"], {"recommendation_id": "cr-nope", "decision": "declined"}
    )
    approve = envelope_bytes(
        "credit-decision.made",
        cust["id"],
        {
            "recommendation_id": rec["id"],
            "decision": "approved",
            "approved_amount": "180000.00",
            "credit_line": "250000.00",
        },
        actor={"kind": "user", "user_id": "risk-officer-1", "roles": ["risk"]},
    )
    for message in (self_decided, unknown, approve):
        await customer.send_raw(topic, cust["id"], message)

    async def approved():
        r = (await c.get(f"/credit-recommendations/{rec['id']}", headers=cm)).json()
        return r if r["status"] == "approved" else None

    final = await customer.until(approved, what="the approval")
    assert (final["approved_amount"], final["credit_line"]) == ("180000.00", "250000.00")
    letters = (await c.get("/admin/dead-letters", headers=customer.as_("ops", "admin", "platform"))).json()
    reasons = sorted(letter["reason"] for letter in letters)
    assert len(reasons) == 2
    assert "unknown recommendation" in reasons[0]
    assert "own recommendation" in reasons[1]


async def test_R_W3_reports_are_immutable_versioned_and_routed(customer):
    sup = await _managers(customer)
    c = customer.client
    cust = await _customer(customer, sup)
    cm = customer.as_("m-c", "cm")
    url = f"/customers/{cust['id']}/reports"
    first = (
        await c.post(url, headers=cm, json={"kind": "business_proposal", "title": "Cold store", "body": "v1"})
    ).json()
    second = (
        await c.post(
            url,
            headers=cm,
            json={
                "kind": "business_proposal",
                "title": "Cold store",
                "body": "v2 with costs",
                "supersedes_id": first["id"],
            },
        )
    ).json()
    assert (second["version"], second["supersedes_id"]) == (2, first["id"])
    wrong_kind = await c.post(
        url,
        headers=cm,
        json={"kind": "risk_control", "title": "x", "body": "y", "supersedes_id": first["id"]},
    )
    assert wrong_kind.status_code == 422
    assert (await c.put(f"/reports/{first['id']}", headers=cm, json={"body": "edited"})).status_code in (
        404,
        405,
    )
    risk_report = (
        await c.post(url, headers=cm, json={"kind": "risk_analysis", "title": "r", "body": "b"})
    ).json()
    # R-W3: every kind goes to risk, the product departments and management; each reads the newest first
    newest_first = [risk_report["id"], second["id"], first["id"]]
    for role in ("risk", "product", "management"):
        seen = (await c.get("/reports", headers=customer.as_(f"{role}-1", role))).json()
        assert [r["id"] for r in seen] == newest_first
    newest = (await c.get("/reports", headers=customer.as_("p-1", "product"), params={"limit": 1})).json()
    assert [r["id"] for r in newest] == [risk_report["id"]]
    assert (await c.get("/reports", headers=customer.as_("m-c2", "cm"))).json() == []
    routed = await customer.wait_events("customer.activities", "report.submitted", 3)
    assert routed[2]["payload"]["routed_to"] == ["risk", "product", "management"]


async def test_R_C5_balances_latest_as_of_wins_and_bad_ones_are_dead_lettered(customer):
    sup = await _managers(customer)
    c = customer.client
    cust = await _customer(customer, sup)
    topic = "corebanking.balances"

    def balance(deposit: str, as_of: str) -> bytes:
        return envelope_bytes(
            "balance.reported",
            cust["id"],
            {
                "customer_id": cust["id"],
                "deposit": deposit,
                "loan": "1000.00",
                "overdue": "0.00",
                "as_of": as_of,
            },
            producer="corebanking",
        )

    newest = balance("900.00", "2026-03-02T00:00:00+00:00")
    for message in (
        balance("500.00", "2026-03-01T00:00:00+00:00"),
        newest,
        newest,
        balance("100.00", "2026-02-27T00:00:00+00:00"),
        b'{"deposit": 1}',
        envelope_bytes(
            "balance.reported",
            "c-x",
            {
                "customer_id": "c-unknown",
                "deposit": "1",
                "loan": "1",
                "overdue": "0",
                "as_of": "2026-03-01T00:00:00+00:00",
            },
        ),
    ):
        await customer.send_raw(topic, cust["id"], message)

    async def two_letters():
        letters = (
            await c.get("/admin/dead-letters", headers=customer.as_("ops", "admin", "platform"))
        ).json()
        return letters if len(letters) == 2 else None

    await customer.until(two_letters, what="the malformed and unknown balances in the DLQ")
    after = (await c.get(f"/customers/{cust['id']}", headers=sup)).json()
    assert after["deposit_balance"] == "900.00"
    assert after["balances_as_of"].startswith("2026-03-02")
    assert json.loads(newest)["payload"]["deposit"] == "900.00"
