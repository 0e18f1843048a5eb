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


def test_the_cms_page_shows_risks_decision_without_reload(browser, stack):
    page = new_page(browser, stack)
    sign_in(page, stack, "cm", stack.ids["cm"])
    page.goto(f"{stack.console}/customers/{stack.ids['shop']}")
    page.get_by_role("link", name="提出授信建议").click()
    page.get_by_label("金额（元）").fill("200000")
    page.get_by_label("期限（月）").fill("12")
    page.get_by_label("用途").fill("进货周转")
    page.get_by_label("建议理由").fill("经营稳定，存款往来良好")
    page.get_by_role("button", name="提交授信建议").click()
    expect(page.get_by_role("status")).to_contain_text("业务建议已报送风险控制部门")
    url = page.url
    page.evaluate("window.stillHere = true")  # gone if the page were reloaded
    rec = page.locator("[data-recommendation]")
    # risk decides on risk.credit-decisions; the fragment refreshes itself (ADR 0009) until it shows it
    expect(rec.locator("[data-status]")).to_have_text("已批准", timeout=30_000)
    expect(rec).to_contain_text("风险控制部门于")
    assert rec.get_attribute("hx-get") is None, "a decided recommendation stops polling"
    assert page.url == url
    assert page.evaluate("window.stillHere === true"), "the page was not reloaded"
    assert_accessible(page)
    _clean(page)


def test_the_makers_page_shows_the_grade_confirmation_without_reload(browser, stack):
    made = httpx.post(
        f"{stack.urls['staffing']}/grade-proposals",
        headers=headers("hr-1", "hr"),
        json={"manager_id": stack.ids["senior"], "year": 2025, "kind": "keep", "reason": "考核合格"},
        timeout=15,
    )
    assert made.status_code == 201, made.text
    proposal = made.json()["id"]
    maker = new_page(browser, stack)
    sign_in(maker, stack, "hr", "hr-1")
    maker.get_by_role("link", name="职级建议").click()
    row = maker.locator(f'[data-proposal="{proposal}"]')
    expect(row.locator("[data-status]")).to_have_text("待决定")
    expect(row).to_have_attribute("hx-trigger", "every 2s")
    url = maker.url
    maker.evaluate("window.stillHere = true")  # gone if the page were reloaded
    assert_accessible(maker)

    checker = new_page(browser, stack)
    sign_in(checker, stack, "hr", "hr-2")
    checker.goto(f"{stack.console}/hr/grade-proposals")
    other = checker.locator(f'[data-proposal="{proposal}"]')
    assert other.get_attribute("hx-get") is None, "only the maker's page waits"
    other.get_by_label("原因").fill("复核同意")
    other.get_by_role("button", name="确认").click()
    expect(checker.get_by_role("status")).to_contain_text("决定已记录")

    expect(row.locator("[data-status]")).to_have_text("已确认", timeout=30_000)
    expect(row).to_contain_text("hr-2")
    assert row.get_attribute("hx-get") is None, "a decided proposal stops polling"
    assert maker.url == url
    assert maker.evaluate("window.stillHere === true"), "the page was not reloaded"
    _clean(maker)
    _clean(checker)
