"""Office data scope in appraisal (issue 21): a branch supervisor sees exactly their branch's appraisal.

The tree and staff of customer's test (`test_office_scope`), on SQLite and PostgreSQL. Result sheets,
evaluations, samples, owed evaluations, the CMs, the ledger, the summary, its chart and workbook answer
inside the caller's office subtree, an id outside it answers exactly like an unknown id, and the summary
by office follows the tree: a branch's figures include its outlets'.
"""

import io
import uuid
from decimal import Decimal

from openpyxl import load_workbook

from tests.inprocess import Offline, build_app, migrations, offline_settings
from tests.integration.test_office_scope import CMS
from tests.integration.test_office_scope_audit import EVERYONE, EXPECTED, NORTH, place_staff
from tests.support import running

PROFIT = {"m-n": "100.10", "m-n1a": "200.20", "m-s": "400.40", "m-hq": "800.80"}


async def appraisal_world(svc: Offline) -> str:
    """Each CM has a customer whose 2025 profit is theirs; the 2025 cycle is computed. Its id."""
    await place_staff(svc)
    for m in CMS:
        registered = {"manager_id": m, "employee_no": m.upper(), "name": m, "grade": "cm", "branch": "x"}
        await svc.deliver("staffing.managers", "manager.registered", m, registered | {"status": "active"})
        assignment = {
            "customer_id": f"c-{m}",
            "primary_manager_id": m,
            "attribution_mode": "shares",
            "shares": {m: "100"},
            "effective_from": "2025-01-01T00:00:00+00:00",
        }
        await svc.deliver("customer.customers", "customer.assignment-changed", f"c-{m}", assignment)
        posting = {
            "posting_id": f"p-{m}",
            "customer_id": f"c-{m}",
            "period": "2025-05",
            "product": "loans",
            "amount": PROFIT[m],
            "posted_on": "2025-05-05",
        }
        await svc.deliver("corebanking.pnl", "profit.posted", f"c-{m}", posting)
    admin = svc.as_("admin-1", "admin")
    opened = await svc.client.post("/cycles", headers=admin, json={"year": 2025, "sample_size": 0})
    assert opened.status_code == 201, opened.text
    cycle_id = str(opened.json()["id"])
    assert (await svc.client.post(f"/cycles/{cycle_id}/compute", headers=admin)).status_code == 200
    return cycle_id


async def _managers(svc: Offline, headers: dict[str, str], path: str) -> set[str]:
    response = await svc.client.get(path, headers=headers)
    assert response.status_code == 200, (path, response.text)
    return {row["manager_id"] for row in response.json()}


async def test_a_branch_supervisor_sees_exactly_their_branchs_appraisal(database_url):
    settings = offline_settings("appraisal", database_url)
    app = build_app("appraisal", settings)
    async with running(app, migrations("appraisal")) as client:
        svc = Offline("appraisal", app, client, settings)
        cycle = await appraisal_world(svc)
        base = f"/cycles/{cycle}"
        for (user, role), seen in EXPECTED.items():
            h = svc.as_(user, role)
            assert await _managers(svc, h, f"{base}/results") == seen, user
            assert await _managers(svc, h, f"{base}/missing-evaluations") == seen, user
            assert await _managers(svc, h, "/managers") == seen, user
            summary = await client.get(f"{base}/summary", headers=h)
            assert summary.json()["managers"] == len(seen), user
            total = sum((Decimal(g["total_profit"]) for g in summary.json()["by_grade"]), Decimal(0))
            assert total == sum(Decimal(PROFIT[m]) for m in seen), user
            for chart in ("summary.svg", "export.xlsx"):
                assert (await client.get(f"{base}/{chart}", headers=h)).status_code == 200
            postings = await client.get("/ledger/customers/c-m-s", headers=h)
            assert bool(postings.json()) == ("m-s" in seen), user

        # outside the scope answers exactly like an unknown id
        sup_n = svc.as_("sup-n", "supervisor")
        for path in (
            base + "/results/{}",
            base + "/managers/{}/evaluations",
            base + "/managers/{}/sample",
        ):
            unknown = f"m-{uuid.uuid4().hex[:10]}"
            theirs = await client.get(path.format("m-s"), headers=sup_n)
            nobodys = await client.get(path.format(unknown), headers=sup_n)
            assert theirs.status_code == nobodys.status_code == 404, (path, theirs.text)
            assert theirs.text.replace("m-s", unknown) == nobodys.text, path
        note = {"source": "supervisor", "performance": "80", "ability": "80", "quality": "80"}
        refused = await client.post(f"{base}/managers/m-s/evaluations", headers=sup_n, json=note)
        assert refused.status_code == 404, refused.text
        given = await client.post(f"{base}/managers/m-n1a/evaluations", headers=sup_n, json=note)
        assert given.status_code == 201, given.text
        reminded = await client.post(f"{base}/reminders", headers=sup_n)
        assert {r["manager_id"] for r in reminded.json()} <= NORTH, reminded.text
        assert await _managers(svc, sup_n, f"{base}/reminders") <= NORTH


async def test_the_summary_by_office_follows_the_tree(database_url):
    settings = offline_settings("appraisal", database_url)
    app = build_app("appraisal", settings)
    async with running(app, migrations("appraisal")) as client:
        svc = Offline("appraisal", app, client, settings)
        cycle = await appraisal_world(svc)
        url = f"/cycles/{cycle}/summary/offices"
        everything = await client.get(url, headers=svc.as_("mgmt-1", "management"))
        assert everything.status_code == 200, everything.text
        rows = {r["office_id"]: r for r in everything.json()}
        # tree order, and a branch's figures include its outlets' (o-n: its own CM and o-n1a's)
        assert list(rows) == ["o-hq", "o-n", "o-n1", "o-n1a", "o-s"]
        money = {o: Decimal(r["total_profit"]) for o, r in rows.items()}
        assert money["o-n"] == Decimal("300.30")
        assert rows["o-n"]["managers"] == 2
        assert money["o-n1"] == money["o-n1a"] == Decimal("200.20")
        assert money["o-hq"] == sum(Decimal(p) for p in PROFIT.values())
        assert rows["o-hq"]["managers"] == len(EVERYONE)
        assert (rows["o-n"]["parent_id"], rows["o-n"]["code"]) == ("o-hq", "N")
        north = await client.get(url, headers=svc.as_("sup-n", "supervisor"))
        assert [r["office_id"] for r in north.json()] == ["o-n", "o-n1", "o-n1a"]
        assert north.json()[0]["total_profit"] == rows["o-n"]["total_profit"]
        # the workbook's office sheet follows the tree too (R-A2 profit, money to the cent)
        book = await client.get(f"/cycles/{cycle}/export.xlsx", headers=svc.as_("sup-n", "supervisor"))
        sheet = load_workbook(io.BytesIO(book.content))["By office"]
        lines = list(sheet.iter_rows(values_only=True))
        assert [line[0] for line in lines[1:]] == ["N", "N1", "N1A"]
        assert Decimal(str(lines[1][4])) == Decimal("300.30")
        # the tree as of a date before the offices existed has no office to sum
        before = await client.get(f"{url}?as_of=2019-12-31", headers=svc.as_("mgmt-1", "management"))
        assert (before.status_code, before.json()) == (200, [])
        unknown = await client.get("/cycles/nope/summary/offices", headers=svc.as_("sup-n", "supervisor"))
        assert unknown.status_code == 404
