"""Continuous compliance (R-I2) and early warnings (R-I1) on a real broker, on both databases."""

from datetime import UTC, datetime, timedelta

from tests.support import envelope_bytes, eventually, produce


async def _send(audit, topic: str, event_type: str, key: str, payload: dict) -> None:
    await produce(
        audit.bootstrap, f"{audit.prefix}{topic}", envelope_bytes(event_type, key, payload), key=key.encode()
    )


async def _findings(audit, **params) -> list[dict]:
    return (await audit.client.get("/findings", headers=audit.as_("aud-1", "auditor"), params=params)).json()


async def _until(audit, what: str, check, **params):
    async def found():
        result = await _findings(audit, **params)
        return result if check(result) else None

    return await eventually(found, what=what)


async def test_R_I2_findings_are_raised_once_and_resolved_when_the_condition_clears(audit):
    assigned = {
        "customer_id": "c-1",
        "primary_manager_id": "m-1",
        "attribution_mode": "shares",
        "effective_from": "2026-03-01T09:00:00+00:00",
    }
    await _send(audit, "customer.customers", "customer.assignment-changed", "c-1", assigned)
    breach = {
        "customer_id": "c-1",
        "compliant": False,
        "issues": ["R-C3: needs two or more CMs (medium customer)"],
    }
    for _ in range(2):
        await _send(audit, "customer.customers", "customer.compliance-changed", "c-1", breach)
    (r_c3,) = await _until(
        audit,
        "an R-C3 finding with two pieces of evidence",
        lambda f: len(f) == 1 and len(f[0]["evidence"]) == 2,
        rule_id="R-C3",
    )
    assert r_c3["customer_id"] == "c-1"
    assert r_c3["manager_id"] == "m-1"
    await _send(
        audit,
        "customer.customers",
        "customer.compliance-changed",
        "c-1",
        {"customer_id": "c-1", "compliant": True, "issues": []},
    )
    await _until(
        audit, "the R-C3 finding resolved", lambda f: f and f[0]["status"] == "resolved", rule_id="R-C3"
    )

    for spent in ("1100.00", "1200.00"):
        await _send(
            audit,
            "staffing.expenses",
            "expense.budget-exceeded",
            "m-1",
            {"manager_id": "m-1", "year": 2025, "category": "gifts", "budget": "1000.00", "spent": spent},
        )
    await _until(
        audit, "one R-I4 finding", lambda f: len(f) == 1 and len(f[0]["evidence"]) == 2, rule_id="R-I4"
    )
    await _send(
        audit,
        "staffing.expenses",
        "expense.year-closed",
        "m-1",
        {"manager_id": "m-1", "year": 2025, "grade": "cm", "budget": {}, "spent": {}, "overspend": "200.00"},
    )
    await _until(audit, "R-I4 resolved at year close", lambda f: f[0]["status"] == "resolved", rule_id="R-I4")


async def test_R_Q7_an_expired_cm_still_serving_customers_is_a_finding(audit):
    await _send(
        audit,
        "staffing.managers",
        "manager.registered",
        "m-2",
        {
            "manager_id": "m-2",
            "employee_no": "E2",
            "name": "n",
            "grade": "cm",
            "branch": "b",
            "status": "active",
        },
    )
    await _send(
        audit,
        "customer.customers",
        "customer.assignment-changed",
        "c-2",
        {
            "customer_id": "c-2",
            "primary_manager_id": "m-2",
            "attribution_mode": "shares",
            "effective_from": "2026-03-01T09:00:00+00:00",
        },
    )
    # No wait here on purpose: the two topics are consumed concurrently, and R-Q7 must hold in either order.
    await _send(
        audit,
        "staffing.managers",
        "manager.certification-expired",
        "m-2",
        {"manager_id": "m-2", "expired_on": "2026-01-01"},
    )
    (finding,) = await _until(audit, "the R-Q7 finding", lambda f: len(f) == 1, rule_id="R-Q7")
    assert finding["severity"] == "high"
    await _send(
        audit,
        "staffing.managers",
        "manager.certified",
        "m-2",
        {"manager_id": "m-2", "grade": "cm", "score": "80.00", "valid_until": "2028-01-01"},
    )
    await _until(audit, "R-Q7 resolved by renewal", lambda f: f[0]["status"] == "resolved", rule_id="R-Q7")
    summary = (await audit.client.get("/compliance/summary", headers=audit.as_("sup", "supervisor"))).json()
    assert all(row["rule_id"] != "R-Q7" for row in summary)


async def test_R_I1_early_warnings_from_ratings_and_overdue_balances(audit):
    await _send(
        audit,
        "risk.customer-ratings",
        "customer.rated",
        "c-3",
        {"customer_id": "c-3", "rating": "B", "warning_flags": ["sector downturn"]},
    )
    await _send(
        audit,
        "corebanking.balances",
        "balance.reported",
        "c-3",
        {
            "customer_id": "c-3",
            "deposit": "10.00",
            "loan": "5000.00",
            "overdue": "300.00",
            "as_of": "2026-03-01T00:00:00+00:00",
        },
    )
    found = await _until(
        audit, "two early warnings", lambda f: len(f) == 2, rule_id="R-I1", customer_id="c-3"
    )
    assert {f["description"].split(":")[0] for f in found} == {"early warning"}
    await _send(
        audit,
        "corebanking.balances",
        "balance.reported",
        "c-3",
        {
            "customer_id": "c-3",
            "deposit": "10.00",
            "loan": "5000.00",
            "overdue": "0.00",
            "as_of": "2026-03-02T00:00:00+00:00",
        },
    )
    await _until(
        audit,
        "the overdue warning resolved",
        lambda f: sorted(x["status"] for x in f) == ["open", "resolved"],
        rule_id="R-I1",
        customer_id="c-3",
    )
    assert (await _findings(audit)) != []
    as_cm = (await audit.client.get("/findings", headers=audit.as_("m-x", "cm"))).json()
    assert as_cm == []


async def test_R_R4_an_overdue_question_raises_a_finding_on_the_sweep_and_an_answer_resolves_it(audit):
    past = (datetime.now(UTC) - timedelta(days=2)).date().isoformat()
    await _send(
        audit,
        "risk.credit-decisions",
        "credit-decision.made",
        "c-4",
        {
            "recommendation_id": "cr-4",
            "decision": "more_information",
            "questions": [{"question": "audited accounts?", "due_date": past}],
        },
    )
    auditor = audit.as_("aud-1", "auditor")

    async def swept():
        return (await audit.client.post("/compliance/sweep", headers=auditor)).json()["overdue"] >= 1

    await eventually(swept, what="the watched question")
    await _until(audit, "the R-R4 finding", lambda f: len(f) == 1, rule_id="R-R4")
    await audit.client.post("/compliance/sweep", headers=auditor)
    assert len(await _findings(audit, rule_id="R-R4")) == 1  # never the same open finding twice
    await _send(
        audit,
        "customer.credit-recommendations",
        "credit-recommendation.answered",
        "c-4",
        {"recommendation_id": "cr-4", "question_id": 1, "answer": "attached"},
    )
    await _until(audit, "R-R4 resolved by the answer", lambda f: f[0]["status"] == "resolved", rule_id="R-R4")
    assert (await audit.client.post("/compliance/sweep", headers=auditor)).json()["overdue"] == 0


async def test_R_M4_visits_overdue_against_the_plan_are_found_and_a_visit_clears_them(audit):
    long_ago = (datetime.now(UTC) - timedelta(days=200)).isoformat()
    registered = envelope_bytes(
        "customer.registered",
        "c-5",
        {
            "customer_id": "c-5",
            "file_no": "F1",
            "name": "Old Farm",
            "kind": "farm_household",
            "primary_manager_id": "m-5",
            "importance": "core",
        },
        occurred_at=long_ago,
    )
    await produce(audit.bootstrap, f"{audit.prefix}customer.customers", registered, key=b"c-5")
    auditor = audit.as_("aud-1", "auditor")

    async def swept():
        await audit.client.post("/compliance/sweep", headers=auditor)
        return await _findings(audit, rule_id="R-M4") or None

    (finding,) = await eventually(swept, what="the overdue-visit finding")
    assert finding["customer_id"] == "c-5"
    await _send(
        audit,
        "customer.activities",
        "visit.filed",
        "c-5",
        {
            "visit_id": "v-1",
            "customer_id": "c-5",
            "manager_id": "m-5",
            "kind": "maintenance",
            "occurred_at": datetime.now(UTC).isoformat(),
            "version": 1,
        },
    )
    await _until(audit, "R-M4 resolved by the visit", lambda f: f[0]["status"] == "resolved", rule_id="R-M4")


async def test_R_I2_thresholds_are_per_cooperative_and_R_I5_regular_checks_are_scheduled(audit):
    admin, auditor = audit.as_("ops", "admin"), audit.as_("aud-1", "auditor")
    await _send(
        audit,
        "customer.customers",
        "customer.assignment-changed",
        "c-9",
        {
            "customer_id": "c-9",
            "primary_manager_id": "m-9",
            "attribution_mode": "shares",
            "effective_from": "2026-03-01T09:00:00+00:00",
        },
    )

    async def scheduled():
        return (await audit.client.post("/spot-checks/regular-run", headers=auditor)).json() or None

    (check_id,) = await eventually(scheduled, what="a regular spot check")
    check = (await audit.client.get(f"/spot-checks/{check_id}", headers=auditor)).json()
    assert check["kind"] == "regular"
    assert check["created_by"] == "steward-schedule"
    assert (await audit.client.post("/spot-checks/regular-run", headers=auditor)).json() == []

    defaults = (await audit.client.get("/compliance/settings", headers=auditor)).json()
    assert defaults["visit_interval_core_days"] == 30
    changed = await audit.client.put(
        "/compliance/settings", headers=admin, json={**defaults, "rating_warnings": ["B-"]}
    )
    assert changed.status_code == 200
    assert (await audit.client.put("/compliance/settings", headers=auditor, json=defaults)).status_code == 403
    assert (
        await audit.client.put(
            "/compliance/settings", headers=admin, json={**defaults, "visit_tolerance_days": -1}
        )
    ).status_code == 422
    await _send(
        audit,
        "risk.customer-ratings",
        "customer.rated",
        "c-9",
        {"customer_id": "c-9", "rating": "B-", "warning_flags": []},
    )
    (warning,) = await _until(
        audit, "the configured rating to warn", lambda f: len(f) == 1, rule_id="R-I1", customer_id="c-9"
    )
    assert warning["manager_id"] == "m-9"
    summary = (await audit.client.get("/compliance/summary", headers=audit.as_("sup", "supervisor"))).json()
    assert {"branch": None, "manager_id": "m-9", "rule_id": "R-I1", "open_findings": 1} in summary
