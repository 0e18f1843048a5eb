"""Every route of the four services answers errors as RFC 9457 problems, in the caller's language.

Routes are enumerated from each app (in-process, httpx over ASGI, no broker), so routes added later are
covered: without a token (401), with a role the route refuses (403), with an allowed role and unknown ids
or an invalid body (404/422), an unknown path (404), a refused DOMAIN rule (rule_id, zh-CN detail), and
the input that used to cost a 500: NaN, 1e400, lone surrogates, undecodable bytes, NUL characters.
"""

from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from sqlalchemy import exc as sqlalchemy_exc

from shared.auth import Role
from shared.messages import clip
from tests.inprocess import (
    SERVICES,
    Offline,
    build_app,
    http_routes,
    migrations,
    offline_settings,
    serve_offline,
)
from tests.support import auth, running

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance", "code", "rule_id", "errors"}
WRITE = {"POST", "PUT", "PATCH", "DELETE"}
LONG = "L" * 5000  # a request value no error may echo at length


def assert_problem(response: httpx.Response, status: int, code: str | None = None, zh: bool = False) -> Any:
    """The answer is a problem of this status (and code) whose texts are in the asked language."""
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"] == "application/problem+json", response.headers
    assert response.headers["content-language"] == ("zh-CN" if zh else "en")
    assert response.headers["x-content-type-options"] == "nosniff"
    problem = response.json()
    assert set(problem) == PROBLEM_KEYS, problem
    assert problem["status"] == status
    assert problem["type"] == f"/problems/{problem['code']}"
    assert problem["instance"] == clip(unquote(response.request.url.path))
    if code is not None:
        assert problem["code"] == code, problem
    for error in problem["errors"]:
        assert set(error) == {"loc", "pointer", "message"}, error
        assert error["message"], error
    assert LONG[:201] not in response.text, "an input value came back at length"
    assert "Traceback" not in response.text
    assert "Value error" not in response.text
    chinese = any("\u4e00" <= ch <= "\u9fff" for ch in problem["title"])
    assert chinese == zh, problem["title"]
    return problem


def _headers(svc: Offline, role: Role | None, zh: bool) -> dict[str, str]:
    headers = svc.as_(f"u-{role.value}", role.value) if role else {}
    return {**headers, "Accept-Language": "zh-CN,zh;q=0.9"} if zh else headers


@pytest.mark.parametrize("service", SERVICES)
async def test_every_route_answers_401_403_404_and_422_as_problems(service, tmp_path):
    checked: dict[int, int] = {}
    async with serve_offline(service, tmp_path / "problems.db") as svc:
        for index, route in enumerate(r for r in http_routes(svc.app) if r.guards):
            zh = index % 2 == 1  # every other route asks in Chinese
            refused = sorted(set(Role) - route.allowed)
            allowed = sorted(route.allowed)
            for method in sorted(route.methods):
                url = route.url()
                body = {"unknown_field": LONG} if route.has_body else None

                async def call(
                    role: Role | None,
                    json: Any = None,
                    *,
                    zh: bool = zh,
                    url: str = url,
                    method: str = method,
                ) -> Any:
                    return await svc.client.request(method, url, json=json, headers=_headers(svc, role, zh))

                assert_problem(await call(None, body), 401, "unauthorized", zh)
                if refused:
                    assert_problem(await call(refused[0], body), 403, "role_required", zh)
                answer = await call(allowed[0], body)
                assert answer.status_code < 500, answer.text[:300]
                if answer.status_code >= 400:
                    assert_problem(answer, answer.status_code, zh=zh)
                    checked[answer.status_code] = checked.get(answer.status_code, 0) + 1
                if route.has_body:
                    problem = assert_problem(answer, 422, "validation_failed", zh)
                    assert any(e["loc"][-1] == "unknown_field" for e in problem["errors"]), problem
                if method in WRITE:  # both cost a 500 on a database before
                    for escaped in (b"\\ud800", b"\\u0000"):
                        headers = {**_headers(svc, allowed[0], zh), "Content-Type": "application/json"}
                        content = b'{"value": "x' + escaped + b'y"}'
                        sent = await svc.client.request(method, url, content=content, headers=headers)
                        assert_problem(sent, 422, "invalid_input", zh)
        assert_problem(await svc.client.get("/no/such/path"), 404, "not_found")
        chinese = await svc.client.get("/no/such/path", headers={"Accept-Language": "zh-CN"})
        assert_problem(chinese, 404, "not_found", zh=True)
        assert_problem(await svc.client.delete("/healthz"), 405, "method_not_allowed")
    assert checked.get(404, 0) + checked.get(422, 0) > 0, checked


async def test_a_refused_rule_names_its_rule_and_speaks_the_callers_language(tmp_path):
    async with serve_offline("appraisal", tmp_path / "rule.db") as svc:
        supervisor = svc.as_("s-1", "supervisor")
        english = await svc.client.post("/cycles", json={"year": 2199}, headers=supervisor)
        problem = assert_problem(english, 422, "rule_violation")
        assert problem["rule_id"] == "R-A1"
        assert problem["detail"] == "year 2199 has not ended; a cycle appraises a past year (R-A1)"
        chinese = await svc.client.post(
            "/cycles", json={"year": 2199}, headers={**supervisor, "Accept-Language": "zh-CN"}
        )
        problem = assert_problem(chinese, 422, "rule_violation", zh=True)
        assert problem["rule_id"] == "R-A1"
        assert problem["detail"] == "2199 年尚未结束，考核周期只考核已结束的年度（R-A1）"
        assert problem["title"] == "业务规则不允许"


@pytest.mark.parametrize(
    ("content", "status", "code"),
    [
        (b'{"year": NaN}', 422, "invalid_input"),
        (b'{"year": Infinity}', 422, "invalid_input"),
        (b'{"year": -Infinity}', 422, "invalid_input"),
        (b'{"year": 1e400}', 422, "invalid_input"),
        (b'{"seed": "\\ud800"}', 422, "invalid_input"),
        (b'{"seed": "a\\u0000b"}', 422, "invalid_input"),
        (b'{"seed": "\xff\xfe"}', 400, "malformed_body"),
        (b"\xef\xbb\xbf{}", 400, "malformed_body"),
        (b'{"year": ', 400, "malformed_body"),
        (b"[" * 100_000, 400, "malformed_body"),
    ],
    ids=[
        *("nan", "infinity", "minus-infinity", "1e400", "lone-surrogate"),
        *("nul", "not-utf8", "bom", "cut", "deep"),
    ],
)
async def test_input_that_cannot_be_stored_is_a_4xx_problem_not_a_500(content, status, code, tmp_path):
    async with serve_offline("appraisal", tmp_path / "input.db") as svc:
        headers = {**svc.as_("s-1", "supervisor"), "Content-Type": "application/json"}
        assert_problem(await svc.client.post("/cycles", content=content, headers=headers), status, code)


@pytest.mark.parametrize("service", SERVICES)
async def test_nul_and_surrogates_in_path_or_query_are_422(service, tmp_path):
    async with serve_offline(service, tmp_path / "url.db") as svc:
        admin = svc.as_("a-1", *(r.value for r in Role))
        for url in ("/admin/dead-letters?status=%00", "/admin/dead-letters/%00", "/x%00y"):
            assert_problem(await svc.client.get(url, headers=admin), 422, "invalid_input")


async def test_a_body_above_the_limit_is_413_and_a_body_that_is_not_json_is_415(tmp_path):
    async with serve_offline("customer", tmp_path / "limits.db", http_max_body_bytes=4096) as svc:
        headers = svc.as_("s-1", "supervisor")
        big = {"name": "x" * 5000}
        problem = assert_problem(await svc.client.post("/customers", json=big, headers=headers), 413)
        assert problem["code"] == "payload_too_large"
        assert "4096" in problem["detail"]

        async def chunks() -> Any:  # no Content-Length: the guard counts what arrives
            for _ in range(10):
                yield b" " * 1000

        streamed = await svc.client.post("/customers", content=chunks(), headers=headers)
        assert_problem(streamed, 413, "payload_too_large")
        form = await svc.client.post("/customers", data={"name": "a"}, headers=headers)
        assert_problem(form, 415, "unsupported_media_type")


async def test_100000_unknown_fields_are_refused_without_echoing_them(tmp_path):
    """Issue 13 item 5: the 422 lists at most 20 fields, each name cut at 200 characters."""
    async with serve_offline("customer", tmp_path / "amplify.db") as svc:
        body = {f"k{i}-{'x' * 50}": 1 for i in range(15_000)}  # about 1 MB, just under the limit
        response = await svc.client.post("/customers", json=body, headers=svc.as_("s-1", "supervisor"))
        problem = assert_problem(response, 422, "validation_failed")
        assert len(problem["errors"]) == 20
        assert len(response.content) < 10_000
        too_big = {f"k{i}-{'x' * 50}": 1 for i in range(100_000)}
        response = await svc.client.post("/customers", json=too_big, headers=svc.as_("s-1", "supervisor"))
        assert_problem(response, 413, "payload_too_large")


async def test_openapi_documents_the_problem_on_every_operation(tmp_path):
    for service in SERVICES:
        async with serve_offline(service, tmp_path / f"{service}-openapi.db") as svc:
            document = (await svc.client.get("/openapi.json")).json()
            assert "Problem" in document["components"]["schemas"]
            assert "HTTPValidationError" not in document["components"]["schemas"]
            for path, methods in document["paths"].items():
                for method, operation in methods.items():
                    errors = {s: a for s, a in operation["responses"].items() if s[0] in "45"}
                    assert "500" in errors, f"{method} {path}"
                    for status, answer in errors.items():
                        where = f"{method} {path} {status}"
                        assert list(answer["content"]) == ["application/problem+json"], where
                    if path.startswith(("/healthz", "/metrics", "/problems")):
                        continue
                    assert {"401", "403", "422"} <= set(errors) or not operation.get("security"), path


async def test_nul_characters_are_422_on_both_databases_in_body_query_and_path(database_url):
    """Issue 13 item 6: PostgreSQL refuses NUL in text, which was a 500 from the driver."""
    settings = offline_settings("staffing", database_url)
    app = build_app("staffing", settings)
    async with running(app, migrations("staffing")) as client:
        headers = {**auth(settings, "h-1", "hr"), "Content-Type": "application/json"}
        staff = '{"employee_no": "E1", "name": "%s", "branch": "b1", '
        staff += '"hire_date": "2020-01-01", "education": "college"}'
        body = (staff % "Wang\\u0000Fang").encode()
        assert_problem(await client.post("/staff", content=body, headers=headers), 422, "invalid_input")
        assert_problem(await client.get("/managers?branch=b%00", headers=headers), 422, "invalid_input")
        assert_problem(await client.get("/managers/m-%00", headers=headers), 422, "invalid_input")
        assert (await client.get("/managers", headers=headers)).json() == []
        stored = await client.post("/staff", content=(staff % "Wang Fang").encode(), headers=headers)
        assert stored.status_code == 201, stored.text


async def test_field_errors_read_in_chinese_with_their_place_and_no_input_echoed(tmp_path):
    async with serve_offline("staffing", tmp_path / "fields.db") as svc:
        headers = {**svc.as_("m-1", "cm"), "Accept-Language": "zh-CN"}
        body = {"category": "yachts", "amount": 12.5, "spent_on": "yesterday", "extra": "x"}
        answer = await svc.client.post("/managers/m-1/expenses", json=body, headers=headers)
        problem = assert_problem(answer, 422, "validation_failed", zh=True)
        messages = {e["pointer"]: e["message"] for e in problem["errors"]}
        assert messages["/amount"] == '金额须以字符串给出（如 "1234.56"），不能是浮点数'
        assert messages["/category"].startswith("必须是以下之一：communication")
        assert messages["/spent_on"] == "必须是日期（YYYY-MM-DD）"
        assert messages["/extra"] == "未知字段，不属于此请求"
        assert "yachts" not in answer.text
        assert "yesterday" not in answer.text
        assert "'" not in answer.text  # no Python repr of the allowed values


async def test_a_route_can_have_its_own_body_limit(tmp_path):
    limits = {"/customers": 2048, "/customers/x/visits": 8192}
    async with serve_offline("customer", tmp_path / "route-limits.db", http_body_limits=limits) as svc:
        headers = svc.as_("s-1", "supervisor")
        body = {"name": "x" * 3000}
        assert_problem(
            await svc.client.post("/customers", json=body, headers=headers), 413, "payload_too_large"
        )
        # the longest prefix wins: 3 KB is within the visits route's own 8 KB
        visits = await svc.client.post("/customers/x/visits", json=body, headers=headers)
        assert visits.status_code != 413, visits.text[:300]
        # another route keeps the service's limit
        other = await svc.client.post("/targets", json=body, headers=headers)
        assert other.status_code == 422, other.text[:300]  # read and validated, not refused for size


async def test_an_unexpected_error_is_a_generic_500_problem_without_a_trace(tmp_path):
    async with serve_offline("audit", tmp_path / "boom.db") as svc:

        async def boom() -> None:
            raise RuntimeError("secret internals: password=hunter2")

        svc.app.add_api_route("/boom", boom)
        transport = httpx.ASGITransport(app=svc.app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            answer = await client.get(
                "/boom", headers={"Accept-Language": "zh-CN", "X-Correlation-ID": "c-42"}
            )
        problem = assert_problem(answer, 500, "internal_error", zh=True)
        assert "c-42" in problem["detail"]
        assert "hunter2" not in answer.text
        assert "RuntimeError" not in answer.text
        assert answer.headers["x-correlation-id"] == "c-42"


class _Busy(Exception):
    """A driver error as asyncpg's adapter raises it: it carries the SQLSTATE."""

    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"sqlstate {sqlstate}")
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("raised", "status"),
    [
        (lambda: sqlalchemy_exc.TimeoutError("QueuePool limit reached, timed out"), 503),
        (lambda: sqlalchemy_exc.DBAPIError("SELECT 1", {}, _Busy("53300")), 503),  # too many connections
        (lambda: sqlalchemy_exc.DBAPIError("SELECT 1", {}, _Busy("57P03")), 503),  # starting up
        (lambda: sqlalchemy_exc.DBAPIError("SELECT 1", {}, _Busy("42P01")), 500),  # a bug of ours
    ],
    ids=["pool-timeout", "too-many-connections", "starting-up", "undefined-table"],
)
async def test_an_overloaded_or_starting_database_is_503_with_retry_after_not_500(raised, status, tmp_path):
    async with serve_offline("audit", tmp_path / "busy.db") as svc:

        async def busy() -> None:
            raise raised()

        svc.app.add_api_route("/busy", busy)
        transport = httpx.ASGITransport(app=svc.app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            answer = await client.get("/busy")
        assert answer.status_code == status, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        if status == 503:
            assert answer.headers["retry-after"] == "5"
