"""Going live from spreadsheets: offices, CMs and customers through the services' bulk import endpoints.

Staffing and customer run in-process on SQLite and PostgreSQL; what staffing publishes is handed to
customer as Kafka would. A dry run writes nothing; a commit writes the whole file or nothing; the same
file twice changes nothing; legacy data that breaks a rule is taken and flagged non-compliant.
"""

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from steward.book_kinds import BOOK, csv_of, read_rows, template
from tests.inprocess import Offline, build_app, deliver, migrations, offline_settings
from tests.support import running

OFFICES = [
    {"code": "HQ", "name": "联社总部", "parent_code": ""},
    {"code": "N", "name": "北区信用社", "parent_code": "HQ"},
    {"code": "N1", "name": "北街网点", "parent_code": "N"},
    {"code": "S", "name": "南区信用社", "parent_code": "HQ"},
]
STAFF = [
    {
        "employee_no": "E1",
        "name": "王一",
        "grade": "senior",
        "certified_until": "2099-01-01",
        "office_code": "N",
    },
    {
        "employee_no": "E2",
        "name": "李二",
        "grade": "cm",
        "certified_until": "2099-01-01",
        "office_code": "N1",
    },
    # legacy: a certification that ran out years ago, still serving
    {
        "employee_no": "E3",
        "name": "赵三",
        "grade": "trainee",
        "certified_until": "2020-01-01",
        "office_code": "S",
    },
]
CUSTOMERS = [
    {
        "external_id": "62001",
        "name": "绿野家庭农场",
        "kind": "农户",
        "primary_employee_no": "E2",
        "deposit": "1000.50",
    },
    {
        "external_id": "62002",
        "name": "城关机械厂",
        "kind": "公司客户",
        "size": "大型",
        "core": "是",
        "primary_employee_no": "E1",
        "co_employee_nos": "E2",
        "loan": "500000",
    },
    # legacy: a large core customer with one trainee (R-C3, R-Q5) whose certification ran out
    {
        "external_id": "62003",
        "name": "南山茶厂",
        "kind": "公司客户",
        "size": "大型",
        "core": "是",
        "primary_employee_no": "E3",
    },
]


def _file(
    tmp_path: Path, kind: str, rows: list[dict[str, str]], encoding: str = "utf-8", name: str = ""
) -> Path:
    path = tmp_path / f"{name or kind}.csv"
    path.write_text(csv_of(BOOK[kind], rows), encoding=encoding)
    return path


async def _post(svc: Offline, kind: str, path: Path, dry_run: bool, lang: str = "zh-CN") -> dict[str, Any]:
    rows, ignored = read_rows(path, BOOK[kind])
    assert ignored == []
    body = {"file": path.name, "dry_run": dry_run, "rows": rows}
    headers = svc.as_("admin-1", "admin", "hr") | {"Accept-Language": lang}
    response = await svc.client.post(BOOK[kind].path, json=body, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def _relay(staffing_url: str, customer: Offline, after: int) -> int:
    """Hand staffing's new outbox events to customer; the last outbox id."""
    engine = create_async_engine(staffing_url)
    try:
        async with engine.connect() as conn:
            rows = (
                await conn.execute(
                    text("SELECT id, value FROM outbox WHERE id > :a ORDER BY id"), {"a": after}
                )
            ).all()
    finally:
        await engine.dispose()
    for _, value in rows:
        env = json.loads(value)
        topic = "staffing.offices" if env["event_type"].startswith("office.") else "staffing.managers"
        await deliver(
            customer.app, topic, env["event_type"], env["key"], env["payload"], event_id=env["event_id"]
        )
    return rows[-1][0] if rows else after


async def test_a_cooperative_goes_live_from_its_spreadsheets(database_url, other_database_url, tmp_path):
    st_settings = offline_settings("staffing", database_url)
    cu_settings = offline_settings("customer", other_database_url)
    st_app, cu_app = build_app("staffing", st_settings), build_app("customer", cu_settings)
    async with (
        running(st_app, migrations("staffing")) as st_client,
        running(cu_app, migrations("customer")) as cu_client,
    ):
        staffing = Offline("staffing", st_app, st_client, st_settings)
        customer = Offline("customer", cu_app, cu_client, cu_settings)

        offices = _file(tmp_path, "offices", OFFICES, "gb18030")  # what Chinese Excel writes
        dry = await _post(staffing, "offices", offices, dry_run=True)
        assert (dry["created"], dry["refused"], dry["dry_run"]) == (4, 0, True)
        assert (await st_client.get("/offices", headers=staffing.as_("hr", "hr"))).json() == []
        done = await _post(staffing, "offices", offices, dry_run=False)
        assert (done["created"], done["refused"]) == (4, 0)
        again = await _post(staffing, "offices", offices, dry_run=False)
        assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 4)

        # a new CM with no office is refused at its cell in the dry run, never a failed commit
        homeless = _file(tmp_path, "staff", [{**STAFF[0], "office_code": ""}], name="homeless")
        nowhere = await _post(staffing, "staff", homeless, dry_run=True)
        assert (nowhere["refused"], nowhere["created"]) == (1, 0)
        assert [(p["line"], p["column"]) for p in nowhere["problems"]] == [(2, "office_code")]
        assert "所属机构代码" in nowhere["problems"][0]["message"]

        # the staff file as an XLSX made from the template (zh-CN headers, validation lists)
        staff_xlsx = tmp_path / "staff.xlsx"
        staff_xlsx.write_bytes(template(BOOK["staff"]))
        from openpyxl import load_workbook

        book = load_workbook(staff_xlsx)
        sheet = book.active
        assert sheet["A1"].value == "工号*"
        assert sheet.data_validations.dataValidation
        sheet.delete_rows(2)
        for r in STAFF:
            sheet.append([r.get(c.key, "") for c in BOOK["staff"].columns])
        book.save(staff_xlsx)
        assert (await _post(staffing, "staff", staff_xlsx, dry_run=False))["created"] == 3
        assert (await _post(staffing, "staff", staff_xlsx, dry_run=False))["unchanged"] == 3
        await _relay(database_url, customer, 0)

        bad = _file(
            tmp_path,
            "customers",
            [{**CUSTOMERS[0], "kind": "外星人", "primary_employee_no": "E9"}, CUSTOMERS[1]],
            name="bad",
        )
        refused = await _post(customer, "customers", bad, dry_run=False)
        assert (refused["refused"], refused["created"]) == (1, 0)
        assert {(p["line"], p["column"]) for p in refused["problems"]} == {
            (2, "kind"),
            (2, "primary_employee_no"),
        }
        assert any("没有工号为 E9 的客户经理" in p["message"] for p in refused["problems"])
        english = await _post(customer, "customers", bad, dry_run=True, lang="en")
        assert any("no CM with employee number E9" in p["message"] for p in english["problems"])
        admin = customer.as_("admin-1", "admin")
        assert (await cu_client.get("/customers", headers=admin)).json() == []  # all or nothing

        good = _file(tmp_path, "customers", CUSTOMERS)
        dry = await _post(customer, "customers", good, dry_run=True)
        assert (dry["created"], dry["flagged"], dry["refused"]) == (3, 1, 0)
        assert (await cu_client.get("/customers", headers=admin)).json() == []
        done = await _post(customer, "customers", good, dry_run=False)
        assert (done["created"], done["flagged"]) == (3, 1)
        listed = {c["external_id"]: c for c in (await cu_client.get("/customers", headers=admin)).json()}
        assert listed["62001"]["deposit_balance"] == "1000.50"
        assert [m["role"] for m in listed["62002"]["managers"]] == ["primary", "co_manager"]
        legacy = listed["62003"]
        assert legacy["compliant"] is False
        assert {i.split(":")[0] for i in legacy["compliance_issues"] if i.startswith("R-")} >= {
            "R-C3",
            "R-Q5",
        }
        assert len(legacy["compliance_issues"]) == 3  # and the certification that ran out (R-Q7)
        assert (await _post(customer, "customers", good, dry_run=False))["unchanged"] == 3

        corrected = _file(tmp_path, "customers", [{**CUSTOMERS[0], "name": "绿野生态农场"}, *CUSTOMERS[1:]])
        fixed = await _post(customer, "customers", corrected, dry_run=False)
        assert (fixed["updated"], fixed["unchanged"]) == (1, 2)

        # the branch supervisor of N sees the customers of N and its outlet N1, not the south's
        placed = await st_client.put(
            "/office-staff/sup-n",
            headers=staffing.as_("hr", "hr"),
            json={"office_id": done_office(done, again)},
        )
        assert placed.status_code == 200
        await _relay(database_url, customer, 0)
        seen = {
            c["external_id"]
            for c in (await cu_client.get("/customers", headers=customer.as_("sup-n", "supervisor"))).json()
        }
        assert seen == {"62001", "62002"}


def done_office(*summaries: dict[str, Any]) -> str:
    """The id of office N from an offices import summary."""
    for s in summaries:
        if "N" in s["ids"]:
            return str(s["ids"]["N"])
    raise AssertionError("no office N")


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_templates_have_headers_examples_and_code_lists(lang, tmp_path):
    from openpyxl import load_workbook

    for kind in BOOK.values():
        path = tmp_path / f"{kind.name}.xlsx"
        path.write_bytes(template(kind, lang))
        sheet = load_workbook(path).active
        headers = [c.value for c in sheet[1]]
        assert headers[0].rstrip("*") == kind.columns[0].header(lang)
        rows, ignored = read_rows(path, kind)
        assert ignored == []
        assert rows[0]["line"] == 2
        assert rows[0]["values"]
        lists = [v.formula1 for v in sheet.data_validations.dataValidation]
        assert len(lists) == sum(1 for c in kind.columns if c.codes)
