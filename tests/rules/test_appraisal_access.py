"""Appraisal reports, access, automatic opening and bad postings, both databases; and R-Q8 across
staffing and appraisal.

In-process (tests.harness): events are pumped between the services, no broker.
"""

import io

import pytest
from openpyxl import load_workbook

from tests.harness import start_system
from tests.rules.test_appraisal_cycle import AT, YEAR, _assign, _manager, _post, _send
from tests.support import eventually

pytestmark = [pytest.mark.services("appraisal"), pytest.mark.usefixtures("database")]


async def _ready(svc, managers: int, postings: int) -> None:
    sup = svc.as_("sup-1", "supervisor")

    async def seen() -> bool | None:
        known = (await svc.client.get("/managers", headers=sup)).json()
        booked = (await svc.client.get("/ledger/customers/c-1", headers=sup)).json()
        other = (await svc.client.get("/ledger/customers/c-2", headers=sup)).json()
        held = (await svc.client.get("/ledger/held", headers=sup)).json()
        counted = len(booked) + len(other) == postings and not held
        return True if len(known) == managers and counted else None

    await svc.until(seen, what="managers and postings")


async def _finalized(svc) -> dict:
    sup = svc.as_("sup-1", "supervisor")
    cycle = (await svc.client.post("/cycles", headers=sup, json={"year": YEAR, "sample_size": 0})).json()
    scores = {"performance": "95", "ability": "90", "quality": "92"}
    for manager_id in ("m-1", "m-2"):
        url = f"/cycles/{cycle['id']}/managers/{manager_id}/evaluations"
        own = svc.as_(manager_id, "cm")
        assert (await svc.client.post(url, headers=own, json={"source": "self", **scores})).status_code == 201
        assert (
            await svc.client.post(url, headers=sup, json={"source": "supervisor", **scores})
        ).status_code == 201
    final = await svc.client.post(f"/cycles/{cycle['id']}/finalize", headers=sup)
    assert final.status_code == 200, final.text
    return cycle


async def test_R_A2_a_cm_sees_only_their_own_result_and_readers_see_the_summary(appraisal):
    svc, c = appraisal, appraisal.client
    await _manager(svc, "m-1", "cm", "north")
    await _manager(svc, "m-2", "trainee", "south")
    await _assign(svc, "c-1", "m-1", AT)
    await _assign(svc, "c-2", "m-2", AT)
    await _post(svc, "p-1", "c-1", "2500000.00", f"{YEAR}-05-01")
    await _post(svc, "p-2", "c-2", "-300.00", f"{YEAR}-05-01")
    await _ready(svc, managers=2, postings=2)
    cycle = await _finalized(svc)
    base = f"/cycles/{cycle['id']}"

    m1, m2 = svc.as_("m-1", "cm"), svc.as_("m-2", "cm")
    assert (await c.get(f"{base}/results/m-1", headers=m1)).json()["attributed_profit"] == "2500000.00"
    stranger = await c.get(f"{base}/results/m-1", headers=m2)
    assert stranger.status_code == 404
    assert "2500000" not in stranger.text
    assert [r["manager_id"] for r in (await c.get(f"{base}/results", headers=m2)).json()] == ["m-2"]
    assert [r["manager_id"] for r in (await c.get("/me/results", headers=m2)).json()] == ["m-2"]
    assert (await c.get(f"{base}/managers/m-1/evaluations", headers=m2)).status_code == 404
    assert (await c.get(f"{base}/summary", headers=m1)).status_code == 403
    assert (await c.get(f"{base}/managers/m-1/sample", headers=m1)).status_code == 403
    other_org = svc.as_("sup-x", "supervisor", org="another-rcc")
    assert (await c.get(f"{base}/results/m-1", headers=other_org)).status_code == 404

    loss = (await c.get(f"{base}/results/m-2", headers=svc.as_("hr-1", "hr"))).json()
    assert (loss["attributed_profit"], loss["floating_pay"]) == (
        "-300.00",
        "0.00",
    )  # R-P1: a loss pays nothing
    winner = (await c.get(f"{base}/results/m-1", headers=svc.as_("aud-1", "auditor"))).json()
    assert winner["floating_pay"] == "62500.00"  # R-P1: 2,500,000 x 0.025, no cap
    assert winner["proposal"] == "promote"  # R-Q8: cm reaching senior's standard

    summary = (await c.get(f"{base}/summary", headers=svc.as_("mgmt-1", "management"))).json()
    assert {g["group"]: g["total_profit"] for g in summary["by_grade"]} == {
        "cm": "2500000.00",
        "trainee": "-300.00",
    }
    assert {g["group"]: g["managers"] for g in summary["by_branch"]} == {"north": 1, "south": 1}
    assert summary["score_bands"] == {"90-100": 2}
    chart = await c.get(f"{base}/summary.svg", headers=svc.as_("hr-1", "hr"))
    assert chart.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in chart.content
    assert b"Attributed profit by grade" in chart.content
    export = await c.get(f"{base}/export.xlsx", headers=svc.as_("hr-1", "hr"))
    zh_hr = {**svc.as_("hr-1", "hr"), "Accept-Language": "zh-CN,zh;q=0.9"}
    book = load_workbook(io.BytesIO(export.content))
    assert book.sheetnames == ["Results", "By grade", "By branch", "By office"]
    rows = list(book["Results"].iter_rows(values_only=True))
    assert rows[0][:2] == ("CM id", "CM")
    assert rows[0][6] == "Attributed profit (CNY)"
    assert {r[0]: r[6] for r in rows[1:]} == {"m-1": 2500000, "m-2": -300}
    assert book["Results"]["G2"].number_format == "#,##0.00"
    assert book["Results"].freeze_panes == "A2"
    zh = load_workbook(io.BytesIO((await c.get(f"{base}/export.xlsx", headers=zh_hr)).content))
    assert zh.sheetnames == ["考核结果", "按等级", "按网点", "按机构"]
    assert next(zh["考核结果"].iter_rows(values_only=True))[6] == "归属利润（元）"
    assert [r[0] for r in zh["按等级"].iter_rows(min_row=2, values_only=True)] == ["客户经理", "见习客户经理"]
    chart_zh = await c.get(f"{base}/summary.svg", headers=zh_hr)
    assert "按等级的归属利润" in chart_zh.text
    assert "2,500,000.00" in chart_zh.text


async def test_R_A2_a_posting_with_a_bad_amount_is_dead_lettered_and_changes_nothing(appraisal):
    svc, c = appraisal, appraisal.client
    bad = {
        "posting_id": "p-bad",
        "customer_id": "c-1",
        "period": f"{YEAR}-05",
        "product": "loans",
        "amount": "twelve",
        "posted_on": f"{YEAR}-05-01",
    }
    await _send(svc, "corebanking.pnl", "profit.posted", "c-1", bad)
    await _post(svc, "p-1", "c-1", "10.00", f"{YEAR}-05-01")
    clash = {**bad, "posting_id": "p-1", "amount": "11.00"}
    await _send(svc, "corebanking.pnl", "profit.posted", "c-1", clash)
    admin = svc.as_("ops", "admin", "platform")

    async def two_letters() -> list | None:
        letters = (await c.get("/admin/dead-letters", headers=admin)).json()
        return letters if len(letters) == 2 else None

    letters = await svc.until(two_letters, what="two dead letters")
    reasons = " | ".join(letter["reason"] for letter in letters)
    assert "amount" in reasons
    assert "already booked" in reasons
    booked = (await c.get("/ledger/customers/c-1", headers=svc.as_("sup-1", "supervisor"))).json()
    assert [(p["posting_id"], p["amount"]) for p in booked] == [("p-1", "10.00")]


async def test_R_A1_last_years_cycle_opens_by_itself_on_the_configured_day(database, tmp_path):
    quick = {"auto_open_check_seconds": 0.5}  # the background check runs, as in production
    async with start_system(tmp_path, ["appraisal"], postgres=database, appraisal=quick) as system:
        svc = system.view("appraisal")
        await _manager(svc, "m-1", "cm", "north")
        sup = svc.as_("sup-1", "supervisor")

        async def opened() -> list | None:
            cycles = (await svc.client.get("/cycles", headers=sup)).json()
            return cycles or None

        (cycle,) = await eventually(opened, what="the automatic cycle")
        assert (cycle["opened_by"], cycle["participants"]) == ("system:auto-open", 1)
        assert cycle["year"] < int(cycle["opened_at"][:4])


@pytest.mark.services("staffing", "appraisal")
async def test_R_Q8_staffing_applies_a_confirmed_promotion_from_the_appraisal(staffing, appraisal):
    hr1, hr2 = staffing.as_("hr-1", "hr"), staffing.as_("hr-2", "hr")
    created = await staffing.client.post(
        "/managers",
        headers=hr1,
        json={"employee_no": "E9", "name": "Li Wei", "grade": "trainee", "branch": "north"},
    )
    assert created.status_code == 201, created.text
    mid = created.json()["id"]
    await _assign(appraisal, "c-1", mid, AT)
    await _post(appraisal, "p-1", "c-1", "1200000.00", f"{YEAR}-06-30")
    sup = appraisal.as_("sup-1", "supervisor")

    async def known() -> bool | None:
        managers = (await appraisal.client.get("/managers", headers=sup)).json()
        booked = (await appraisal.client.get("/ledger/customers/c-1", headers=sup)).json()
        held = (await appraisal.client.get("/ledger/held", headers=sup)).json()
        return True if managers and booked and not held else None

    await appraisal.until(known, what="appraisal learning of the CM and the posting")
    cycle = (
        await appraisal.client.post("/cycles", headers=sup, json={"year": YEAR, "sample_size": 0})
    ).json()
    scores = {"performance": "90", "ability": "85", "quality": "80"}
    url = f"/cycles/{cycle['id']}/managers/{mid}/evaluations"
    for headers, source in ((appraisal.as_(mid, "cm"), "self"), (sup, "supervisor")):
        assert (
            await appraisal.client.post(url, headers=headers, json={"source": source, **scores})
        ).status_code == 201
    final = await appraisal.client.post(f"/cycles/{cycle['id']}/finalize", headers=sup)
    assert final.status_code == 200, final.text

    async def proposed() -> dict | None:
        pending = (await staffing.client.get("/grade-proposals", headers=hr1)).json()
        return pending[0] if pending else None

    proposal = await staffing.until(proposed, what="staffing receiving the grade proposal")
    assert (proposal["kind"], proposal["from_grade"], proposal["to_grade"]) == (
        "promote",
        "trainee",
        "cm",
    )
    decided = await staffing.client.post(
        f"/grade-proposals/{proposal['id']}/decision", headers=hr2, json={"confirm": True, "reason": "ok"}
    )
    assert decided.status_code == 200, decided.text
    assert (await staffing.client.get(f"/managers/{mid}", headers=hr1)).json()["grade"] == "cm"

    async def appraisal_sees_cm() -> bool | None:
        managers = (await appraisal.client.get("/managers", headers=sup)).json()
        return True if managers[0]["grade"] == "cm" else None

    await appraisal.until(appraisal_sees_cm, what="appraisal learning the new grade")
