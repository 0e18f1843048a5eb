"""The Workbench's import page in Chromium, zh-CN (issue 21): template, a bad row found, fixed, committed."""

import csv
import io
from pathlib import Path

import httpx
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.conftest import new_page, sign_in
from tests.browser.stack import headers

ROWS = [
    ["IMP001", "周一", "cm", "2027-06-30", "CG01"],
    ["IMP002", "吴二", "经理", "2027-06-30", "CG01"],  # not a grade: refused, row 3, column 等级
]
OFFICES = [
    {"line": 2, "values": {"code": "HQ", "name": "联社"}},
    {"line": 3, "values": {"code": "CG01", "name": "城关信用社", "parent_code": "HQ"}},
]


def _csv(headers: list[str], rows: list[list[str]]) -> bytes:
    """A CSV as Chinese Excel saves it: GB18030."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(row + [""] * (len(headers) - len(row)))
    return out.getvalue().encode("gb18030")


def _upload(page, data: bytes) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("文件内容").select_option("staff")
    page.get_by_label("文件（XLSX 或 CSV）").set_input_files(
        {"name": "客户经理.csv", "mimeType": "text/csv", "buffer": data}
    )
    page.get_by_role("button", name="检查文件（试运行）").click()
    expect(page.locator("h1")).to_contain_text("客户经理.csv")


def test_hr_imports_staff_finds_the_bad_row_fixes_it_commits_and_sees_the_summary(browser, stack):
    offices = httpx.post(
        f"{stack.urls['staffing']}/imports/offices",
        headers=headers("hr-1", "hr"),
        json={"file": "机构.csv", "dry_run": False, "rows": OFFICES},
        timeout=30,
    )
    assert offices.status_code == 200, offices.text
    assert offices.json()["refused"] == 0, offices.text
    page = new_page(browser, stack)
    sign_in(page, stack, "hr", "hr-1")
    page.get_by_role("link", name="导入", exact=True).click()
    expect(page.locator("h1")).to_have_text("导入")
    assert_accessible(page)

    with page.expect_download() as download:
        page.locator('[data-template="staff"]').click()
    assert download.value.suggested_filename.endswith(".xlsx"), download.value.suggested_filename
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).worksheets[0]
    columns = [str(c.value) for c in sheet[1]]
    assert columns[:3] == ["工号*", "姓名*", "等级*"]

    _upload(page, _csv(columns, ROWS))
    problem = page.locator('[data-problem-line="3"][data-column="grade"]')
    expect(problem).to_contain_text("客户经理.csv")
    expect(problem).to_contain_text("等级")
    expect(problem).to_contain_text("不在可选值")
    expect(page.locator('[data-summary="dry-run"] [data-count="refused"]')).to_have_text("1")
    expect(page.locator("[data-commit]")).to_be_disabled()
    assert_accessible(page)

    page.get_by_role("link", name="上传其他文件").click()
    fixed = [ROWS[0], [*ROWS[1][:2], "cm", *ROWS[1][3:]]]
    _upload(page, _csv(columns, fixed))
    expect(page.locator("[data-dry-clean]")).to_have_text("未发现问题。")
    expect(page.locator('[data-summary="dry-run"] [data-count="created"]')).to_have_text("2")
    page.get_by_role("button", name="提交写入本文件").click()
    summary = page.locator('[data-summary="commit"]')
    expect(summary.locator('[data-count="created"]')).to_have_text("2", timeout=30_000)
    expect(summary.locator('[data-count="refused"]')).to_have_text("0")
    expect(page.locator("[data-committed]")).to_contain_text("已写入")
    for label in ("新增", "更新", "未变", "标记不合规", "拒绝"):
        expect(summary).to_contain_text(label)
    assert_accessible(page)

    page.get_by_role("link", name="上传其他文件").click()  # the same file again changes nothing
    _upload(page, _csv(columns, fixed))
    expect(page.locator('[data-summary="dry-run"] [data-count="unchanged"]')).to_have_text("2")
    expect(page.locator('[data-summary="dry-run"] [data-count="created"]')).to_have_text("0")

    assert page.guard.external == [], page.guard.external
    assert [e for e in page.guard.errors if "status of 4" not in e] == [], page.guard.errors
