"""Continuous compliance (R-I2) and early warnings (R-I1) in audit, in-process, on both databases.

Moved from tests/integration (where each event went through the real broker): the same events, the
same assertions; the pump delivers them in the order published, and R-Q7 is proved in both orders.
"""

from datetime import UTC, datetime, timedelta

import pytest

from tests.harness import System

pytestmark = [pytest.mark.services("audit"), pytest.mark.usefixtures("database")]


async def _send(system: System, topic: str, event_type: str, key: str, payload: dict, **envelope) -> None:
    system.publish(topic, event_type, key, payload, **envelope)
    await system.settle()


async def _findings(system: System, **params) -> list[dict]:
    auditor = system.as_("aud-1", "auditor")
    return (await system["audit"].client.get("/findings", headers=auditor, params=params)).json()


def _assigned(customer_id: str, manager_id: str) -> dict:
    return {
        "customer_id": customer_id,
        "primary_manager_id": manager_id,
        "attribution_mode": "shares",
        "effective_from": "2026-03-01T09:00:00+00:00",
    }


async def test_R_I2_findings_are_raised_once_and_resolved_when_the_condition_clears(system):
    await _send(system, "customer.customers", "customer.assignment-changed", "c-1", _assigned("c-1", "m-1"))
    breach = {
        "customer_id": "c-1",
        "compliant": False,
        "issues": ["R-C3: needs two or more CMs (medium customer)"],
    }
    for _ in range(2):
        await _send(system, "customer.customers", "customer.compliance-changed", "c-1", breach)
    (r_c3,) = await _findings(system, rule_id="R-C3")
    assert len(r_c3["evidence"]) == 2
    assert r_c3["customer_id"] == "c-1"
    assert r_c3["manager_id"] == "m-1"
    cleared = {"customer_id": "c-1", "compliant": True, "issues": []}
    await _send(system, "customer.customers", "customer.compliance-changed", "c-1", cleared)
    assert (await _findings(system, rule_id="R-C3"))[0]["status"] == "resolved"

    for spent in ("1100.00", "1200.00"):
        exceeded = {
            "manager_id": "m-1",
            "year": 2025,
            "category": "gifts",
            "budget": "1000.00",
            "spent": spent,
        }
        await _send(system, "staffing.expenses", "expense.budget-exceeded", "m-1", exceeded)
    (r_i4,) = await _findings(system, rule_id="R-I4")
    assert len(r_i4["evidence"]) == 2
    closed = {
        "manager_id": "m-1",
        "year": 2025,
        "grade": "cm",
        "budget": {},
        "spent": {},
        "overspend": "200.00",
    }
    await _send(system, "staffing.expenses", "expense.year-closed", "m-1", closed)
    assert (await _findings(system, rule_id="R-I4"))[0]["status"] == "resolved"


@pytest.mark.parametrize("expiry_first", [False, True], ids=["assigned-first", "expired-first"])
async def test_R_Q7_an_expired_cm_still_serving_customers_is_a_finding(system, expiry_first):
    registered = {
        "manager_id": "m-2",
        "employee_no": "E2",
        "name": "n",
        "grade": "cm",
        "branch": "b",
        "status": "active",
    }
    system.publish("staffing.managers", "manager.registered", "m-2", registered)
    # On a broker the two topics are consumed concurrently: R-Q7 must hold in either order.
    expiry = ("staffing.managers", "manager.certification-expired", "m-2")
    assignment = ("customer.customers", "customer.assignment-changed", "c-2")
    for topic, event_type, key in (expiry, assignment) if expiry_first else (assignment, expiry):
        if event_type == "manager.certification-expired":
            system.publish(topic, event_type, key, {"manager_id": "m-2", "expired_on": "2026-01-01"})
        else:
            system.publish(topic, event_type, key, _assigned("c-2", "m-2"))
    await system.settle()
    (finding,) = await _findings(system, rule_id="R-Q7")
    assert finding["severity"] == "high"
    certified = {"manager_id": "m-2", "grade": "cm", "score": "80.00", "valid_until": "2028-01-01"}
    await _send(system, "staffing.managers", "manager.certified", "m-2", certified)
    assert (await _findings(system, rule_id="R-Q7"))[0]["status"] == "resolved"
    summary = await system["audit"].client.get("/compliance/summary", headers=system.as_("sup", "supervisor"))
    assert all(row["rule_id"] != "R-Q7" for row in summary.json())


def _balance(customer_id: str, overdue: str, as_of: str) -> dict:
    return {
        "customer_id": customer_id,
        "deposit": "10.00",
        "loan": "5000.00",
        "overdue": overdue,
        "as_of": as_of,
    }


async def test_R_I1_early_warnings_from_ratings_and_overdue_balances(system):
    rated = {"customer_id": "c-3", "rating": "B", "warning_flags": ["sector downturn"]}
    system.publish("risk.customer-ratings", "customer.rated", "c-3", rated)
    balance = _balance("c-3", "300.00", "2026-03-01T00:00:00+00:00")
    await _send(system, "corebanking.balances", "balance.reported", "c-3", balance)
    found = await _findings(system, rule_id="R-I1", customer_id="c-3")
    assert len(found) == 2
    assert {f["description"].split(":")[0] for f in found} == {"early warning"}
    balance = _balance("c-3", "0.00", "2026-03-02T00:00:00+00:00")
    await _send(system, "corebanking.balances", "balance.reported", "c-3", balance)
    found = await _findings(system, rule_id="R-I1", customer_id="c-3")
    assert sorted(x["status"] for x in found) == ["open", "resolved"]
    assert (await _findings(system)) != []
    as_cm = (await system["audit"].client.get("/findings", headers=system.as_("m-x", "cm"))).json()
    assert as_cm == []


async def test_R_R4_an_overdue_question_raises_a_finding_on_the_sweep_and_an_answer_resolves_it(system):
    past = (datetime.now(UTC) - timedelta(days=2)).date().isoformat()
    decision = {
        "recommendation_id": "cr-4",
        "decision": "more_information",
        "questions": [{"question": "audited accounts?", "due_date": past}],
    }
    await _send(system, "risk.credit-decisions", "credit-decision.made", "c-4", decision)
    audit, auditor = system["audit"].client, system.as_("aud-1", "auditor")
    assert (await audit.post("/compliance/sweep", headers=auditor)).json()["overdue"] >= 1
    assert len(await _findings(system, rule_id="R-R4")) == 1
    await audit.post("/compliance/sweep", headers=auditor)
    assert len(await _findings(system, rule_id="R-R4")) == 1  # never the same open finding twice
    answered = {"recommendation_id": "cr-4", "question_id": 1, "answer": "attached"}
    await _send(system, "customer.credit-recommendations", "credit-recommendation.answered", "c-4", answered)
    assert (await _findings(system, rule_id="R-R4"))[0]["status"] == "resolved"
    assert (await audit.post("/compliance/sweep", headers=auditor)).json()["overdue"] == 0


async def test_R_M4_visits_overdue_against_the_plan_are_found_and_a_visit_clears_them(system):
    long_ago = (datetime.now(UTC) - timedelta(days=200)).isoformat()
    registered = {
        "customer_id": "c-5",
        "file_no": "F1",
        "name": "Old Farm",
        "kind": "farm_household",
        "primary_manager_id": "m-5",
        "importance": "core",
    }
    await _send(system, "customer.customers", "customer.registered", "c-5", registered, occurred_at=long_ago)
    auditor = system.as_("aud-1", "auditor")
    await system["audit"].client.post("/compliance/sweep", headers=auditor)
    (finding,) = await _findings(system, rule_id="R-M4")
    assert finding["customer_id"] == "c-5"
    visit = {
        "visit_id": "v-1",
        "customer_id": "c-5",
        "manager_id": "m-5",
        "kind": "maintenance",
        "occurred_at": datetime.now(UTC).isoformat(),
        "version": 1,
    }
    await _send(system, "customer.activities", "visit.filed", "c-5", visit)
    assert (await _findings(system, rule_id="R-M4"))[0]["status"] == "resolved"


async def test_R_I2_thresholds_are_per_cooperative_and_R_I5_regular_checks_are_scheduled(system):
    audit = system["audit"].client
    admin, auditor = system.as_("ops", "admin"), system.as_("aud-1", "auditor")
    await _send(system, "customer.customers", "customer.assignment-changed", "c-9", _assigned("c-9", "m-9"))
    (check_id,) = (await audit.post("/spot-checks/regular-run", headers=auditor)).json()
    check = (await audit.get(f"/spot-checks/{check_id}", headers=auditor)).json()
    assert check["kind"] == "regular"
    assert check["created_by"] == "steward-schedule"
    assert (await audit.post("/spot-checks/regular-run", headers=auditor)).json() == []

    defaults = (await audit.get("/compliance/settings", headers=auditor)).json()
    assert defaults["visit_interval_core_days"] == 30
    changed = await audit.put(
        "/compliance/settings", headers=admin, json={**defaults, "rating_warnings": ["B-"]}
    )
    assert changed.status_code == 200
    assert (await audit.put("/compliance/settings", headers=auditor, json=defaults)).status_code == 403
    negative = {**defaults, "visit_tolerance_days": -1}
    assert (await audit.put("/compliance/settings", headers=admin, json=negative)).status_code == 422
    rated = {"customer_id": "c-9", "rating": "B-", "warning_flags": []}
    await _send(system, "risk.customer-ratings", "customer.rated", "c-9", rated)
    (warning,) = await _findings(system, rule_id="R-I1", customer_id="c-9")
    assert warning["manager_id"] == "m-9"
    summary = (await audit.get("/compliance/summary", headers=system.as_("sup", "supervisor"))).json()
    assert {"branch": None, "manager_id": "m-9", "rule_id": "R-I1", "open_findings": 1} in summary
