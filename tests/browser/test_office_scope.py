"""A branch supervisor sees exactly their branch in every Workbench page (issue 21), zh-CN, Chromium.

The tree HQ → N (outlet N1) and S comes in through the import endpoints, with a CM and a customer in N,
N1 and S. The supervisor of N sees N's and N1's records on every page they have and never S's; an S
customer's or CM's URL answers like an unknown one (the 404 page); management sees all, and the
dashboard's appraisal by office follows the tree (a branch's figures include its outlets').
"""

import uuid
from datetime import date
from typing import Any

import httpx
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.conftest import new_page, sign_in
from tests.browser.stack import Stack, headers
from tests.support import eventually_sync

OFFICES = [
    ("HQ", "联社总部", ""),
    ("N", "北区信用社", "HQ"),
    ("N1", "北街网点", "N"),
    ("S", "南区信用社", "HQ"),
]
STAFF = [("EN", "北一", "N"), ("EN1", "北二", "N1"), ("ES", "南三", "S")]
CUSTOMERS = [("71001", "北区养殖场", "EN"), ("71002", "北街粮油店", "EN1"), ("71003", "南山果园", "ES")]
SEEN: dict[str, Any] = {}  # what a wait saw last, for its failure message
NORTH_CUSTOMERS, SOUTH_CUSTOMER = ("北区养殖场", "北街粮油店"), "南山果园"


def _rows(columns: tuple[str, ...], values: list[tuple[str, ...]]) -> list[dict[str, Any]]:
    return [
        {"line": line, "values": {k: v for k, v in zip(columns, row, strict=True) if v}}
        for line, row in enumerate(values, start=2)
    ]


def _import(url: str, who: dict[str, str], name: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    answer = httpx.post(url, headers=who, json={"file": name, "dry_run": False, "rows": rows}, timeout=30)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def _branch_book(stack: Stack) -> dict[str, str]:
    """Offices, CMs and customers imported; sup-n placed in N; a cycle opened and computed."""
    hr, sup_n, admin = headers("hr-1", "hr"), headers("sup-n", "supervisor"), headers("admin-1", "admin")
    st, cu, ap = stack.urls["staffing"], stack.urls["customer"], stack.urls["appraisal"]
    offices = _import(
        f"{st}/imports/offices", hr, "机构.csv", _rows(("code", "name", "parent_code"), OFFICES)
    )
    staff_rows = [(no, name, "cm", "2099-01-01", office) for no, name, office in STAFF]
    staff = _import(
        f"{st}/imports/staff",
        hr,
        "客户经理.csv",
        _rows(("employee_no", "name", "grade", "certified_until", "office_code"), staff_rows),
    )
    assert staff["refused"] == 0, staff
    placed = httpx.put(f"{st}/office-staff/sup-n", headers=hr, json={"office_id": offices["ids"]["N"]})
    assert placed.status_code == 200, placed.text
    book = _rows(
        ("external_id", "name", "kind", "importance", "primary_employee_no"),
        [(ext, name, "农户", "一般客户", cm) for ext, name, cm in CUSTOMERS],
    )

    def customers_ready() -> bool:  # the customer service learns the CMs and the tree by events
        body = {"file": "客户.csv", "dry_run": True, "rows": book}
        dry = httpx.post(f"{cu}/imports/customers", headers=hr, json=body, timeout=30)
        return dry.status_code == 200 and dry.json()["refused"] == 0

    eventually_sync(customers_ready, timeout=60, what="customer service learning the CMs", interval=0.2)
    assert _import(f"{cu}/imports/customers", hr, "客户.csv", book)["refused"] == 0
    listed = httpx.get(f"{cu}/customers", headers=admin, params={"limit": 500}).json()
    ids = {c["name"]: c["id"] for c in listed}
    ids |= {name: staff["ids"][no] for no, name, _office in STAFF}
    north_ids = {staff["ids"]["EN"], staff["ids"]["EN1"]}

    def scoped(url: str) -> bool:  # each service knows where sup-n and the CMs are placed
        answer = httpx.get(url, headers=sup_n, params={"limit": 500})
        return (
            answer.status_code == 200
            and {m.get("id", m.get("manager_id")) for m in answer.json()} == north_ids
        )

    eventually_sync(
        lambda: scoped(f"{ap}/managers"), timeout=60, what="appraisal placing the CMs", interval=0.2
    )
    eventually_sync(
        lambda: scoped(f"{st}/managers"), timeout=60, what="staffing scoping the roll", interval=0.2
    )

    def north_only() -> bool:
        seen = httpx.get(f"{cu}/customers", headers=sup_n, params={"limit": 500}).json()
        SEEN["customer service scoping sup-n"] = seen
        return {c["name"] for c in seen} == set(NORTH_CUSTOMERS)

    what = "customer service scoping sup-n"
    eventually_sync(north_only, timeout=60, what=what, interval=0.2, detail=lambda: SEEN.get(what))
    opened = httpx.post(f"{ap}/cycles", headers=admin, json={"year": date.today().year - 1}, timeout=30)
    assert opened.status_code == 201, opened.text
    ids["cycle"] = opened.json()["id"]
    assert httpx.post(f"{ap}/cycles/{ids['cycle']}/compute", headers=admin, timeout=30).status_code == 200
    return ids


def _text(page) -> str:  # type: ignore[no-untyped-def]
    return str(page.locator("main").inner_text())


def test_a_branch_supervisor_sees_exactly_their_branch_and_management_sees_all(browser, stack):
    ids = _branch_book(stack)
    page = new_page(browser, stack)
    sign_in(page, stack, "supervisor", "sup-n")
    for path in ("/overview", "/customers", "/teams", "/reassignments"):
        page.goto(f"{stack.console}{path}")
        main = _text(page)
        for outside in (SOUTH_CUSTOMER, "南三", "青山饲料厂", "王芳"):  # S's, and the unplaced head office's
            assert outside not in main, (path, outside)
    page.goto(f"{stack.console}/customers")
    for name in NORTH_CUSTOMERS:
        expect(page.get_by_role("link", name=name)).to_be_visible()
    page.goto(f"{stack.console}/customers?q=南山")
    assert SOUTH_CUSTOMER not in _text(page)
    page.goto(f"{stack.console}/customers?q=北街")
    expect(page.get_by_role("link", name="北街粮油店")).to_be_visible()
    page.get_by_role("link", name="北街粮油店").click()
    expect(page.locator("h1")).to_contain_text("北街粮油店")
    options = page.goto(f"{stack.console}/reassignments")
    assert options is not None
    assert options.status == 200
    offered = {o.get_attribute("value") for o in page.locator("select option").all()}
    assert ids["北一"] in offered
    assert ids["北二"] in offered
    assert ids["南三"] not in offered

    # an S customer's, an S CM's URL answers exactly like an unknown one
    unknown = uuid.uuid4().hex
    for path in ("/customers/{}", "/customers/{}/assignment", "/customers/{}/value"):
        theirs = page.goto(stack.console + path.format(ids[SOUTH_CUSTOMER]))
        assert theirs is not None, path
        assert theirs.status == 404, path
        shown = page.locator("h1").inner_text()
        nobodys = page.goto(stack.console + path.format(unknown))
        assert nobodys is not None, path
        assert nobodys.status == 404, path
        assert page.locator("h1").inner_text() == shown, path
    cycle = ids["cycle"]
    for manager in (ids["南三"], unknown):
        answer = page.goto(f"{stack.console}/appraisal/{cycle}/results/{manager}")
        assert answer is not None
        assert answer.status == 404

    page.goto(f"{stack.console}/appraisal/{cycle}")
    sheets = {r.get_attribute("data-result") for r in page.locator("[data-result]").all()}
    assert sheets == {ids["北一"], ids["北二"]}
    offices = [r.get_attribute("data-office-code") for r in page.locator("[data-office-row]").all()]
    assert offices == ["N", "N1"], offices  # the branch first, its outlet under it
    expect(page.locator('[data-office-row][data-office-code="N"] [data-managers]')).to_have_text("2")
    expect(page.locator('[data-office-row][data-office-code="N1"]')).to_have_attribute("data-depth", "1")
    assert_accessible(page)
    page.goto(f"{stack.console}/dashboard")
    chart = page.locator('[data-chart="ch-office"]')
    expect(chart).to_contain_text("北区信用社")
    expect(chart).to_contain_text("北街网点")
    for outside in ("南区信用社", "联社总部", "南三", SOUTH_CUSTOMER):
        assert outside not in _text(page), outside
    assert_accessible(page)

    boss = new_page(browser, stack)
    sign_in(boss, stack, "management", "mgmt-1")
    boss.goto(f"{stack.console}/dashboard")
    rows = [r.get_attribute("data-office-code") for r in boss.locator("[data-office-row]").all()]
    assert rows[:1] == ["HQ"], rows
    assert {"N", "N1", "S"} <= set(rows), rows
    expect(boss.locator('[data-office-row][data-office-code="N"] [data-managers]')).to_have_text("2")
    expect(boss.locator('[data-office-row][data-office-code="S"] [data-total-profit]')).to_contain_text("¥")
    assert_accessible(boss)
    boss.goto(f"{stack.console}/appraisal/{cycle}")
    expect(boss.locator(f'[data-result="{ids["南三"]}"]')).to_be_visible()
    boss.goto(f"{stack.console}/customers/{ids[SOUTH_CUSTOMER]}")
    expect(boss.locator("h1")).to_contain_text(SOUTH_CUSTOMER)
    for p in (page, boss):
        assert p.guard.external == [], p.guard.external
        assert [e for e in p.guard.errors if "status of 4" not in e] == [], p.guard.errors


def test_an_admin_edits_every_threshold_and_the_auditor_reads_them(browser, stack):
    admin = new_page(browser, stack)
    sign_in(admin, stack, "admin", "admin-1")
    admin.goto(f"{stack.console}/audit/thresholds")
    admin.get_by_label("访问后提交访问报告的期限（小时）").fill("24")
    admin.get_by_label("满意度平均分低于此值即预警（1 至 5）").fill("3.5")
    admin.get_by_label("满意度滚动平均所取的评分次数").fill("4")
    admin.get_by_label("满意度预警后访问客户的期限（天）").fill("10")
    admin.get_by_role("button", name="保存阈值").click()
    expect(admin.get_by_role("status")).to_contain_text("阈值已保存")
    assert_accessible(admin)
    admin.get_by_label("满意度平均分低于此值即预警（1 至 5）").fill("6")  # R-M5: the service refuses
    admin.get_by_label("满意度平均分低于此值即预警（1 至 5）").evaluate("e => e.removeAttribute('max')")
    admin.get_by_role("button", name="保存阈值").click()
    expect(admin.locator("#f-satisfaction_threshold")).to_have_attribute("aria-invalid", "true")
    assert_accessible(admin)
    auditor = new_page(browser, stack)
    sign_in(auditor, stack, "auditor", "aud-1")
    auditor.goto(f"{stack.console}/audit/thresholds")
    expect(auditor.locator('[data-threshold="report_delay_hours"]')).to_have_text("24")
    expect(auditor.locator('[data-threshold="satisfaction_threshold"]')).to_contain_text("3.5")
    expect(auditor.locator('[data-threshold="satisfaction_window"]')).to_have_text("4")
    expect(auditor.locator('[data-threshold="dissatisfaction_visit_days"]')).to_have_text("10")
    assert_accessible(auditor)
