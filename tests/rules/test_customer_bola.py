"""BOLA: a CM calling any customer endpoint with another CM's object gets 403 or 404 and learns nothing.

In-process (tests.harness): the services' events are pumped, no broker.
"""

from datetime import UTC, datetime, timedelta

import pytest

from tests.rules.test_customer_assignment import _managers
from tests.support import envelope_bytes

pytestmark = [pytest.mark.services("customer"), pytest.mark.usefixtures("database")]

NOW = datetime.now(UTC)

# Every customer route that takes an id and admits a CM, each exercised below with another CM's object;
# tests/integration/test_object_level.py fails if the customer app grows one that is not listed here.
COVERED_ROUTES = frozenset(
    {
        ("GET", "/customers/{customer_id}"),
        ("PATCH", "/customers/{customer_id}"),
        ("GET", "/customers/{customer_id}/assignments"),
        ("PUT", "/customers/{customer_id}/classification"),
        ("POST", "/customers/{customer_id}/sections/{section}"),
        ("GET", "/customers/{customer_id}/sections/{section}"),
        ("POST", "/customers/{customer_id}/reports"),
        ("POST", "/customers/{customer_id}/credit-recommendations"),
        ("GET", "/credit-recommendations/{rec_id}"),
        ("POST", "/credit-recommendations/{rec_id}/cosign"),
        ("POST", "/credit-recommendations/{rec_id}/answers"),
        ("POST", "/customers/{customer_id}/visits"),
        ("GET", "/customers/{customer_id}/visits"),
        ("GET", "/customers/{customer_id}/satisfaction"),
        ("GET", "/customers/{customer_id}/value"),
        ("GET", "/targets/{prospect_id}"),
        ("POST", "/targets/{prospect_id}/stage"),
        ("GET", "/managers/{manager_id}/days/{day}"),
        ("PUT", "/managers/{manager_id}/days/{day}/plan"),
        ("PUT", "/managers/{manager_id}/days/{day}/outcome"),
    }
)


async def test_a_cm_cannot_reach_another_cms_objects_through_any_endpoint(customer):
    sup = await _managers(customer)
    c = customer.client
    owner = customer.as_("m-c", "cm")
    stranger = customer.as_("m-c2", "cm")
    cust = (
        await c.post(
            "/customers",
            headers=sup,
            json={"name": "Secret Orchard", "kind": "corporate", "primary_manager_id": "m-c"},
        )
    ).json()
    cid = cust["id"]
    report = (
        await c.post(
            f"/customers/{cid}/reports",
            headers=owner,
            json={"kind": "risk_analysis", "title": "Secret title", "body": "secret body"},
        )
    ).json()
    rec = (
        await c.post(
            f"/customers/{cid}/credit-recommendations",
            headers=owner,
            json={"product": "loans", "amount": "100", "term_months": 6, "purpose": "p", "rationale": "r"},
        )
    ).json()
    visit = {
        "kind": "phone",
        "occurred_at": (NOW - timedelta(minutes=1)).isoformat(),
        "phone": {"summary": "s"},
    }
    assert (await c.post(f"/customers/{cid}/visits", headers=owner, json=visit)).status_code == 201
    target = (
        await c.post(
            "/targets",
            headers=owner,
            json={
                "name": "Secret Target",
                "kind": "corporate",
                "scores": {"demand_potential": 1, "prospects": 1, "profitability": 1, "market_share": 1},
                "unmet_needs": True,
                "rcc_can_serve": True,
                "competitive_advantage": True,
                "preliminary_assessment": "x",
            },
        )
    ).json()
    day = NOW.date().isoformat()
    await c.put(
        f"/managers/m-c/days/{day}/plan",
        headers=owner,
        json={"tasks": [{"description": "secret task", "priority": "primary"}]},
    )
    ask = envelope_bytes(
        "credit-decision.made",
        cid,
        {
            "recommendation_id": rec["id"],
            "decision": "more_information",
            "questions": [{"question": "q", "due_date": day}],
        },
        actor={"kind": "user", "user_id": "risk-1", "roles": []},
    )
    await customer.send_raw("risk.credit-decisions", cid, ask)

    async def asked():
        r = (await c.get(f"/credit-recommendations/{rec['id']}", headers=owner)).json()
        return r["questions"] or None

    (question,) = await customer.until(asked, what="the question")

    calls = [
        ("get", f"/customers/{cid}", None),
        ("patch", f"/customers/{cid}", {"address": "taken over"}),
        ("get", f"/customers/{cid}/assignments", None),
        ("put", f"/customers/{cid}/assignment", {"primary_manager_id": "m-c2"}),
        ("put", f"/customers/{cid}/classification", {"size": "small"}),
        ("post", f"/customers/{cid}/sections/finance", {"content": "x"}),
        ("get", f"/customers/{cid}/sections/finance", None),
        ("post", f"/customers/{cid}/reports", {"kind": "risk_analysis", "title": "t", "body": "b"}),
        (
            "post",
            f"/customers/{cid}/credit-recommendations",
            {"product": "loans", "amount": "1", "term_months": 1, "purpose": "p", "rationale": "r"},
        ),
        ("get", f"/credit-recommendations/{rec['id']}", None),
        ("post", f"/credit-recommendations/{rec['id']}/cosign", None),
        (
            "post",
            f"/credit-recommendations/{rec['id']}/answers",
            {"question_id": question["id"], "answer": "a"},
        ),
        ("post", f"/customers/{cid}/visits", visit),
        ("get", f"/customers/{cid}/visits", None),
        ("get", f"/customers/{cid}/satisfaction", None),
        ("get", f"/customers/{cid}/value", None),
        ("get", f"/targets/{target['id']}", None),
        ("post", f"/targets/{target['id']}/stage", {"stage": "lost", "note": "x"}),
        ("get", f"/managers/m-c/days/{day}", None),
        ("put", f"/managers/m-c/days/{day}/plan", {"tasks": [{"description": "x", "priority": "minor"}]}),
        ("put", f"/managers/m-c/days/{day}/outcome", {"outcomes": []}),
    ]
    secrets = ("Secret", "secret", 'm-c"')
    for method, path, body in calls:
        response = await c.request(method, path, headers=stranger, json=body)
        assert response.status_code in (403, 404), (method, path, response.status_code, response.text)
        assert not any(s in response.text for s in secrets), (method, path, response.text)
    for path in (
        "/customers",
        "/reports",
        "/credit-recommendations",
        "/visit-schedule",
        "/targets",
        "/value-review",
        "/customers/export",
    ):
        listed = await c.get(path, headers=stranger)
        assert listed.status_code == 200, path
        assert "Secret" not in listed.text, path
    # ids given as filters: another CM's id narrows the stranger's own view, never widens it
    for path in (
        "/customers?manager_id=m-c",
        f"/reports?customer_id={cid}",
        "/visit-schedule?manager_id=m-c",
        "/customers/export?manager_id=m-c",
        "/credit-recommendations?overdue=true",
    ):
        filtered = await c.get(path, headers=stranger)
        assert filtered.status_code in (200, 403, 404), (path, filtered.status_code)
        assert not any(s in filtered.text for s in secrets), (path, filtered.text)
    # and the owner still has everything
    assert (await c.get(f"/customers/{cid}", headers=owner)).json()["address"] is None
    assert report["id"] in (await c.get("/reports", headers=owner)).text
