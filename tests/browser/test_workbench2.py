"""Workbench II in Chromium, zh-CN: HR, auditor, management and appraisal; live departure progress; axe."""

import time
from datetime import date, timedelta

import httpx
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible, violations
from tests.browser.conftest import new_page, sign_in
from tests.browser.stack import headers


def _clean(page) -> None:  # type: ignore[no-untyped-def]
    assert page.guard.external == [], page.guard.external
    unexpected = [e for e in page.guard.errors if "status of 4" not in e]
    assert unexpected == [], unexpected


def _staff(stack, name: str, employee_no: str, hired: date, health: bool) -> str:  # type: ignore[no-untyped-def]
    answer = httpx.post(
        f"{stack.urls['staffing']}/staff",
        headers=headers("hr-1", "hr"),
        json={
            "employee_no": employee_no,
            "name": name,
            "branch": "城北",
            "hire_date": hired.isoformat(),
            "education": "bachelor",
            "health_attested": health,
            "ethics_attested": True,
        },
        timeout=15,
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def test_hr_roll_filters_and_a_cms_page_with_certification_results(browser, stack):
    page = new_page(browser, stack)
    sign_in(page, stack, "hr", "hr-1")
    expect(page.locator("h1")).to_have_text("人员名册")
    assert_accessible(page)
    page.get_by_label("职级").select_option("senior")
    page.get_by_role("button", name="搜索").click()
    expect(page.locator("[data-manager-row]")).to_have_count(1)
    expect(page.locator(f'[data-manager-row="{stack.ids["senior"]}"]')).to_contain_text("王芳")
    page.get_by_role("link", name="60 天内到期的资格证书").click()
    expect(page.locator("h1")).to_have_text("人员名册")
    page.goto(f"{stack.console}/hr/managers?grade=cm")
    page.get_by_role("link", name="李伟").click()
    expect(page.locator("h1")).to_have_text("李伟")
    expect(page.get_by_role("heading", name="费用与预算")).to_be_visible()
    page.get_by_text("录入考评结果").first.click()
    page.get_by_label("考试日期").fill(date.today().isoformat())
    page.get_by_label("业绩得分").fill("90")
    page.get_by_label("能力得分").fill("85")
    page.get_by_label("考试得分").fill("88")
    page.get_by_role("button", name="录入考评结果").click()
    expect(page.get_by_role("status")).to_contain_text("已通过")
    expect(page.locator("[data-cert]").first).to_contain_text("通过")
    assert_accessible(page)
    _clean(page)


def test_qualification_conditions_are_named_and_another_hr_user_reviews(browser, stack):
    young = _staff(stack, "孙丽", "S001", date.today() - timedelta(days=400), health=False)
    ready = _staff(stack, "周强", "S002", date(2015, 3, 1), health=True)
    page = new_page(browser, stack)
    sign_in(page, stack, "hr", "hr-1")
    page.get_by_role("link", name="资格申请").click()
    for staff_id in (young, ready):
        page.get_by_label("员工").select_option(staff_id)
        page.get_by_role("button", name="提交申请").click()
        expect(page.get_by_role("status")).to_be_visible()
    failed = page.locator("[data-failed]").first
    expect(failed.locator('[data-condition="service"]')).to_contain_text("服务年限")
    expect(failed.locator('[data-condition="health"]')).to_contain_text("身体健康")
    assert_accessible(page)
    reviewer = new_page(browser, stack)
    sign_in(reviewer, stack, "hr", "hr-2")
    reviewer.goto(f"{stack.console}/hr/applications?status=pending_review")
    row = reviewer.locator("[data-application]").filter(has_text="周强")
    row.get_by_label("原因").fill("条件齐备")
    row.get_by_role("button", name="批准").click()
    expect(reviewer.get_by_role("status")).to_contain_text("审查结果已记录")
    expect(
        reviewer.locator("[data-application]").filter(has_text="周强").locator("[data-status]")
    ).to_have_text("已批准")
    _clean(page)
    _clean(reviewer)


def test_a_grade_proposal_waits_for_a_second_hr_user(browser, stack):
    made = httpx.post(
        f"{stack.urls['staffing']}/grade-proposals",
        headers=headers("hr-1", "hr"),
        json={"manager_id": stack.ids["trainee"], "year": 2025, "kind": "promote", "reason": "考核优秀"},
        timeout=15,
    )
    assert made.status_code == 201, made.text
    proposal = made.json()["id"]
    maker = new_page(browser, stack)
    sign_in(maker, stack, "hr", "hr-1")
    maker.get_by_role("link", name="职级建议").click()
    row = maker.locator(f'[data-proposal="{proposal}"]')
    expect(row.locator("[data-maker]")).to_be_visible()
    row.get_by_label("原因").fill("同意")
    row.get_by_role("button", name="确认").click()
    expect(maker.locator("[data-problem]")).to_contain_text("R-Q8")
    assert_accessible(maker)
    checker = new_page(browser, stack)
    sign_in(checker, stack, "hr", "hr-2")
    checker.goto(f"{stack.console}/hr/grade-proposals")
    row = checker.locator(f'[data-proposal="{proposal}"]')
    row.get_by_label("原因").fill("复核同意")
    row.get_by_role("button", name="确认").click()
    expect(checker.get_by_role("status")).to_contain_text("决定已记录")
    checker.goto(f"{stack.console}/hr/grade-proposals?status=confirmed")
    expect(checker.locator(f'[data-proposal="{proposal}"] [data-status]')).to_have_text("已确认")
    _clean(maker)
    _clean(checker)


def _checklist_ready(page, stack, count: int) -> None:  # type: ignore[no-untyped-def]
    """The audit's customer list arrives by event; reload (bounded) until it is there."""
    deadline = time.monotonic() + 30
    while page.locator("section[data-item]").count() < count and time.monotonic() < deadline:
        page.wait_for_timeout(300)
        page.reload()
    expect(page.locator("section[data-item]")).to_have_count(count)


def test_auditor_clears_the_last_customer_and_the_hr_page_shows_departed_without_reload(browser, stack):
    who = stack.ids["cm2"]
    hr = new_page(browser, stack)
    sign_in(hr, stack, "hr", "hr-1")
    hr.goto(f"{stack.console}/hr/managers/{who}")
    hr.locator("#f-depart-reason").fill("调往总社")
    hr.get_by_role("button", name="申请离岗").click()
    expect(hr.get_by_role("status")).to_contain_text("离岗申请已提交")
    expect(hr.locator("#departure [data-status]")).to_have_text("离岗稽核中")
    assert_accessible(hr)
    hr_url = hr.url

    auditor = new_page(browser, stack, width=390, height=844)  # the auditor's journey at phone width
    sign_in(auditor, stack, "auditor", "aud-1")
    expect(auditor.locator("h1")).to_contain_text("离岗稽核")
    deadline = time.monotonic() + 30
    while auditor.locator("[data-waiting]").count() == 0 and time.monotonic() < deadline:
        auditor.wait_for_timeout(300)
        auditor.reload()
    assert_accessible(auditor)
    auditor.locator("[data-waiting]").first.get_by_role("link").click()
    _checklist_ready(auditor, stack, 2)
    assert auditor.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling"
    first = auditor.locator("section[data-item]").first
    first.get_by_text("记录问题").click()
    first.get_by_label("发现的问题", exact=True).fill("贷款调查报告缺少抵押物评估")
    first.get_by_label("证据", exact=True).fill("档案第3页：无抵押物评估报告")
    first.get_by_label("严重程度").select_option("high")
    first.get_by_label("风险金额（元）").fill("150000")
    first.get_by_role("button", name="记录该问题").click()
    expect(auditor.get_by_role("status")).to_contain_text("问题已记录")
    first = auditor.locator("section[data-item]").first
    expect(first).to_contain_text("¥150,000.00")
    expect(first.locator("[data-evidence]").last).to_contain_text("档案第3页：无抵押物评估报告")
    assert_accessible(auditor)
    first.get_by_label("整改情况").fill("已补充评估报告并归档")
    first.get_by_role("button", name="问题已整改").click()
    expect(auditor.get_by_role("status")).to_contain_text("问题已整改")
    for index in range(2):
        item = auditor.locator("section[data-item]").nth(index)
        item.get_by_text("确认该客户无问题").click()
        item.get_by_label("检查内容").fill("档案齐全，无违规")
        item.get_by_role("button", name="清查无误").click()
        expect(auditor.get_by_role("status")).to_contain_text("该客户已清查")
    # the HR page, never reloaded, follows the saga to its end
    assert hr.url == hr_url
    expect(hr.locator("#departure [data-status]")).to_have_text("已离岗", timeout=30_000)
    expect(hr.locator("[data-audit-progress]")).to_contain_text("已清查 2 / 2")
    _clean(hr)
    _clean(auditor)


def test_auditor_findings_compliance_spot_check_reproduction_and_journal(browser, stack):
    page = new_page(browser, stack)
    sign_in(page, stack, "auditor", "aud-1")
    page.get_by_role("link", name="稽核发现").click()
    expect(page.locator("h1")).to_have_text("稽核发现")
    page.get_by_label("状态").select_option("resolved")
    page.get_by_role("button", name="搜索").click()
    assert_accessible(page)
    page.get_by_role("link", name="合规汇总").click()
    expect(page.locator("h1")).to_have_text("合规汇总")
    assert_accessible(page)
    page.get_by_role("link", name="抽查").click()
    page.get_by_label("分层方式").select_option("manager")
    page.get_by_label("样本量").fill("3")
    page.get_by_label("种子（留空则随机生成）").fill("20260401")
    page.get_by_role("button", name="抽取").click()
    expect(page.get_by_role("status")).to_contain_text("样本已抽取")
    expect(page.locator("[data-seed]")).to_have_text("20260401")
    page.get_by_role("link", name="重现抽取").click()
    expect(page.locator('[data-reproduced="true"]')).to_contain_text("样本相同")
    assert_accessible(page)
    page.get_by_role("link", name="日志校验").click()
    page.get_by_role("button", name="校验日志").click()
    expect(page.locator('[data-journal-ok="true"]')).to_contain_text("链条完整")
    assert_accessible(page)
    # axe really runs: an image without a text alternative is a critical violation
    page.evaluate(
        "document.querySelector('main').appendChild(document.createElement('img'))"
        ".src = '/static/favicon.svg'"
    )
    assert "image-alt" in {v["id"] for v in violations(page)}
    _clean(page)


def test_supervisor_runs_the_appraisal_cycle_and_management_reads_the_dashboard(browser, stack):
    page = new_page(browser, stack)
    sign_in(page, stack, "supervisor", "sup-1")
    page.get_by_role("link", name="考核").click()
    expect(page.locator("h1")).to_contain_text("考核")
    year = date.today().year - 1
    page.get_by_label("考核年度").fill(str(year))
    page.get_by_label("评价截止日期").fill((date.today() + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="开启考核").click()
    expect(page.get_by_role("status")).to_contain_text("考核已开启")
    expect(page.locator("h1")).to_contain_text(f"{year} 年度考核")
    expect(page.locator("[data-missing-evaluation]").first).to_be_visible()
    expect(page.locator("[data-reminder]")).to_have_count(0)
    page.get_by_role("button", name="提醒尚未评价的人员").click()
    expect(page.get_by_role("status")).to_contain_text("已发送提醒")
    owed = page.locator("[data-missing-evaluation]").count()
    expect(page.locator("[data-reminder]")).to_have_count(owed)
    assert_accessible(page)
    page.get_by_role("button", name="计算").click()
    expect(page.locator("[data-computed]")).to_contain_text("尚缺评价")
    page.get_by_role("button", name="定稿并发布").click()
    expect(page.locator("[data-problem]")).to_contain_text("未作任何更改")
    expect(page.locator("[data-cycle-status]")).not_to_have_text("已定稿")
    _clean(page)

    target = {
        "name": "青山茶叶合作社",
        "kind": "institutional",
        "scores": {"demand_potential": 8, "prospects": 7, "profitability": 6, "market_share": 5},
        "unmet_needs": True,
        "rcc_can_serve": True,
        "competitive_advantage": True,
        "preliminary_assessment": "年销售额约三千万元，需流动资金贷款。",
    }
    cm = stack.ids["cm"]
    added = httpx.post(
        f"{stack.urls['customer']}/targets", headers=headers(cm, "cm"), json=target, timeout=15
    )
    assert added.status_code == 201, added.text
    boss = new_page(browser, stack)
    sign_in(boss, stack, "management", "mgmt-1")
    expect(boss.locator("h1")).to_have_text("管理看板")
    expect(boss.locator('[data-chart="ch-pipeline"]')).to_contain_text("目标客户")
    for chart in ("ch-grade", "ch-branch", "ch-pay"):
        expect(boss.locator(f'[data-chart="{chart}"]')).to_be_visible()
    expect(boss.locator('[data-chart="ch-grade"]')).to_contain_text("客户经理")
    assert_accessible(boss)
    _clean(boss)

    phone = new_page(browser, stack, width=390, height=844)
    sign_in(phone, stack, "management", "mgmt-1")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390, "charts fit a phone"
    box = phone.locator('[data-chart="ch-grade"]').bounding_box()
    assert box is not None
    assert box["width"] <= 390


def test_a_cm_sees_only_their_own_appraisal_result(browser, stack):
    page = new_page(browser, stack, width=390, height=844)
    sign_in(page, stack, "cm", stack.ids["cm"])
    page.goto(f"{stack.console}/my-results")
    expect(page.locator("h1")).to_have_text("我的考核")
    for sheet in page.locator("[data-sheet]").all():
        assert sheet.get_attribute("data-sheet") == stack.ids["cm"]
    assert_accessible(page)
    assert page.goto(f"{stack.console}/appraisal").status == 403
    _clean(page)


def test_workbench_i_main_pages_have_no_serious_accessibility_violations(browser, stack):
    ids = stack.ids
    pages = {
        ("cm", ids["cm"]): ["/my-day", "/customers", f"/customers/{ids['farm']}", "/expenses/new"],
        ("supervisor", "sup-1"): ["/overview", "/customers", "/customers/new", "/reassignments", "/teams"],
    }
    anonymous = new_page(browser, stack)
    anonymous.goto(f"{stack.console}/sign-in")
    assert_accessible(anonymous)
    for (role, user), paths in pages.items():
        page = new_page(browser, stack)
        sign_in(page, stack, role, user)
        for path in paths:
            page.goto(f"{stack.console}{path}")
            page.wait_for_load_state("networkidle")
            assert_accessible(page)
        _clean(page)


def test_hr_publishes_a_ladder_version_effective_from_a_future_date(browser, stack):
    page = new_page(browser, stack)
    sign_in(page, stack, "hr", "hr-1")
    page.get_by_role("link", name="等级序列").click()
    expect(page.locator("[data-ladder-version]").first).to_contain_text("现行")
    start = date(date.today().year + 1, 1, 1)
    page.get_by_label("施行日期").fill(start.isoformat())
    page.locator("#f-reason").fill("提高合格线")
    page.locator("#f-cm-pass_mark").fill("75")
    page.get_by_role("button", name="发布该版本").click()
    expect(page.get_by_role("status")).to_contain_text("新版职级体系已发布")
    newest = page.locator("[data-ladder-version]").first
    expect(newest).to_contain_text(f"自 {start.isoformat()} 起施行")
    expect(newest).not_to_contain_text("现行")
    assert_accessible(page)
    _clean(page)


def test_an_admin_sets_the_cooperatives_thresholds_and_the_auditor_reads_them(browser, stack):
    admin = new_page(browser, stack)
    sign_in(admin, stack, "admin", "admin-1")
    admin.goto(f"{stack.console}/audit/thresholds")
    admin.get_by_label("核心客户访问间隔（天）").fill("25")
    admin.get_by_role("button", name="保存阈值").click()
    expect(admin.get_by_role("status")).to_contain_text("阈值已保存")
    assert_accessible(admin)
    auditor = new_page(browser, stack)
    sign_in(auditor, stack, "auditor", "aud-1")
    auditor.get_by_role("link", name="合规阈值").click()
    expect(auditor.locator('[data-threshold="visit_interval_core_days"]')).to_have_text("25")
    assert_accessible(auditor)
    _clean(admin)
    _clean(auditor)
