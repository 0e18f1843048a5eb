"""The Workbench's import page in-process over a fake backend: templates, upload, dry run, commit, summary."""

import io
import json
import re
import time

import httpx
import pytest
from openpyxl import load_workbook

from services.console.import_jobs import ImportJobs, StagedImport
from steward.book_kinds import BOOK, csv_of, template
from tests.support import eventually_sync
from tests.unit.console_fakes import EXTERNAL, Fake, _client, _csrf, _every_field_is_labelled, sign_in

STAFF_ROWS = [
    {"employee_no": "E0001", "name": "张三", "grade": "cm", "office_code": "CG01"},
    {"employee_no": "E0002", "name": "李四", "grade": "经理", "office_code": "CG01"},
]
BAD_GRADE = {
    "file": "客户经理.csv",
    "line": 3,
    "column": "grade",
    "message": "经理 不在可选值 ['cm', 'senior', 'trainee'] 之中",
    "refused": True,
}


def _summary(dry_run: bool, refused: int = 0, problems: list | None = None, **counts: int) -> dict:
    return {"dry_run": dry_run, "rows": 2, "refused": refused, "problems": problems or [], "ids": {}} | counts


def _staff_endpoint(fake: Fake, sent: list[dict]) -> None:
    """The staffing service's /imports/staff: refuses a bad grade, else creates (then leaves unchanged)."""

    def answer(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        sent.append(body | {"lang": request.headers["accept-language"]})
        bad = [r for r in body["rows"] if r["values"].get("grade") not in ("cm", "senior", "trainee")]
        if bad:
            return httpx.Response(200, json=_summary(True, refused=1, problems=[BAD_GRADE], created=0))
        if body["dry_run"]:
            return httpx.Response(200, json=_summary(True, created=2))
        return httpx.Response(200, json=_summary(False, created=2))

    fake.routes[("POST", "/imports/staff")] = answer


def _upload(client, name: str, data: bytes, kind: str = "staff"):  # type: ignore[no-untyped-def]
    form = client.get("/imports")
    assert form.status_code == 200
    return client.post(
        "/imports",
        data={"csrf_token": _csrf(form.text), "kind": kind},
        files={"file": (name, data, "text/csv")},
    )


def _poll_done(client, location: str) -> str:  # type: ignore[no-untyped-def]
    def done() -> str | None:
        fragment = str(client.get(f"{location}/progress?poll=1").text)
        return None if 'data-state="committing"' in fragment else fragment

    return eventually_sync(done, timeout=10, what="the commit to finish", interval=0.05)


def test_hr_and_supervisors_find_the_import_page_and_a_cm_does_not(fake):
    with _client(fake) as client:
        sign_in(client, "hr", "hr-1")
        home = client.get("/hr/managers")
        assert '<a href="/imports"' in home.text
        assert ">导入<" in home.text
        page = client.get("/imports")
        assert page.status_code == 200
        assert 'aria-current="page">导入</li>' in page.text  # the breadcrumb
        for kind in BOOK:
            assert f'href="/imports/templates/{kind}.xlsx"' in page.text
    with _client(fake) as client:
        sign_in(client, "supervisor", "sup-1")
        assert client.get("/imports").status_code == 200
    with _client(fake) as client:
        sign_in(client)
        assert client.get("/imports").status_code == 403


def test_the_templates_are_the_clis_in_either_language(fake):
    with _client(fake) as client:
        sign_in(client, "hr", "hr-1")
        answer = client.get("/imports/templates/customers.xlsx")
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
        assert "attachment" in answer.headers["content-disposition"]
        sheet = load_workbook(io.BytesIO(answer.content)).worksheets[0]
        expected = load_workbook(io.BytesIO(template(BOOK["customers"], "zh-CN"))).worksheets[0]
        assert [c.value for c in sheet[1]] == [c.value for c in expected[1]]
        assert sheet["A1"].value == "核心系统客户号*"
        english = client.get("/imports/templates/customers.xlsx?lang=en")
        assert load_workbook(io.BytesIO(english.content)).worksheets[0]["A1"].value == "Core-banking number*"
        assert client.get("/imports/templates/nothing.xlsx").status_code == 404


def test_a_gb18030_csv_with_a_bad_row_shows_its_file_row_and_column_in_chinese_and_cannot_commit(fake):
    sent: list[dict] = []
    _staff_endpoint(fake, sent)
    data = csv_of(BOOK["staff"], STAFF_ROWS).encode("gb18030")
    with _client(fake) as client:
        sign_in(client, "hr", "hr-1")
        answer = _upload(client, "客户经理.csv", data)
        assert answer.status_code == 303
        location = answer.headers["location"]
        page = client.get(location)
    assert sent[0]["dry_run"] is True
    assert sent[0]["lang"] == "zh-CN"
    assert sent[0]["file"] == "客户经理.csv"
    assert [r["line"] for r in sent[0]["rows"]] == [2, 3]
    assert sent[0]["rows"][1]["values"]["grade"] == "经理"
    row = re.search(r'<tr data-problem-line="3" data-column="grade">.*?</tr>', page.text, re.S)
    assert row, page.text
    assert "客户经理.csv" in row.group(0)
    assert ">等级<" in row.group(0)  # the column as the template names it, in the user's language
    assert "不在可选值" in row.group(0)
    assert 'data-count="refused">1<' in page.text
    assert re.search(r"<button[^>]*data-commit[^>]*disabled", page.text)
    assert len(sent) == 1, "a dry run only"


def test_a_clean_dry_run_commits_once_and_shows_the_summary(fake):
    sent: list[dict] = []
    _staff_endpoint(fake, sent)
    rows = [{**STAFF_ROWS[0]}, {**STAFF_ROWS[1], "grade": "senior"}]
    with _client(fake) as client:
        sign_in(client, "hr", "hr-1")
        location = _upload(client, "客户经理.csv", csv_of(BOOK["staff"], rows).encode("utf-8-sig")).headers[
            "location"
        ]
        page = client.get(location)
        button = re.search(r"<button[^>]*data-commit[^>]*>", page.text)
        assert button
        assert "disabled" not in button.group(0)
        assert client.post(f"{location}/commit", data={"csrf_token": _csrf(page.text)}).status_code == 303
        fragment = _poll_done(client, location)
        again = client.post(f"{location}/commit", data={"csrf_token": _csrf(page.text)})
        assert again.status_code == 303
        final = client.get(location).text
    assert [s["dry_run"] for s in sent] == [True, False], "one commit, never two"
    assert sent[1]["rows"] == sent[0]["rows"]
    assert 'data-state="done"' in fragment
    assert 'data-summary="commit"' in fragment
    assert 'data-count="created">2<' in fragment
    for label in ("新增", "更新", "未变", "标记不合规", "拒绝"):
        assert label in final
    assert "hx-get" not in fragment, "polling stops once the summary is there"


def test_the_progress_polls_boundedly_while_the_commit_runs(fake):
    sent: list[dict] = []
    _staff_endpoint(fake, sent)
    rows = [{**STAFF_ROWS[0]}]
    with _client(fake) as client:
        sign_in(client, "hr", "hr-1")
        location = _upload(client, "s.csv", csv_of(BOOK["staff"], rows).encode()).headers["location"]
        assert "尚未开始提交写入" in client.get(f"{location}/progress").text
        jobs: ImportJobs = client.app.state.imports  # type: ignore[attr-defined]
        staged = next(iter(jobs.items.values()))
        staged.started = time.monotonic()  # as while the service is still writing
        fragment = client.get(f"{location}/progress?poll=4").text
        assert f'hx-get="{location}/progress?poll=5"' in fragment
        assert 'hx-trigger="every 1s"' in fragment
        assert "<progress" in fragment
        assert 'aria-live="polite"' in fragment
        last = client.get(f"{location}/progress?poll=1800").text
        assert "hx-get" not in last
        assert "停止自动刷新" in last


def test_another_users_import_answers_like_an_unknown_one(fake):
    _staff_endpoint(fake, [])
    with _client(fake) as client:
        sign_in(client, "hr", "hr-1")
        location = _upload(client, "s.csv", csv_of(BOOK["staff"], STAFF_ROWS[:1]).encode()).headers[
            "location"
        ]
        assert client.get(location).status_code == 200
        client.cookies.clear()
        sign_in(client, "hr", "hr-2")
        assert client.get(location).status_code == 404
        assert client.get(f"{location}/progress").status_code == 404
        assert client.get("/imports/not-an-id").status_code == 404


def test_the_services_refusal_is_shown_and_nothing_is_kept(fake):
    forbidden = {"type": "about:blank", "title": "Forbidden", "status": 403, "detail": "无权导入"}
    fake.on("POST", "/imports/staff", 403, forbidden)
    with _client(fake) as client:
        sign_in(client, "supervisor", "sup-1")
        answer = _upload(client, "s.csv", csv_of(BOOK["staff"], STAFF_ROWS[:1]).encode())
        assert answer.status_code == 403
        assert "无权导入" in answer.text
        assert not client.app.state.imports.items  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("name", "data", "shown"),
    [
        ("s.csv", "工号,姓名\r\n".encode("utf-16"), "无法读取该文件"),
        ("s.txt", b"x", "须为 XLSX 工作簿或 CSV 文件"),
        ("s.csv", "工号,姓名,等级\r\n".encode(), "没有数据行"),
        ("s.xlsx", b"not a workbook", "无法读取该文件"),
    ],
)
def test_an_unreadable_file_is_refused_in_chinese_before_any_service_call(fake, name, data, shown):
    with _client(fake) as client:
        sign_in(client, "hr", "hr-1")
        answer = _upload(client, name, data)
    assert answer.status_code == 422
    assert shown in answer.text
    assert not [r for r in fake.requests if r.url.path.startswith("/imports")]


def test_english_on_request_names_the_column_in_english(fake):
    _staff_endpoint(fake, sent := [])
    with _client(fake) as client:
        client.cookies.set("steward_lang", "en")
        sign_in(client, "hr", "hr-1")
        location = _upload(client, "s.csv", csv_of(BOOK["staff"], STAFF_ROWS, "en").encode()).headers[
            "location"
        ]
        page = client.get(location).text
    assert sent[0]["lang"] == "en"
    assert ">Grade<" in page
    assert "Dry run: nothing was written" in page


def test_a_forged_commit_is_refused(fake):
    _staff_endpoint(fake, sent := [])
    with _client(fake) as client:
        sign_in(client, "hr", "hr-1")
        location = _upload(client, "s.csv", csv_of(BOOK["staff"], STAFF_ROWS).encode()).headers["location"]
        page = client.get(location)
        assert client.post(f"{location}/commit", data={"csrf_token": "nope"}).status_code == 403
        assert client.post(f"{location}/commit", data={"csrf_token": _csrf(page.text)}).status_code == 409
    assert [s["dry_run"] for s in sent] == [True]


def test_the_import_pages_carry_no_external_url_inline_code_or_unlabelled_field(fake):
    _staff_endpoint(fake, [])
    with _client(fake) as client:
        sign_in(client, "hr", "hr-1")
        location = _upload(client, "s.csv", csv_of(BOOK["staff"], STAFF_ROWS).encode()).headers["location"]
        for path in ("/imports", location):
            page = client.get(path)
            assert not EXTERNAL.findall(page.text), path
            assert not re.search(r"<script(?![^>]*\ssrc=)", page.text), path
            assert not re.search(r"\s(on[a-z]+|style)=", page.text), path
            _every_field_is_labelled(path, page.text)


def test_staged_files_are_bounded_expire_and_keep_no_rows_they_cannot_commit():
    def staged(i: int, refused: int = 0) -> StagedImport:
        dry = _summary(True, refused=refused)
        return StagedImport(f"i-{i}", "rcc-demo", "hr-1", "staff", "s.csv", [{"line": 2}], [], dry)

    jobs = ImportJobs(capacity=2, keep_seconds=60)
    for i in range(3):
        jobs.add(staged(i))
    assert list(jobs.items) == ["i-1", "i-2"], "the oldest makes room"
    assert jobs.get("i-2", "rcc-demo", "hr-9") is None, "another user's file answers like an unknown one"
    assert jobs.get("i-2", "other-coop", "hr-1") is None
    jobs.items["i-1"].created -= 61
    assert jobs.get("i-1", "rcc-demo", "hr-1") is None, "kept an hour by default, here a minute"
    refused = staged(4, refused=1)
    assert refused.rows == []
    assert refused.row_count == 1
    assert not refused.clean


def test_an_xlsx_template_filled_in_is_read_as_the_cli_reads_it(fake):
    sent: list[dict] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(200, json=_summary(True, created=1) | {"rows": 1})

    fake.routes[("POST", "/imports/offices")] = answer
    with _client(fake) as client:
        sign_in(client, "hr", "hr-1")
        assert _upload(client, "机构.xlsx", template(BOOK["offices"]), "offices").status_code == 303
    assert sent[0]["rows"] == [
        {
            "line": 2,
            "values": {
                "code": "CG01",
                "name": "城关信用社",
                "parent_code": "HQ",
                "effective_from": "2026-01-01",
            },
        }
    ]


def test_a_commit_the_service_does_not_answer_says_so_and_polling_stops(fake):
    sent: list[dict] = []
    _staff_endpoint(fake, sent)
    with _client(fake) as client:
        sign_in(client, "hr", "hr-1")
        location = _upload(client, "s.csv", csv_of(BOOK["staff"], STAFF_ROWS[:1]).encode()).headers[
            "location"
        ]
        fake.on("POST", "/imports/staff", 503, {"title": "Service Unavailable", "status": 503, "detail": ""})
        page = client.get(location)
        client.post(f"{location}/commit", data={"csrf_token": _csrf(page.text)})
        fragment = _poll_done(client, location)
    assert 'data-state="failed"' in fragment
    assert "服务没有响应" in fragment
    assert "hx-get" not in fragment
