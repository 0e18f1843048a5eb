"""A CM's and a supervisor's day in Chromium against the suite on PostgreSQL."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import new_page, sign_in
from tests.browser.stack import Stack, postgres_stack

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, postgres_admin_url: str) -> Iterator[Stack]:
    """The suite with one fresh PostgreSQL database per service, dropped afterwards."""
    with postgres_stack(tmp_path_factory.mktemp("browser-pg"), postgres_admin_url, "browser") as running:
        yield running


def test_cm_and_supervisor_pages_on_postgresql(browser, stack):
    page = new_page(browser, stack, width=390, height=844)
    sign_in(page, stack, "cm", stack.ids["cm"])
    expect(page.locator(f'[data-overdue="{stack.ids["farm"]}"]')).to_contain_text("陈家农场")
    page.get_by_role("link", name="我的客户").click()
    expect(page.locator("tbody tr")).to_have_count(4)
    expect(page.get_by_role("navigation", name="分页")).to_contain_text("第 1–4 条")
    page.get_by_role("link", name="陈家农场").first.click()
    page.get_by_role("link", name="登记电话维护").click()
    page.get_by_label("摘要").fill("电话回访，客户资金周转正常")
    page.get_by_role("button", name="提交访问报告").click()
    expect(page.get_by_role("status")).to_contain_text("访问报告已提交")
    expect(page.locator("table").filter(has_text="电话维护").first).to_be_visible()

    boss = new_page(browser, stack)
    sign_in(boss, stack, "supervisor", "sup-1")
    expect(boss.locator(f'[data-noncompliant="{stack.ids["coop"]}"]')).to_contain_text(
        "两名以上客户经理并明确第一负责人"
    )
    expect(boss.get_by_role("heading", name="各客户经理逾期未访问")).to_be_visible()
    assert page.guard.external == []
    assert boss.guard.external == []
