"""A whole appraisal cycle, both databases (R-A1..R-A4, R-P1..R-P3).

In-process (tests.harness): the services' events are pumped, no broker.
"""

from decimal import Decimal
from typing import Any

import pytest

from shared.contracts.default_ladder import DEFAULT_LADDER_GRADES
from tests.support import envelope_bytes

pytestmark = [pytest.mark.services("appraisal"), pytest.mark.usefixtures("database")]

YEAR = 2025
AT = f"{YEAR}-01-01T08:00:00+00:00"


async def _send(svc, topic: str, event_type: str, key: str, payload: dict, **overrides: Any) -> None:
    body = envelope_bytes(event_type, key, payload, **overrides)
    await svc.send_raw(topic, key, body)


async def _manager(svc, manager_id: str, grade: str, branch: str) -> None:
    payload = {
        "manager_id": manager_id,
        "employee_no": manager_id.upper(),
        "name": f"CM {manager_id}",
        "grade": grade,
        "branch": branch,
        "status": "active",
    }
    await _send(svc, "staffing.managers", "manager.registered", manager_id, payload, occurred_at=AT)


async def _assign(svc, customer: str, primary: str, when: str, **extra: Any) -> None:
    payload = {
        "customer_id": customer,
        "primary_manager_id": primary,
        "attribution_mode": "shares",
        "shares": {primary: "100"},
        "effective_from": when,
        **extra,
    }
    await _send(svc, "customer.customers", "customer.assignment-changed", customer, payload)


async def _post(svc, posting_id: str, customer: str, amount: str, posted_on: str) -> None:
    payload = {
        "posting_id": posting_id,
        "customer_id": customer,
        "period": posted_on[:7],
        "product": "loans",
        "amount": amount,
        "posted_on": posted_on,
    }
    await _send(svc, "corebanking.pnl", "profit.posted", customer, payload)


async def _seed(svc) -> None:
    for manager_id, grade, branch in (
        ("m-1", "cm", "north"),
        ("m-2", "cm", "south"),
        ("m-3", "trainee", "north"),
    ):
        await _manager(svc, manager_id, grade, branch)
    team = {
        "team_id": "t-1",
        "name": "North team",
        "lead_id": "m-1",
        "member_ids": ["m-3"],
        "change": "formed",
    }
    await _send(svc, "staffing.managers", "team.changed", "t-1", team)
    await _assign(svc, "c-1", "m-1", AT)
    await _assign(svc, "c-2", "m-1", AT, co_manager_ids=["m-2"], shares={"m-1": "60", "m-2": "40"})
    await _assign(
        svc, "c-3", "m-1", AT, co_manager_ids=["m-3"], shares={}, attribution_mode="team_pool", team_id="t-1"
    )
    await _assign(svc, "c-4", "m-2", AT)
    await _assign(svc, "c-4", "m-3", f"{YEAR}-07-01T00:00:00+00:00")
    await _post(svc, "p-1", "c-1", "1000.00", f"{YEAR}-03-10")
    await _post(svc, "p-1", "c-1", "1000.00", f"{YEAR}-03-10")  # redelivered by core banking: booked once
    await _post(svc, "p-2", "c-1", "-100.00", f"{YEAR}-04-02")  # a correction
    await _post(svc, "p-3", "c-2", "100.01", f"{YEAR}-05-05")
    await _post(svc, "p-4", "c-3", "500.00", f"{YEAR}-06-06")
    await _post(svc, "p-5", "c-4", "300.00", f"{YEAR}-03-01")
    await _post(svc, "p-6", "c-4", "200.00", f"{YEAR}-08-01")
    await _post(svc, "p-7", "c-9", "77.00", f"{YEAR}-09-09")  # a customer appraisal does not know yet
    await _post(svc, "p-8", "c-1", "999.00", f"{YEAR + 1}-01-15")  # another year
    closed = {
        "manager_id": "m-2",
        "year": YEAR,
        "grade": "cm",
        "budget": {"gifts": "100.00"},
        "spent": {"gifts": "150.00"},
        "overspend": "50.00",
    }
    await _send(svc, "staffing.expenses", "expense.year-closed", "m-2", closed)


async def _ledger_ready(svc) -> None:
    sup = svc.as_("sup-1", "supervisor")

    async def ready() -> bool | None:
        held = (await svc.client.get("/ledger/held", headers=sup)).json()
        c4 = (await svc.client.get("/ledger/customers/c-4", headers=sup)).json()
        c1 = (await svc.client.get("/ledger/customers/c-1", headers=sup)).json()
        managers = (await svc.client.get("/managers", headers=sup)).json()
        periods = (await svc.client.get("/ledger/customers/c-4/assignments", headers=sup)).json()
        teams = (await svc.client.get("/teams", headers=sup)).json()
        overspends = (await svc.client.get("/ledger/overspends", headers=sup, params={"year": YEAR})).json()
        done = [h["posting_id"] for h in held] == ["p-7"] and len(c4) == 2 and len(c1) == 3
        projections = len(managers) == 3 and len(periods) == 2 and len(teams) == 1 and len(overspends) == 1
        return True if done and projections else None

    await svc.until(ready, what="the ledger and the projections")


async def _evaluate_everyone(svc, cycle: dict) -> None:
    sup, channel = svc.as_("sup-1", "supervisor"), svc.as_("crm-channel", "integration")
    scores = {"performance": "90", "ability": "80", "quality": "70"}
    for manager_id in ("m-1", "m-2", "m-3"):
        url = f"/cycles/{cycle['id']}/managers/{manager_id}/evaluations"
        own = svc.as_(manager_id, "cm")
        assert (await svc.client.post(url, headers=own, json={"source": "self", **scores})).status_code == 201
        assert (
            await svc.client.post(url, headers=sup, json={"source": "supervisor", **scores})
        ).status_code == 201
        sample = (
            await svc.client.get(f"/cycles/{cycle['id']}/managers/{manager_id}/sample", headers=channel)
        ).json()
        assert sample["seed"] == cycle["seed"]
        for customer_id in sample["customers"]:
            body = {"source": "customer", "customer_id": customer_id, **scores}
            assert (await svc.client.post(url, headers=channel, json=body)).status_code == 201


async def test_R_A1_R_A2_R_A4_R_P1_a_cycle_from_postings_to_published_results(appraisal):
    svc, c = appraisal, appraisal.client
    sup = svc.as_("sup-1", "supervisor")
    await _seed(svc)
    await _ledger_ready(svc)

    for year, status in ((YEAR + 1, 422), (YEAR + 2, 422)):
        refused = await c.post("/cycles", headers=sup, json={"year": year})
        assert refused.status_code == status, refused.text
    assert (await c.post("/cycles", headers=svc.as_("m-1", "cm"), json={"year": YEAR})).status_code == 403
    opened = await c.post("/cycles", headers=sup, json={"year": YEAR, "sample_size": 1, "seed": "jan"})
    assert opened.status_code == 201, opened.text
    cycle = opened.json()
    assert (cycle["participants"], cycle["version"], cycle["status"]) == (3, 1, "open")
    assert (await c.post("/cycles", headers=sup, json={"year": YEAR})).status_code == 409

    computed = (await c.post(f"/cycles/{cycle['id']}/compute", headers=sup)).json()
    assert computed["unattributed_profit"] == "77.00"
    assert [(p["team_id"], p["amount"], p["allocated"]) for p in computed["pools"]] == [
        ("t-1", "500.00", False)
    ]
    refused = await c.post(f"/cycles/{cycle['id']}/finalize", headers=sup)
    assert refused.status_code == 422
    assert "evaluations are missing" in refused.json()["detail"]

    await _assign(svc, "c-9", "m-2", f"{YEAR}-10-01T00:00:00+00:00")  # the held posting now counts

    pool_url = f"/cycles/{cycle['id']}/pools/t-1"
    split = {"allocations": {"m-1": "200.00", "m-3": "300.00"}}
    assert (
        await c.put(pool_url, headers=svc.as_("m-3", "cm"), json=split)
    ).status_code == 404  # not the lead
    uneven = await c.put(
        pool_url, headers=svc.as_("m-1", "cm"), json={"allocations": {"m-1": "200", "m-3": "300.01"}}
    )
    assert uneven.status_code == 422
    assert "must be equal" in uneven.json()["detail"]
    stranger = await c.put(pool_url, headers=svc.as_("m-1", "cm"), json={"allocations": {"m-2": "500.00"}})
    assert stranger.status_code == 422
    assert (await c.put(pool_url, headers=svc.as_("m-1", "cm"), json=split)).status_code == 200

    url = f"/cycles/{cycle['id']}/managers/m-1/evaluations"
    too_high = {"source": "supervisor", "performance": "101", "ability": "80", "quality": "70"}
    assert (await c.post(url, headers=sup, json=too_high)).status_code == 422
    not_mine = {"source": "self", "performance": "100", "ability": "100", "quality": "100"}
    assert (await c.post(url, headers=svc.as_("m-2", "cm"), json=not_mine)).status_code == 403
    await _evaluate_everyone(svc, cycle)
    assert (await c.get(f"/cycles/{cycle['id']}/missing-evaluations", headers=sup)).json() == []

    async def c9_known() -> dict | None:
        result = (await c.post(f"/cycles/{cycle['id']}/compute", headers=sup)).json()
        return result if result["unattributed_profit"] == "0.00" else None

    await appraisal.until(c9_known, what="the held posting attributed once its customer is known")
    final = await c.post(f"/cycles/{cycle['id']}/finalize", headers=sup)
    assert final.status_code == 200, final.text
    assert final.json()["cycle"]["status"] == "finalized"

    sheets = {r["manager_id"]: r for r in (await c.get(f"/cycles/{cycle['id']}/results", headers=sup)).json()}
    m1, m2, m3 = sheets["m-1"], sheets["m-2"], sheets["m-3"]
    assert (m1["direct_profit"], m1["pool_profit"], m1["attributed_profit"]) == (
        "960.01",
        "200.00",
        "1160.01",
    )
    assert (m2["direct_profit"], m2["attributed_profit"]) == ("417.00", "417.00")  # 40.00 + 300 + 77
    assert (m3["direct_profit"], m3["pool_profit"], m3["attributed_profit"]) == ("200.00", "300.00", "500.00")
    total = sum(float(s["attributed_profit"]) for s in sheets.values())
    assert round(total, 2) == 900 + 100.01 + 500 + 500 + 77  # no fen created or lost
    assert (m1["floating_rate"], m1["floating_pay"], m1["fixed_pay"]) == ("0.0250", "29.00", "96000.00")
    assert (m2["floating_pay"], m2["overspend"], m2["net_pay"]) == ("10.43", "50.00", "95960.43")
    assert m1["score"] == "81.00"
    assert m1["proposal"] in ("keep", "demote")
    assert "floating 1160.01 x 0.0250" in m1["explanation"]

    results = await svc.wait_events("appraisal.results", "appraisal.result-finalized", 3)
    assert {e["payload"]["manager_id"]: e["payload"]["attributed_profit"] for e in results} == {
        "m-1": "1160.01",
        "m-2": "417.00",
        "m-3": "500.00",
    }
    proposals = await svc.wait_events("appraisal.results", "appraisal.grade-proposed", 3)
    assert all(p["key"] == p["payload"]["manager_id"] for p in proposals)

    late = {"source": "supervisor", "performance": "10", "ability": "10", "quality": "10"}
    assert (await c.post(url, headers=sup, json=late)).status_code == 409
    assert (await c.put(pool_url, headers=svc.as_("m-1", "cm"), json=split)).status_code == 409


async def test_R_A1_a_finalized_cycle_is_immutable_and_corrected_by_a_new_version(appraisal):
    svc, c = appraisal, appraisal.client
    sup, hr = svc.as_("sup-1", "supervisor"), svc.as_("hr-1", "hr")
    await _manager(svc, "m-1", "cm", "north")
    await _assign(svc, "c-1", "m-1", AT)
    await _post(svc, "p-1", "c-1", "1000.00", f"{YEAR}-03-10")

    async def seen() -> bool | None:
        booked = (await c.get("/ledger/customers/c-1", headers=sup)).json()
        known = (await c.get("/managers", headers=sup)).json()
        return True if len(booked) == 1 and len(known) == 1 else None

    await appraisal.until(seen, what="the posting and the CM")
    cycle = (await c.post("/cycles", headers=sup, json={"year": YEAR, "sample_size": 0})).json()
    await _evaluate_everyone_one(svc, cycle["id"], "m-1")
    first = await c.post(f"/cycles/{cycle['id']}/finalize", headers=sup)
    assert first.status_code == 200, first.text
    sheet = (await c.get(f"/cycles/{cycle['id']}/results/m-1", headers=sup)).json()
    assert sheet["attributed_profit"] == "1000.00"
    assert sheet["floating_pay"] == "25.00"

    in_kind = {"description": "rice, 10 bags", "value": "20.00"}
    url = f"/cycles/{cycle['id']}/results/m-1/in-kind"
    assert (await c.post(url, headers=sup, json=in_kind)).status_code == 403
    paid = await c.post(url, headers=hr, json=in_kind)
    assert paid.status_code == 200, paid.text
    assert paid.json()["floating_pay_in_cash"] == "5.00"
    assert (await c.post(url, headers=hr, json={"description": "more", "value": "5.01"})).status_code == 422

    assert (await c.post(f"/cycles/{cycle['id']}/compute", headers=sup)).status_code == 409
    assert (await c.post("/cycles", headers=sup, json={"year": YEAR})).status_code == 409
    await _post(svc, "p-2", "c-1", "-200.00", f"{YEAR}-12-20")  # core banking corrects after the close

    async def counted() -> bool | None:
        return True if len((await c.get("/ledger/customers/c-1", headers=sup)).json()) == 2 else None

    await appraisal.until(counted, what="the correction posting")
    unchanged = (await c.get(f"/cycles/{cycle['id']}/results/m-1", headers=sup)).json()
    assert unchanged["attributed_profit"] == "1000.00"

    short = await c.post(f"/cycles/{cycle['id']}/corrections", headers=sup, json={"reason": ""})
    assert short.status_code == 422
    fix = await c.post(
        f"/cycles/{cycle['id']}/corrections", headers=sup, json={"reason": "late correction p-2"}
    )
    assert fix.status_code == 201, fix.text
    v2 = fix.json()
    assert (v2["version"], v2["supersedes_id"], v2["correction_reason"]) == (
        2,
        cycle["id"],
        "late correction p-2",
    )
    done = await c.post(f"/cycles/{v2['id']}/finalize", headers=sup)  # evaluations carried over
    assert done.status_code == 200, done.text
    corrected = (await c.get(f"/cycles/{v2['id']}/results/m-1", headers=sup)).json()
    assert (corrected["attributed_profit"], corrected["cycle_version"]) == ("800.00", 2)
    old = (await c.get(f"/cycles/{cycle['id']}", headers=sup)).json()
    assert old["status"] == "superseded"
    assert (await c.get(f"/cycles/{cycle['id']}/results/m-1", headers=sup)).json()[
        "attributed_profit"
    ] == "1000.00"
    published = await svc.wait_events("appraisal.results", "appraisal.result-finalized", 2)
    assert sorted((e["payload"]["cycle_version"], e["payload"]["attributed_profit"]) for e in published) == [
        (1, "1000.00"),
        (2, "800.00"),
    ]
    assert published[-1]["payload"]["correction_reason"] == "late correction p-2"


async def _evaluate_everyone_one(svc, cycle_id: str, manager_id: str) -> None:
    scores = {"performance": "80", "ability": "80", "quality": "80"}
    url = f"/cycles/{cycle_id}/managers/{manager_id}/evaluations"
    assert (
        await svc.client.post(url, headers=svc.as_(manager_id, "cm"), json={"source": "self", **scores})
    ).status_code == 201
    sup = svc.as_("sup-1", "supervisor")
    assert (
        await svc.client.post(url, headers=sup, json={"source": "supervisor", **scores})
    ).status_code == 201


async def test_R_P1_pay_follows_the_grades_in_force_during_the_year(appraisal):
    svc, c = appraisal, appraisal.client
    sup = svc.as_("sup-1", "supervisor")
    await _manager(svc, "m-7", "cm", "north")  # cm from 1 January
    promoted = {
        "manager_id": "m-7",
        "from_grade": "cm",
        "to_grade": "senior",
        "status": "active",
        "reason": "r",
    }
    october = f"{YEAR}-10-01T09:00:00+00:00"
    await _send(svc, "staffing.managers", "manager.grade-changed", "m-7", promoted, occurred_at=october)
    hired = {"manager_id": "m-8", "employee_no": "M-8", "name": "CM m-8", "grade": "cm", "branch": "south"}
    july = f"{YEAR}-07-01T09:00:00+00:00"
    await _send(
        svc, "staffing.managers", "manager.registered", "m-8", {**hired, "status": "active"}, occurred_at=july
    )
    await _assign(svc, "c-7", "m-7", AT)
    await _assign(svc, "c-8", "m-8", july)
    await _post(svc, "p-70", "c-7", "10000.00", f"{YEAR}-11-10")
    await _post(svc, "p-80", "c-8", "1000.00", f"{YEAR}-08-10")

    async def grades_known() -> bool:
        managers = {m["manager_id"]: m for m in (await c.get("/managers", headers=sup)).json()}
        c8 = (await c.get("/ledger/customers/c-8", headers=sup)).json()
        c7 = (await c.get("/ledger/customers/c-7", headers=sup)).json()
        periods = [
            (await c.get(f"/ledger/customers/{cid}/assignments", headers=sup)).json()
            for cid in ("c-7", "c-8")
        ]
        return (
            managers.get("m-7", {}).get("grade") == "senior"
            and "m-8" in managers
            and len(c7) == len(c8) == 1
            and all(len(p) == 1 for p in periods)
        )

    await appraisal.until(grades_known, what="the promotion, the hire, both assignments and both postings")
    cycle = (await c.post("/cycles", headers=sup, json={"year": YEAR})).json()
    assert (await c.post(f"/cycles/{cycle['id']}/compute", headers=sup)).status_code == 200
    sheets = {r["manager_id"]: r for r in (await c.get(f"/cycles/{cycle['id']}/results", headers=sup)).json()}
    ladder = {g.code: g for g in DEFAULT_LADDER_GRADES}
    cm_rate, senior_rate = (Decimal(str(ladder[g].floating_rate)) for g in ("cm", "senior"))
    cm_fixed, senior_fixed = (Decimal(str(ladder[g].fixed_pay)) for g in ("cm", "senior"))

    m7 = sheets["m-7"]  # 273 days as cm, 92 as senior (from 1 October)
    rate = ((cm_rate * 273 + senior_rate * 92) / 365).quantize(Decimal("0.000001"))
    assert Decimal(m7["floating_rate"]) == rate
    assert Decimal(m7["floating_pay"]) == (Decimal("10000.00") * rate).quantize(Decimal("0.01"))
    fixed = (cm_fixed * 12 * 273 / 365 + senior_fixed * 12 * 92 / 365).quantize(Decimal("0.01"))
    assert Decimal(m7["fixed_pay"]) == fixed
    assert m7["grade"] == "senior"  # the year-end grade is the one proposals start from
    assert "cm 273 days" in m7["explanation"]
    assert "senior 92 days" in m7["explanation"]

    m8 = sheets["m-8"]  # on post from 1 July: the whole rate on what they made, fixed pay for 184 days
    assert Decimal(m8["floating_rate"]) == cm_rate
    assert Decimal(m8["fixed_pay"]) == (cm_fixed * 12 * 184 / 365).quantize(Decimal("0.01"))
