"""Issue 19 in audit: findings name the CM responsible (R-I1, R-M4), order and staleness (R-I1, R-M5).

In-process (tests.harness), on both databases.
"""

from datetime import UTC, datetime, timedelta

import pytest

pytestmark = [pytest.mark.services("audit"), pytest.mark.usefixtures("database")]


async def _send(audit, topic: str, event_type: str, key: str, payload: dict, **overrides) -> None:
    await audit.send(topic, event_type, key, payload, **overrides)


async def _findings(audit, **params) -> list[dict]:
    return (await audit.client.get("/findings", headers=audit.as_("aud-1", "auditor"), params=params)).json()


async def _until(audit, what: str, check, **params):
    async def found():
        result = await _findings(audit, **params)
        return result if check(result) else None

    return await audit.until(found, what=what)


def _balance(customer_id: str, overdue: str, as_of: str) -> dict:
    return {
        "customer_id": customer_id,
        "deposit": "0.00",
        "loan": "900.00",
        "overdue": overdue,
        "as_of": as_of,
    }


async def test_R_I1_an_older_balance_report_never_reopens_an_early_warning_and_it_names_the_primary(audit):
    team = {
        "customer_id": "c-9",
        "primary_manager_id": "m-p",
        "co_manager_ids": ["m-a"],
        "attribution_mode": "shares",
        "effective_from": "2026-03-01T09:00:00+00:00",
    }
    await _send(audit, "customer.customers", "customer.assignment-changed", "c-9", team)
    breach = {"customer_id": "c-9", "compliant": False, "issues": ["R-C1: needs a senior CM (unknown)"]}
    await _send(audit, "customer.customers", "customer.compliance-changed", "c-9", breach)
    (r_c1,) = await _until(audit, "the R-C1 finding", lambda f: len(f) == 1, rule_id="R-C1")
    assert r_c1["manager_id"] == "m-p"  # same partition: the assignment was consumed before
    balances = "corebanking.balances"
    await _send(
        audit, balances, "balance.reported", "c-9", _balance("c-9", "300.00", "2026-03-01T00:00:00+00:00")
    )
    (opened,) = await _until(
        audit, "the early warning", lambda f: len(f) == 1, rule_id="R-I1", customer_id="c-9"
    )
    assert opened["manager_id"] == "m-p"  # the primary responsible, not any CM of the team
    await _send(
        audit, balances, "balance.reported", "c-9", _balance("c-9", "0.00", "2026-03-10T00:00:00+00:00")
    )
    await _until(audit, "resolved", lambda f: f[0]["status"] == "resolved", rule_id="R-I1", customer_id="c-9")
    older = _balance("c-9", "300.00", "2026-03-05T00:00:00+00:00")
    await _send(audit, balances, "balance.reported", "c-9", older)
    # same key, same partition: once the next report is judged, the older one was judged before it
    await _send(
        audit, balances, "balance.reported", "c-9", _balance("c-10", "5.00", "2026-03-11T00:00:00+00:00")
    )
    await _until(audit, "the sentinel's warning", lambda f: len(f) == 1, rule_id="R-I1", customer_id="c-10")
    found = await _findings(audit, rule_id="R-I1", customer_id="c-9")
    assert [f["status"] for f in found] == ["resolved"]


async def test_R_M4_an_overdue_visit_names_the_cm_responsible(audit):
    long_ago = (datetime.now(UTC) - timedelta(days=200)).isoformat()
    registered = {
        "customer_id": "c-11",
        "file_no": "F11",
        "name": "Hill Farm",
        "kind": "farm_household",
        "primary_manager_id": "m-11",
        "importance": "core",
    }
    await _send(audit, "customer.customers", "customer.registered", "c-11", registered, occurred_at=long_ago)
    auditor = audit.as_("aud-1", "auditor")

    async def swept():
        await audit.client.post("/compliance/sweep", headers=auditor)
        return await _findings(audit, rule_id="R-M4", customer_id="c-11") or None

    (finding,) = await audit.until(swept, what="the overdue-visit finding")
    assert finding["manager_id"] == "m-11"
    mine = (await audit.client.get("/findings", headers=audit.as_("m-11", "cm"))).json()
    assert [f["rule_id"] for f in mine] == ["R-M4"]  # the CM sees their own finding


async def test_R_M5_the_follow_up_deadline_starts_at_the_warning_not_at_processing(audit):
    warned_at = (datetime.now(UTC) - timedelta(days=30)).isoformat()
    warning = {"customer_id": "c-12", "rolling_average": "2.10", "threshold": "3.00"}
    await _send(
        audit,
        "customer.activities",
        "customer.dissatisfaction-warned",
        "c-12",
        warning,
        occurred_at=warned_at,
    )
    auditor = audit.as_("aud-1", "auditor")

    async def swept():
        await audit.client.post("/compliance/sweep", headers=auditor)
        return await _findings(audit, rule_id="R-M5", customer_id="c-12") or None

    (finding,) = await audit.until(swept, what="the follow-up finding for a warning a month old")
    assert finding["status"] == "open"


async def test_R_I1_the_limit_is_the_ladder_in_force_on_the_day_of_the_recommendation(audit):
    from shared.contracts.default_ladder import DEFAULT_LADDER_GRADES

    future = (datetime.now(UTC) + timedelta(days=200)).date().isoformat()
    grades = [g.model_dump(mode="json") for g in DEFAULT_LADDER_GRADES]
    for g in grades:
        if g["code"] == "cm":
            g["authorization_limit"] = "10.00"
    registered = {
        "manager_id": "m-r",
        "employee_no": "MR",
        "name": "m-r",
        "grade": "cm",
        "branch": "north",
        "status": "active",
        "certified_until": "2099-01-01",
    }
    await _send(audit, "staffing.managers", "manager.registered", "m-r", registered)
    ladder = {"version": 7, "effective_from": future, "grades": grades}
    await _send(audit, "staffing.managers", "ladder.published", "m-r", ladder)
    auditor = audit.as_("aud-1", "auditor")

    async def journaled():
        check = (await audit.client.get("/journal/verification", headers=auditor)).json()
        return check["rows_checked"] >= 2

    await audit.until(journaled, what="the CM and the future ladder consumed")

    def rec(rec_id: str, amount: str) -> dict:
        return {
            "recommendation_id": rec_id,
            "customer_id": "c-20",
            "author": "m-r",
            "product": "farm_loan",
            "amount": amount,
            "term_months": 12,
            "purpose": "seed",
            "rationale": "spring",
        }

    topic = "customer.credit-recommendations"
    await _send(audit, topic, "credit-recommendation.submitted", "c-20", rec("r-within", "500.00"))
    await _send(audit, topic, "credit-recommendation.submitted", "c-20", rec("r-over", "2000000.00"))
    (finding,) = await _until(audit, "the over-limit finding", lambda f: len(f) >= 1, rule_id="R-I1")
    assert "1000000" in finding["description"]  # today's limit of a CM, not the future 10.00
