"""Value and the 80/20 view (R-C7, R-M6), profit postings, and the roster export (R-C4), on both databases.

In-process (tests.harness): the events are pumped, no broker.
"""

import csv
import io

import pytest
from openpyxl import load_workbook

from shared.timeutil import utcnow
from tests.rules.test_customer_assignment import _managers
from tests.support import envelope_bytes

pytestmark = [pytest.mark.services("customer"), pytest.mark.usefixtures("database")]


async def test_R_C7_R_M6_value_from_balances_and_profit_ranks_the_roster(customer):
    sup = await _managers(customer)
    c = customer.client
    ids = {}
    for name, primary in (("Big Mill", "m-c"), ("Small Shop", "m-t"), ("Core Estate", "m-s")):
        ids[name] = (
            await c.post(
                "/customers",
                headers=sup,
                json={"name": name, "kind": "corporate", "primary_manager_id": primary},
            )
        ).json()["id"]
    period = f"{utcnow().year:04d}-{utcnow().month:02d}"
    pnl = "corebanking.pnl"
    for posting, name, amount in (
        ("p-1", "Big Mill", "50000.00"),
        ("p-2", "Small Shop", "100.00"),
        ("p-1", "Big Mill", "50000.00"),
        ("p-3", "Core Estate", "8000.00"),
    ):
        body = {
            "posting_id": posting,
            "customer_id": ids[name],
            "period": period,
            "product": "loan",
            "amount": amount,
            "posted_on": utcnow().date().isoformat(),
        }
        await customer.send_raw(
            pnl, ids[name], envelope_bytes("profit.posted", ids[name], body, producer="corebanking")
        )
    bad = envelope_bytes(
        "profit.posted",
        "x",
        {
            "posting_id": "p-9",
            "customer_id": "x",
            "period": "2026-13",
            "product": "loan",
            "amount": "1",
            "posted_on": "2026-01-01",
        },
    )
    await customer.send_raw(pnl, "x", bad)

    async def ranked():
        review = (await c.get("/value-review", headers=sup)).json()
        profits = sorted(r["profit_last_12m"] for r in review)
        return review if profits == ["100.00", "50000.00", "8000.00"] else None  # every posting, once

    review = await customer.until(ranked, what="profit postings in the value review")
    assert [r["name"] for r in review] == ["Big Mill", "Core Estate", "Small Shop"]
    assert [r["top_fifth"] for r in review] == [True, False, False]
    assert review[0]["served_by_senior"] is False  # R-M6: the most valuable customer lacks a senior CM
    assert review[0]["suggested_importance"] == "core"
    mine = (await c.get(f"/customers/{ids['Small Shop']}/value", headers=customer.as_("m-t", "cm"))).json()
    assert mine["value"] == "150.00"  # 100 profit plus half its growth from nothing
    assert (
        await c.get(f"/customers/{ids['Big Mill']}/value", headers=customer.as_("m-t", "cm"))
    ).status_code == 404
    assert [r["name"] for r in (await c.get("/value-review", headers=customer.as_("m-t", "cm"))).json()] == [
        "Small Shop"
    ]

    async def dead_letter():
        return (
            await c.get("/admin/dead-letters", headers=customer.as_("ops", "admin", "platform"))
        ).json() or None

    (letter,) = await customer.until(dead_letter, what="the malformed posting in the DLQ")
    assert "period" in letter["reason"]


async def test_R_C4_roster_export_as_csv_and_xlsx_with_filters_and_visibility(customer):
    sup = await _managers(customer)
    c = customer.client
    await c.post(
        "/customers",
        headers=sup,
        json={
            "name": "张家农场",
            "kind": "farm_household",
            "primary_manager_id": "m-c",
            "branch": "north",
            "address": "=cmd|' /C calc'!A0",
            "importance": "core",
        },
    )
    await c.post(
        "/customers",
        headers=sup,
        json={"name": "South Mill", "kind": "corporate", "primary_manager_id": "m-c2", "branch": "south"},
    )
    response = await c.get("/customers/export", headers=sup, params={"format": "csv"})
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, for Excel
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["File number", "Core-banking number", "Name", "Kind"]
    col = {title: index for index, title in enumerate(rows[0])}
    assert sorted(r[col["Name"]] for r in rows[1:]) == ["South Mill", "张家农场"]
    farm = next(r for r in rows if r[col["Name"]] == "张家农场")
    assert farm[col["Address"]].startswith("'=")  # a formula is exported as text
    assert (farm[col["Primary CM id"]], farm[col["Primary CM"]]) == ("m-c", "m-c")  # the name from staffing
    north = await c.get("/customers/export", headers=sup, params={"format": "xlsx", "branch": "north"})
    sheet = load_workbook(io.BytesIO(north.content)).active
    header = [cell.value for cell in sheet[1]]
    assert [cell.value for cell in sheet[2]][header.index("Name")] == "张家农场"
    address = sheet.cell(row=2, column=header.index("Address") + 1)
    assert (address.value, address.data_type) == ("=cmd|' /C calc'!A0", "s")  # text, not a formula
    assert "Deposits (CNY)" in header
    assert sheet.max_row == 2
    zh = {**sup, "Accept-Language": "zh-CN"}
    chinese = await c.get("/customers/export", headers=zh, params={"format": "xlsx", "branch": "north"})
    zh_sheet = load_workbook(io.BytesIO(chinese.content)).active
    zh_header = [cell.value for cell in zh_sheet[1]]
    assert zh_sheet.title == "客户名册"
    assert {"客户名称", "存款额（元）", "第一负责人"} <= set(zh_header)
    assert zh_sheet.cell(row=2, column=zh_header.index("客户类型") + 1).value == "农户"
    mine = (await c.get("/customers/export", headers=customer.as_("m-c2", "cm"))).content.decode("utf-8-sig")
    assert "South Mill" in mine
    assert "张家农场" not in mine
    assert (await c.get("/customers/export", headers=sup, params={"format": "pdf"})).status_code == 422


async def test_R_C4_a_field_with_control_characters_never_breaks_the_export(customer):
    sup = await _managers(customer)
    c = customer.client
    created = await c.post(
        "/customers",
        headers=sup,
        json={
            "name": "Bell\u0007 Farm",
            "kind": "farm_household",
            "primary_manager_id": "m-c",
            "contact": "+86 138 0013 8000",
            "address": "line\u000bbreak\u001b",
        },
    )
    assert created.status_code == 201
    for fmt in ("xlsx", "csv"):
        response = await c.get("/customers/export", headers=sup, params={"format": fmt})
        assert response.status_code == 200, response.text
    sheet = load_workbook(
        io.BytesIO(
            response_xlsx := (
                await c.get("/customers/export", headers=sup, params={"format": "xlsx"})
            ).content
        )
    ).active
    assert response_xlsx
    header = [cell.value for cell in sheet[1]]
    row = [cell.value for cell in sheet[2]]
    assert row[header.index("Name")] == "Bell Farm"
    assert row[header.index("Contact")] == "+86 138 0013 8000"  # no apostrophe, not mangled
    assert row[header.index("Address")] == "linebreak"
