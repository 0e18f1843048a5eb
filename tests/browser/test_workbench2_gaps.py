"""Workbench II gaps in Chromium, zh-CN: the auditors' access log page (issue 17)."""

import time
from datetime import date, timedelta

import httpx
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.conftest import new_page, sign_in
from tests.browser.stack import headers


def _clean(page) -> None:  # type: ignore[no-untyped-def]
    assert page.guard.external == [], page.guard.external
    unexpected = [e for e in page.guard.errors if "status of 4" not in e]
    assert unexpected == [], unexpected


def test_an_auditor_reads_who_read_a_customer_filtered_and_paged(browser, stack):
    farm = stack.ids["farm"]
    read = httpx.get(f"{stack.urls['customer']}/customers/{farm}", headers=headers("sup-7", "supervisor"))
    assert read.status_code == 200, read.text
    page = new_page(browser, stack)
    sign_in(page, stack, "auditor", "aud-1")
    page.get_by_role("link", name="客户信息查阅记录").click()
    expect(page.locator("h1")).to_have_text("客户信息查阅记录")
    page.get_by_label("客户编号").fill(farm)
    page.get_by_label("用户").fill("sup-7")
    page.get_by_role("button", name="搜索").click()
    deadline = time.monotonic() + 30  # reads are written every few seconds: reload (bounded) until there
    while page.locator("[data-access]").count() == 0 and time.monotonic() < deadline:
        page.wait_for_timeout(300)
        page.reload()
    rows = page.locator("[data-access]")
    expect(rows.first).to_contain_text("sup-7")
    expect(rows.first).to_contain_text("主管")
    assert {rows.nth(i).get_attribute("data-access") for i in range(rows.count())} == {farm}
    assert_accessible(page)

    today = date.today()
    page.get_by_label("起始日期").fill((today - timedelta(days=3)).isoformat())
    page.get_by_label("截止日期（含当日）").fill((today - timedelta(days=2)).isoformat())
    page.get_by_role("button", name="搜索").click()
    expect(page.locator("tbody")).to_contain_text("没有符合条件的查阅记录")
    page.get_by_label("截止日期（含当日）").fill(today.isoformat())
    page.get_by_role("button", name="搜索").click()
    expect(page.locator("[data-access]").first).to_contain_text("sup-7")

    bad = page.goto(f"{stack.console}/audit/access-log?since=2026-13-45")
    assert bad is not None
    assert bad.status == 422
    expect(page.locator("#err-since")).to_contain_text("yyyy-mm-dd")
    assert page.goto(f"{stack.console}/audit/access-log?offset=-1").status == 400  # type: ignore[union-attr]
    cm = new_page(browser, stack)
    sign_in(cm, stack, "cm", stack.ids["cm"])
    assert cm.goto(f"{stack.console}/audit/access-log").status == 403  # type: ignore[union-attr]
    _clean(page)
