"""Departure audits (R-I6), the journal and spot checks (R-I5), on both databases.

In-process (tests.harness): each event is delivered as the broker would; the journal under a
concurrent burst from a real broker is tests/integration/test_audit_journal_burst.py.
"""

import json

import pytest

from tests.support import envelope_bytes

pytestmark = [pytest.mark.services("audit"), pytest.mark.usefixtures("database")]


def _requested(manager_id: str) -> bytes:
    return envelope_bytes(
        "manager.departure-requested",
        manager_id,
        {"manager_id": manager_id, "requested_at": "2026-03-01T08:00:00+00:00", "reason": "moving"},
    )


def _portfolio(manager_id: str, request: bytes, customers: list[tuple[str, str]]) -> bytes:
    return envelope_bytes(
        "manager.portfolio-published",
        manager_id,
        {
            "manager_id": manager_id,
            "departure_event_id": json.loads(request)["event_id"],
            "as_of": "2026-03-01T08:00:00+00:00",
            "customers": [
                {"customer_id": cid, "name": name, "kind": "farm_household", "role": "primary"}
                for cid, name in customers
            ],
        },
    )


async def _audit_of(audit, manager_id: str, want=lambda a: True):
    auditor = audit.as_("aud-1", "auditor")

    async def found():
        audits = (
            await audit.client.get("/departure-audits", headers=auditor, params={"manager_id": manager_id})
        ).json()
        return audits[0] if audits and want(audits[0]) else None

    return await audit.until(found, what=f"departure audit of {manager_id}")


async def test_R_I6_the_departure_clears_only_when_every_customer_is_clear(audit):
    request = _requested("m-1")
    topic = "staffing.managers"
    await audit.send_raw(topic, "m-1", request)
    waiting = await _audit_of(audit, "m-1")
    assert waiting["status"] == "awaiting_portfolio"
    await audit.send_raw(
        "customer.customers", "m-1", _portfolio("m-1", request, [("c-1", "Farm A"), ("c-2", "Farm B")])
    )
    opened = await _audit_of(audit, "m-1", lambda a: a["portfolio_received"])
    assert (opened["items_done"], opened["items_total"]) == (0, 2)

    auditor = audit.as_("aud-1", "auditor")
    url = f"/departure-audits/{opened['id']}/items"
    first, second = opened["items"]
    assert (
        await audit.client.post(
            f"{url}/{first['id']}/clear", headers=audit.as_("m-2", "cm"), json={"note": "x"}
        )
    ).status_code == 403
    assert (
        await audit.client.post(f"{url}/{first['id']}/clear", headers=auditor, json={"note": ""})
    ).status_code == 422
    half = (
        await audit.client.post(f"{url}/{first['id']}/clear", headers=auditor, json={"note": "ok"})
    ).json()
    assert half["status"] == "in_progress"
    assert await audit.events("audit.cases", "audit.departure-cleared") == []
    done = (
        await audit.client.post(f"{url}/{second['id']}/clear", headers=auditor, json={"note": "ok"})
    ).json()
    assert done["status"] == "cleared"
    assert (
        await audit.client.post(f"{url}/{second['id']}/clear", headers=auditor, json={"note": "again"})
    ).status_code == 409
    (cleared,) = await audit.wait_events("audit.cases", "audit.departure-cleared")
    assert cleared["payload"]["items_reviewed"] == 2
    assert cleared["key"] == "m-1"


async def test_R_I6_portfolio_arriving_first_still_opens_one_audit_and_empty_clears(audit):
    request = _requested("m-3")
    await audit.send_raw("customer.customers", "m-3", _portfolio("m-3", request, []))
    await audit.send_raw("staffing.managers", "m-3", request)
    cleared = await _audit_of(audit, "m-3", lambda a: a["status"] == "cleared")
    assert cleared["items_total"] == 0
    await audit.wait_events("audit.cases", "audit.departure-cleared")
    audits = (await audit.client.get("/departure-audits", headers=audit.as_("hr", "hr"))).json()
    assert len(audits) == 1


async def test_R_I6_a_withdrawn_departure_cancels_its_audit(audit):
    request = _requested("m-4")
    await audit.send_raw("staffing.managers", "m-4", request)
    await audit.send_raw("customer.customers", "m-4", _portfolio("m-4", request, [("c-9", "Mill")]))
    opened = await _audit_of(audit, "m-4", lambda a: a["portfolio_received"])
    withdrawn = envelope_bytes("manager.departure-withdrawn", "m-4", {"manager_id": "m-4", "reason": "stays"})
    await audit.send_raw("staffing.managers", "m-4", withdrawn)
    cancelled = await _audit_of(audit, "m-4", lambda a: a["status"] == "cancelled")
    item = cancelled["items"][0]
    refused = await audit.client.post(
        f"/departure-audits/{opened['id']}/items/{item['id']}/clear",
        headers=audit.as_("aud-1", "auditor"),
        json={"note": "late"},
    )
    assert refused.status_code == 409
    assert "withdrawn" in refused.json()["detail"]
    other_org = await audit.client.get(
        f"/departure-audits/{opened['id']}", headers=audit.as_("aud-9", "auditor", org="rcc-other")
    )
    assert other_org.status_code == 404


async def test_R_I6_a_finding_keeps_the_departure_blocked_until_it_is_resolved(audit):
    request = _requested("m-5")
    await audit.send_raw("staffing.managers", "m-5", request)
    await audit.send_raw("customer.customers", "m-5", _portfolio("m-5", request, [("c-51", "Loan Farm")]))
    opened = await _audit_of(audit, "m-5", lambda a: a["portfolio_received"])
    item = opened["items"][0]
    auditor = audit.as_("aud-1", "auditor")
    base = f"/departure-audits/{opened['id']}/items/{item['id']}"
    self_audit = await audit.client.post(
        f"{base}/findings", headers=audit.as_("m-5", "auditor"), json={"description": "x", "severity": "low"}
    )
    assert self_audit.status_code == 403
    finding = (
        await audit.client.post(
            f"{base}/findings",
            headers=auditor,
            json={
                "description": "loan file lacks collateral valuation",
                "severity": "high",
                "amount_at_risk": "250000.00",
            },
        )
    ).json()
    assert finding["rule_id"] == "R-I6"
    assert finding["amount_at_risk"] == "250000.00"
    blocked = await audit.client.post(f"{base}/clear", headers=auditor, json={"note": "looks fine"})
    assert blocked.status_code == 422
    assert "open finding" in blocked.json()["detail"]
    no_remedy = await audit.client.post(f"/findings/{finding['id']}/resolution", headers=auditor, json={})
    assert no_remedy.status_code == 422
    waiting = (
        await audit.client.get("/departure-audits/waiting", headers=audit.as_("sup", "supervisor"))
    ).json()
    assert [(w["manager_id"], w["open_findings"]) for w in waiting] == [("m-5", 1)]
    resolved = await audit.client.post(
        f"/findings/{finding['id']}/resolution",
        headers=auditor,
        json={"remediation": "valuation obtained and filed"},
    )
    assert resolved.json()["status"] == "resolved"
    assert resolved.json()["resolved_by"] == "aud-1"
    cleared = (await audit.client.post(f"{base}/clear", headers=auditor, json={"note": "remediated"})).json()
    assert cleared["status"] == "cleared"
    raised = await audit.wait_events("audit.findings", "audit.finding-raised")
    assert raised[0]["payload"]["severity"] == "high"
    await audit.wait_events("audit.findings", "audit.finding-resolved")
    mine = (await audit.client.get("/findings", headers=audit.as_("m-5", "cm"))).json()
    assert [f["evidence"] for f in mine] == [[]]
    assert (await audit.client.get("/findings", headers=audit.as_("m-6", "cm"))).json() == []


async def test_R_I6_a_customer_assigned_after_the_request_is_still_audited(audit):
    request = _requested("m-7")
    assigned = envelope_bytes(
        "customer.assignment-changed",
        "c-late",
        {
            "customer_id": "c-late",
            "primary_manager_id": "m-7",
            "attribution_mode": "shares",
            "effective_from": "2026-03-01T09:00:00+00:00",
        },
    )
    await audit.send_raw("staffing.managers", "m-7", request)
    await audit.send_raw("customer.customers", "m-7", _portfolio("m-7", request, [("c-71", "Known Farm")]))
    await _audit_of(audit, "m-7", lambda a: a["portfolio_received"])
    await audit.send_raw("customer.customers", "c-late", assigned)
    caught = await _audit_of(audit, "m-7", lambda a: a["items_total"] == 2)
    late = next(i for i in caught["items"] if i["customer_id"] == "c-late")
    assert late["source"] == "late-assignment"
    assert caught["status"] == "in_progress"


async def test_the_journal_chains_every_event_and_catches_tampering(audit):
    from sqlalchemy import text

    from shared.db import create_engine

    for i in range(3):
        await audit.send_raw(
            "staffing.expenses",
            f"m-{i}",
            envelope_bytes(
                "expense.recorded",
                f"m-{i}",
                {
                    "expense_id": f"e-{i}",
                    "manager_id": f"m-{i}",
                    "category": "gifts",
                    "amount": "10.00",
                    "spent_on": "2026-01-02",
                },
            ),
        )
    await audit.send_raw("staffing.managers", "m-8", _requested("m-8"))
    auditor = audit.as_("aud-1", "auditor")

    async def four_rows():
        check = (await audit.client.get("/journal/verification", headers=auditor)).json()
        return check if check["rows_checked"] == 4 else None

    check = await audit.until(four_rows, what="four journal rows")
    assert check == {"ok": True, "rows_checked": 4, "first_broken_seq": None}
    assert (
        await audit.client.get("/journal/verification", headers=audit.as_("m-1", "cm"))
    ).status_code == 403
    engine = create_engine(audit.settings.database_url)
    async with engine.begin() as conn:
        original = (await conn.execute(text("SELECT event_type FROM journal WHERE seq = 2"))).scalar_one()
        await conn.execute(text("UPDATE journal SET event_type = 'expense.forged' WHERE seq = 2"))
    tampered = (await audit.client.get("/journal/verification", headers=auditor)).json()
    assert tampered == {"ok": False, "rows_checked": 4, "first_broken_seq": 2}
    async with engine.begin() as conn:  # put it back, then cut the last row off instead
        await conn.execute(text("UPDATE journal SET event_type = :t WHERE seq = 2"), {"t": original})
        await conn.execute(text("DELETE FROM journal WHERE seq = 4"))
    await engine.dispose()
    cut = (await audit.client.get("/journal/verification", headers=auditor)).json()
    assert cut == {"ok": False, "rows_checked": 3, "first_broken_seq": 4}


async def test_R_I5_a_random_spot_check_is_reproducible_and_findings_are_recorded(audit):
    for i in range(12):
        body = {
            "customer_id": f"c-{i:02d}",
            "primary_manager_id": f"m-{i % 3}",
            "attribution_mode": "shares",
            "effective_from": "2026-03-01T09:00:00+00:00",
        }
        await audit.send_raw(
            "customer.customers",
            f"c-{i:02d}",
            envelope_bytes("customer.assignment-changed", f"c-{i:02d}", body),
        )
    auditor = audit.as_("aud-1", "auditor")
    request = {
        "kind": "random",
        "population": "customers",
        "sample_size": 4,
        "strata": "manager",
        "seed": 2026,
    }

    async def all_known():
        r = await audit.client.post("/spot-checks", headers=auditor, json=request)
        return r.json() if r.status_code == 201 and r.json()["population_size"] == 12 else None

    check = await audit.until(all_known, what="the population of 12 customers")
    assert check["seed"] == 2026
    assert len(check["items"]) == 4
    again = (await audit.client.post("/spot-checks", headers=auditor, json=request)).json()
    assert [i["subject_id"] for i in again["items"]] == [i["subject_id"] for i in check["items"]]
    reproduced = (await audit.client.get(f"/spot-checks/{check['id']}/reproduction", headers=auditor)).json()
    assert reproduced["reproduced"] is True
    fresh = (await audit.client.post("/spot-checks", headers=auditor, json={**request, "seed": None})).json()
    assert fresh["seed"] != 2026

    item = check["items"][0]
    base = f"/spot-checks/{check['id']}/items/{item['id']}"
    finding = (
        await audit.client.post(
            f"{base}/findings",
            headers=auditor,
            json={"description": "file lacks the visit reports", "severity": "medium"},
        )
    ).json()
    assert finding["rule_id"] == "R-I5"
    assert (await audit.client.post(f"{base}/clear", headers=auditor, json={"note": "ok"})).status_code == 422
    await audit.client.post(
        f"/findings/{finding['id']}/resolution", headers=auditor, json={"remediation": "reports filed"}
    )
    cleared = (await audit.client.post(f"{base}/clear", headers=auditor, json={"note": "ok now"})).json()
    assert cleared["items"][0]["status"] == "clear"
    assert (
        await audit.client.post("/spot-checks", headers=audit.as_("sup", "supervisor"), json=request)
    ).status_code == 403
    assert (
        await audit.client.post("/spot-checks", headers=auditor, json={**request, "population": "gossip"})
    ).status_code == 422
