"""The Workbench's journeys in Chromium, asserting what the user sees (SQLite suite)."""

import re
import time
from datetime import date, timedelta

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import new_page, sign_in
from tests.browser.stack import headers


def _no_external_requests(page) -> None:
    assert page.guard.external == [], page.guard.external
    # 4xx/5xx of a refused form are expected; anything else (CSP, script errors) is not
    unexpected = [e for e in page.guard.errors if "status of 4" not in e]
    assert unexpected == [], unexpected


def test_supervisor_opens_a_customer_and_assigns_two_cms(browser, stack):
    page = new_page(browser, stack)
    sign_in(page, stack, "supervisor", "sup-1")
    expect(page.locator("h1")).to_have_text("总览")
    expect(page.locator(f'[data-noncompliant="{stack.ids["coop"]}"]')).to_contain_text("R-C3")
    page.get_by_role("link", name="客户", exact=True).click()
    page.get_by_label("搜索：名称、档案编号、电话或外部编号").fill("红星")
    page.get_by_role("button", name="搜索").click()  # htmx swaps the results in place
    page.get_by_role("link", name="红星农机合作社").click()
    expect(page.locator("[data-noncompliant]")).to_have_text("不合规")
    page.get_by_role("link", name="配置客户经理").click()
    page.get_by_label("第一负责人").select_option(stack.ids["cm2"])
    page.get_by_label("王芳 · 高级客户经理").check()
    page.get_by_label("原因").fill("中型客户须两名客户经理")
    page.get_by_role("button", name="保存配置").click()
    expect(page.get_by_role("status")).to_contain_text("客户经理配置已更改")
    served = page.locator("[data-manager]")
    expect(served).to_have_count(2)
    expect(page.locator(f'[data-manager="{stack.ids["cm2"]}"]')).to_contain_text("张敏 — 第一负责人")
    expect(page.locator(f'[data-manager="{stack.ids["senior"]}"]')).to_contain_text("王芳 — 协办客户经理")
    _no_external_requests(page)


def test_supervisor_opens_a_customer_file_served_by_two_cms(browser, stack):
    page = new_page(browser, stack)
    sign_in(page, stack, "supervisor", "sup-1")
    page.get_by_role("link", name="客户", exact=True).click()
    page.get_by_role("link", name="建立客户档案").click()
    page.get_by_label("名称").fill("山前果园")
    page.get_by_label("规模").select_option("medium")
    page.get_by_label("第一负责人").select_option(stack.ids["cm"])
    page.get_by_label("协办客户经理: 王芳 · 高级客户经理").check()
    page.get_by_role("button", name="建立档案").click()
    expect(page.get_by_role("status")).to_contain_text("客户档案已建立")
    expect(page.locator("h1")).to_contain_text("山前果园")
    expect(page.locator("p > .tag.good")).to_have_text("合规")
    expect(page.locator(f'[data-manager="{stack.ids["cm"]}"]')).to_contain_text("李伟 — 第一负责人")
    expect(page.locator(f'[data-manager="{stack.ids["senior"]}"]')).to_contain_text("王芳 — 协办客户经理")
    _no_external_requests(page)


def test_R_C3_refusal_shows_the_rule_and_its_zh_cn_message_and_changes_nothing(browser, stack):
    page = new_page(browser, stack)
    sign_in(page, stack, "supervisor", "sup-1")
    page.goto(f"{stack.console}/customers/{stack.ids['mill']}/assignment")
    page.get_by_label("第一负责人").select_option(stack.ids["senior"])
    page.get_by_label("李伟 · 客户经理").uncheck()
    page.get_by_role("button", name="保存配置").click()
    refusal = page.locator("[data-problem]")
    expect(refusal.locator('[data-rule="R-C3"]')).to_have_text("R-C3 两名以上客户经理并明确第一负责人")
    expect(refusal).to_contain_text("客户经理配置不符合规则")  # the service's own zh-CN message
    expect(refusal).to_contain_text("未作任何更改")
    page.goto(f"{stack.console}/customers/{stack.ids['mill']}")
    expect(page.locator(f'[data-manager="{stack.ids["cm"]}"]')).to_contain_text("李伟 — 协办客户经理")
    _no_external_requests(page)


def test_cm_files_a_maintenance_visit_at_phone_width_and_the_overdue_flag_clears(browser, stack):
    page = new_page(browser, stack, width=390, height=844)
    sign_in(page, stack, "cm", stack.ids["cm"])
    expect(page.locator("h1")).to_contain_text("今日工作")
    overdue = page.locator(f'[data-overdue="{stack.ids["farm"]}"]')
    expect(overdue).to_contain_text("陈家农场")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling on a phone"
    overdue.get_by_role("link", name="陈家农场").click()
    page.get_by_role("link", name="填写维护访问").click()
    for item in ("问候客户", "总结双方协议", "询问满意程度", "说明访问目的", "倾听客户意见", "征求客户意见"):
        page.get_by_label(item).check()
    page.get_by_label("发现的问题").fill("灌溉设备需更新")
    page.get_by_label("下次访问日期").fill((date.today() + timedelta(days=25)).isoformat())
    page.get_by_label("客户满意度（1 很不满意 – 5 很满意）").select_option("5")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="提交访问报告").click()
    expect(page.get_by_role("status")).to_contain_text("访问报告已提交")
    expect(page.locator("table").filter(has_text="维护访问").first).to_be_visible()
    page.get_by_role("link", name="今日工作").click()
    expect(page.locator(f'[data-overdue="{stack.ids["farm"]}"]')).to_have_count(0)
    _no_external_requests(page)


def test_cm_recommends_credit_and_later_sees_the_risk_decision(browser, stack):
    page = new_page(browser, stack)
    sign_in(page, stack, "cm", stack.ids["cm"])
    page.goto(f"{stack.console}/customers/{stack.ids['shop']}")
    # the file sections load in place (htmx) when scrolled into view
    page.locator("#sections").scroll_into_view_if_needed()
    expect(page.locator("#sections details summary").first).to_contain_text("财务")
    page.get_by_role("link", name="提出授信建议").click()
    page.get_by_label("金额（元）").fill("200000")
    page.get_by_label("期限（月）").fill("12")
    page.get_by_label("用途").fill("进货周转")
    page.get_by_label("建议理由").fill("经营稳定，存款往来良好")
    page.get_by_role("button", name="提交授信建议").click()
    expect(page.get_by_role("status")).to_contain_text("业务建议已报送风险控制部门")
    rec = page.locator("[data-recommendation]")
    expect(rec).to_contain_text("¥200,000.00")
    # risk decides on risk.credit-decisions; the customer service records it; the page shows it on reload
    deadline = time.monotonic() + 30
    while "已批准" not in rec.inner_text() and time.monotonic() < deadline:
        page.wait_for_timeout(300)
        page.reload()
    expect(rec.locator("[data-status]")).to_have_text("已批准")
    expect(rec).to_contain_text("风险控制部门于")
    _no_external_requests(page)


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        (
            "zh-CN",
            {
                "title": "批量调整客户",
                "preview": "预览",
                "reason": "原因",
                "confirm": "确认：全部调整或全部不变",
                "nothing": "未作任何更改",
                "refused": "被规则拒绝",
            },
        ),
        (
            "en",
            {
                "title": "Bulk reassignment",
                "preview": "Preview",
                "reason": "Reason",
                "confirm": "Confirm: move all or none",
                "nothing": "Nothing was changed.",
                "refused": "Refused by the rules",
            },
        ),
    ],
)
def test_bulk_reassignment_with_one_refused_customer_changes_nothing(browser, stack, locale, words):
    page = new_page(browser, stack, locale=locale)
    sign_in(page, stack, "supervisor", "sup-1")
    page.get_by_role("link", name=words["title"]).first.click()
    page.locator("#f-from_manager_id").select_option(stack.ids["cm"])
    page.locator("#f-to_manager_id").select_option(stack.ids["trainee"])
    page.get_by_role("button", name=words["preview"]).click()
    for key in ("farm", "shop", "lake"):
        expect(page.locator(f'[data-preview="{stack.ids[key]}"]')).to_be_visible()
    page.get_by_label(words["reason"]).fill("调岗")
    page.get_by_role("button", name=words["confirm"]).click()
    expect(page.locator("[data-problem]")).to_contain_text(words["nothing"])
    expect(page.locator("[data-refusals]")).to_contain_text(re.compile(r"R-Q5"))
    # the refused customer is marked in the preview with its rule; the others are allowed
    expect(page.locator(f'[data-refused="{stack.ids["lake"]}"]').first).to_contain_text("R-Q5")
    expect(page.locator(f'[data-preview="{stack.ids["shop"]}"] .tag.good')).to_be_visible()
    expect(page.get_by_role("heading", name=words["refused"])).to_be_visible()
    # all or nothing: the CM still serves every customer
    answer = httpx.get(
        f"{stack.urls['customer']}/customers",
        params={"manager_id": stack.ids["cm"]},
        headers=headers("sup-1", "supervisor"),
    )
    assert {stack.ids[k] for k in ("farm", "shop", "lake")} <= {c["id"] for c in answer.json()}
    _no_external_requests(page)


def test_a_supervisor_signs_in_and_reaches_the_overview_with_the_keyboard_only(browser, stack):
    page = new_page(browser, stack)
    page.goto(f"{stack.console}/sign-in?org=rcc-browser")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到正文", "the skip link comes first"
    for _ in range(30):
        page.keyboard.press("Tab")
        active = page.evaluate("[document.activeElement.id, document.activeElement.type]")
        if active == ["role-cm", "radio"]:
            page.keyboard.press("ArrowDown")  # the supervisor role
        elif active[0] == "f-user_id":
            page.keyboard.press("Control+A")
            page.keyboard.type("sup-1")
        elif active[1] == "submit" and page.evaluate("document.activeElement.closest('form.card') !== null"):
            page.keyboard.press("Enter")
            break
    expect(page.locator("h1")).to_have_text("总览")
    # focus is visible: the focused element gets an outline
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    _no_external_requests(page)
