"""The console in-process over a fake backend (httpx.MockTransport): sessions, CSRF, refusals, outages."""

import json
import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from services.console.app import create_app
from services.console.backend import Backend
from services.console.settings import ConsoleSettings

CM_ID = "m-cm1"
CUSTOMER = {
    "id": "c-1",
    "org_id": "rcc-demo",
    "file_no": "F0001",
    "name": "陈家农场",
    "kind": "farm_household",
    "deposit_balance": "1234567.89",
    "loan_balance": None,
    "overdue_balance": None,
    "balances_as_of": None,
    "classification": {"size": "medium"},
    "team_id": None,
    "attribution_mode": "shares",
    "compliant": False,
    "compliance_issues": ["R-C3: needs two or more CMs with a named primary (medium customer)"],
    "created_at": "2026-01-01T00:00:00Z",
    "managers": [
        {"manager_id": CM_ID, "role": "primary", "share": "100.00", "valid_from": "2026-01-01T00:00:00Z"}
    ],
    "importance": "core",
}
R_C3 = {
    "type": "/problems/rule_violation",
    "title": "Rule violated",
    "status": 422,
    "detail": "须两名以上客户经理并明确第一负责人",
    "code": "rule_violation",
    "rule_id": "R-C3",
    "errors": [],
}


class Fake:
    """Canned answers by (method, path); records every request."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.down: set[str] = set()
        self.routes: dict[tuple[str, str], Callable[[httpx.Request], httpx.Response]] = {}

    def on(self, method: str, path: str, status: int = 200, body: Any = None, **kw: Any) -> None:
        self.routes[(method, path)] = lambda _r: httpx.Response(status, json=body, **kw)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.port in self.down:
            raise httpx.ConnectError("refused", request=request)
        handler = self.routes.get((request.method, request.url.path))
        if handler is None:
            return httpx.Response(404, json={"detail": "not found", "code": "not_found"})
        return handler(request)


@pytest.fixture
def fake() -> Fake:
    fake = Fake()
    fake.on("GET", "/managers", body=[{"id": CM_ID, "name": "李伟", "grade": "cm", "branch": "城北"}])
    fake.on("GET", f"/managers/{CM_ID}", body={"id": CM_ID, "name": "李伟"})
    fake.on("GET", "/customers", body=[CUSTOMER], headers={"X-Total-Count": "41"})
    fake.on("GET", "/customers/c-1", body=CUSTOMER)
    value = {"value": "2000.00", "profit_last_12m": "100.00", "profit_prior_12m": "0.00", "top_fifth": True}
    fake.on("GET", "/customers/c-1/value", body={**value, "suggested_importance": "core"})
    fake.on("GET", "/visit-schedule", body=[])
    fake.on("GET", "/credit-recommendations", body=[])
    return fake


def _client(fake: Fake, raise_errors: bool = True, **settings: Any) -> TestClient:
    config = ConsoleSettings(**settings)
    app = create_app(config, Backend(config, transport=httpx.MockTransport(fake)))
    return TestClient(
        app, base_url="http://127.0.0.1:8000", follow_redirects=False, raise_server_exceptions=raise_errors
    )


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the form carries a CSRF token"
    return found.group(1)


def sign_in(client: TestClient, role: str = "cm", user: str = CM_ID) -> None:
    form = client.get("/sign-in")
    assert form.status_code == 200
    answer = client.post(
        "/sign-in",
        data={
            "role": role,
            "org": "rcc-demo",
            "csrf_token": _csrf(form.text),
            "manager_id": user,
            "user_id": user,
        },
    )
    assert answer.status_code == 303, answer.text


def test_sign_in_keeps_the_token_server_side_in_an_httponly_samesite_session(fake):
    with _client(fake) as client:
        form = client.get("/sign-in")
        answer = client.post(
            "/sign-in",
            data={"role": "cm", "org": "rcc-demo", "csrf_token": _csrf(form.text), "manager_id": CM_ID},
        )
        cookie = answer.headers["set-cookie"]
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie
        assert answer.headers["location"] == "/my-day"
        page = client.get("/my-day")
        assert page.status_code == 200
        assert "李伟" in page.text
        sent = [r for r in fake.requests if r.url.path == "/visit-schedule"][-1]
        token = sent.headers["authorization"].removeprefix("Bearer ")
        assert token not in page.text, "the browser never sees the bearer token"
        assert token not in cookie


def test_sign_in_needs_the_forms_csrf_token(fake):
    with _client(fake) as client:
        client.get("/sign-in")
        answer = client.post(
            "/sign-in", data={"role": "cm", "org": "rcc-demo", "csrf_token": "x", "manager_id": CM_ID}
        )
        assert answer.status_code == 403
        assert client.get("/my-day").status_code == 303, "still signed out"


@pytest.mark.parametrize("profile", ["test", "prod"])
def test_dev_sign_in_is_refused_outside_dev(fake, profile):
    # prod signs in through the IdP only (issue 16): its /sign-in page offers that, never the picker
    issuer = {"oidc_issuer": "https://sso.example.org/realms/x"} if profile == "prod" else {}
    with _client(fake, profile=profile, csrf_secret="s" * 32, **issuer) as client:
        page = client.get("/sign-in")
        assert page.status_code == (200 if issuer else 404)
        assert 'name="manager_id"' not in page.text
        assert client.post("/sign-in", data={"role": "cm", "org": "x", "csrf_token": "x"}).status_code == 404


def test_prod_needs_a_shared_csrf_secret():
    with pytest.raises(ValueError, match="csrf_secret"):
        ConsoleSettings(profile="prod", oidc_issuer="https://sso.example.org/realms/x")


def test_a_form_without_its_csrf_token_changes_nothing(fake):
    fake.on("POST", "/customers/c-1/reports", 201, {"id": "r-1"})
    with _client(fake) as client:
        sign_in(client)
        answer = client.post(
            "/customers/c-1/reports/new", data={"kind": "risk_analysis", "title": "t", "body": "b"}
        )
        assert answer.status_code == 403
        assert not [r for r in fake.requests if r.method == "POST"]


def test_sign_out_forgets_the_session(fake):
    with _client(fake) as client:
        sign_in(client)
        page = client.get("/my-day")
        assert client.post("/sign-out", data={"csrf_token": _csrf(page.text)}).status_code == 303
        assert client.get("/my-day").headers["location"].startswith("/sign-in")


def test_R_C3_refusal_shows_the_rule_and_the_services_message_in_the_users_language(fake):
    fake.on(
        "PUT", "/customers/c-1/assignment", 422, R_C3, headers={"content-type": "application/problem+json"}
    )
    fake.on("GET", "/teams", body=[])
    with _client(fake) as client:
        sign_in(client, "supervisor", "sup-1")
        form = client.get("/customers/c-1/assignment")
        answer = client.post(
            "/customers/c-1/assignment",
            data={"csrf_token": _csrf(form.text), "primary_manager_id": CM_ID, "idempotency_key": "k1"},
        )
        assert answer.status_code == 422
        assert "R-C3" in answer.text
        assert "须两名以上客户经理并明确第一负责人" in answer.text
        assert "两名以上客户经理并明确第一负责人" in answer.text, "the rule's zh-CN title"
        put = [r for r in fake.requests if r.method == "PUT"][-1]
        assert put.headers["accept-language"] == "zh-CN"
        assert put.headers["idempotency-key"] == "k1"


def test_the_old_error_shape_is_read_too(fake):
    fake.on(
        "PUT", "/customers/c-1/assignment", 422, {"detail": "R-Q5: grade trainee may not serve", "code": "x"}
    )
    fake.on("GET", "/teams", body=[])
    with _client(fake) as client:
        sign_in(client, "supervisor", "sup-1")
        form = client.get("/customers/c-1/assignment")
        answer = client.post(
            "/customers/c-1/assignment", data={"csrf_token": _csrf(form.text), "primary_manager_id": "m"}
        )
        assert 'data-rule="R-Q5"' in answer.text


def test_field_errors_show_inline_next_to_the_field(fake):
    problem = {
        "status": 422,
        "detail": "invalid",
        "errors": [{"loc": ["body", "amount"], "message": "金额格式不正确"}],
    }
    fake.on("POST", "/customers/c-1/credit-recommendations", 422, problem)
    with _client(fake) as client:
        sign_in(client)
        form = client.get("/customers/c-1/recommendations/new")
        answer = client.post(
            "/customers/c-1/recommendations/new",
            data={"csrf_token": _csrf(form.text), "amount": "abc", "product": "loans", "term_months": "12"},
        )
        assert re.search(r'id="f-amount"[^>]*aria-invalid="true"', answer.text)
        assert '<span class="field-error" id="err-amount" role="alert">金额格式不正确</span>' in answer.text


def test_each_form_carries_a_fresh_idempotency_key_that_is_sent_with_it(fake):
    fake.on("POST", "/customers/c-1/visits", 201, {"id": "v-1"})
    with _client(fake) as client:
        sign_in(client)
        first = client.get("/customers/c-1/visits/new?kind=phone").text
        second = client.get("/customers/c-1/visits/new?kind=phone").text
        key = re.search(r'name="idempotency_key" value="([^"]+)"', first).group(1)
        assert key != re.search(r'name="idempotency_key" value="([^"]+)"', second).group(1)
        data = {
            "csrf_token": _csrf(first),
            "idempotency_key": key,
            "summary": "电话回访",
            "satisfaction": "4",
        }
        for _ in range(2):  # a double tap sends the same key twice; the service files once
            assert client.post("/customers/c-1/visits/new?kind=phone", data=data).status_code == 303
        posts = [r for r in fake.requests if r.method == "POST"]
        assert {r.headers["idempotency-key"] for r in posts} == {key}
        body = json.loads(posts[0].content)
        assert body["kind"] == "phone"
        assert body["phone"] == {"summary": "电话回访"}
        assert body["satisfaction"] == 4
        assert body["occurred_at"].endswith("+08:00"), "the cooperative's zone, aware"


def test_a_service_down_leaves_a_banner_not_an_error(fake):
    with _client(fake, staffing_url="http://127.0.0.1:9") as client:
        fake.down.add(9)
        sign_in(client)
        page = client.get("/my-day")
        assert page.status_code == 200
        assert 'data-missing="staffing"' in page.text
        assert "人员服务暂无响应" in page.text
        assert "Traceback" not in page.text


def test_an_unexpected_error_shows_a_plain_page_without_a_trace(fake):
    fake.routes[("GET", "/visit-schedule")] = lambda _r: httpx.Response(200, json={"not": "a list"})
    with _client(fake, raise_errors=False) as client:
        sign_in(client)
        page = client.get("/my-day")
        assert page.status_code == 500
        assert "出现错误" in page.text
        assert "Traceback" not in page.text
        assert "File " not in page.text
        assert "default-src 'none'" in page.headers["content-security-policy"]


def test_english_on_request_and_money_in_yuan(fake):
    with _client(fake) as client:
        sign_in(client)
        zh = client.get("/customers")
        assert "我的客户" in zh.text
        assert "¥1,234,567.89" in zh.text
        assert "共 41 条" in zh.text
        client.get("/language/en?next=/customers")
        en = client.get("/customers")
        assert "My customers" in en.text
        assert "我的客户" not in en.text
        assert en.headers["content-language"] == "en"
        assert [r for r in fake.requests if r.url.path == "/customers"][-1].headers["accept-language"] == "en"


def test_a_cm_cannot_open_supervisor_pages(fake):
    with _client(fake) as client:
        sign_in(client)
        assert client.get("/overview").status_code == 403
        assert client.get("/reassignments").status_code == 403


def _every_field_is_labelled(path: str, html: str) -> None:
    labelled = set(re.findall(r'<label for="([^"]+)"', html))
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
        if 'type="hidden"' in tag or "aria-label=" in tag:
            continue
        found = re.search(r'\sid="([^"]+)"', tag)
        assert found, f"{path}: a field without id: {tag}"
        assert found.group(1) in labelled, f"{path}: no <label> for {found.group(1)}"


MAIN_PAGES = {
    "cm": [
        "/my-day",
        "/customers",
        "/customers/c-1",
        "/customers/c-1/visits/new?kind=sales",
        "/expenses/new",
    ],
    "supervisor": [
        "/overview",
        "/customers",
        "/customers/new",
        "/customers/c-1/assignment",
        "/reassignments",
        "/teams",
    ],
}
EXTERNAL = re.compile(r"""(?:https?:)?//[^\s"'<>]+|url\(\s*['"]?(?:https?:)?//""", re.IGNORECASE)


@pytest.mark.parametrize("role", ["cm", "supervisor"])
def test_no_page_names_an_external_url_or_runs_inline_code(fake, role):
    fake.on("GET", "/teams", body=[])
    with _client(fake) as client:
        sign_in(client, role, CM_ID if role == "cm" else "sup-1")
        for path in [*MAIN_PAGES[role], "/sign-in"]:
            page = client.get(path)
            assert page.status_code == 200, path
            assert not EXTERNAL.findall(page.text), (path, EXTERNAL.findall(page.text))
            assert not re.search(r"<script(?![^>]*\ssrc=)", page.text), f"inline script on {path}"
            assert not re.search(r"\s(on[a-z]+|style)=", page.text), f"inline handler or style on {path}"
            csp = page.headers["content-security-policy"]
            assert "script-src 'self'" in csp
            assert "unsafe" not in csp
            assert page.headers["x-frame-options"] == "DENY"
            _every_field_is_labelled(path, page.text)
        for asset in ("/static/app.css", "/static/vendor/htmx.min.js"):
            body = client.get(asset).text
            assert not re.findall(r"""(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}""", body, re.IGNORECASE), asset


def test_the_console_imports_no_service_and_no_database_or_kafka_client():
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "services" / "console"
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not (name.startswith("services.") and not name.startswith("services.console")), path
                assert name.split(".")[0] not in {"sqlalchemy", "aiokafka", "faststream", "asyncpg"}, path


def test_server_timing_counts_parallel_backend_calls_once():
    from services.console.backend import busy_seconds

    assert busy_seconds([(0.0, 1.0), (0.5, 1.5), (3.0, 4.0)]) == pytest.approx(2.5)
    assert busy_seconds([]) == 0.0


def test_every_page_reports_its_server_timing(fake):
    with _client(fake) as client:
        sign_in(client)
        timing = client.get("/my-day").headers["server-timing"]
        assert re.fullmatch(r"backend;dur=[\d.]+, total;dur=[\d.]+", timing)


def test_bulk_refusals_are_read_per_customer_file():
    from services.console.backend import Problem
    from services.console.pages.supervisor import _refusals_by_file

    problem = Problem(
        status=422,
        detail="no customer was moved: F0003: R-Q5: grade trainee of m-1 may not serve ['large'] | "
        "F0007: R-C3: needs two or more CMs; R-C1: needs a senior CM",
    )
    found = _refusals_by_file(problem)
    assert found["F0003"]["rules"] == ["R-Q5"]
    assert found["F0007"]["rules"] == ["R-C1", "R-C3"]
    assert _refusals_by_file(Problem(status=422, detail="something else")) == {}
    zh = Problem(
        status=422,
        detail="没有移交任何客户：档案 F0003：客户经理 m-1 的等级 trainee 不可服务 large（R-Q5）；"
        "档案 F0007：须两名以上客户经理（R-C3）；须高级客户经理（R-C1）",
    )
    found = _refusals_by_file(zh)
    assert found["F0003"]["rules"] == ["R-Q5"]
    assert found["F0007"]["rules"] == ["R-C1", "R-C3"]
    assert found["F0003"]["message"].endswith("（R-Q5）")


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/", "/\\evil.example", "evil"])
def test_no_redirect_leaves_the_console(fake, target):
    fake.on("POST", "/credit-recommendations/r-1/cosign", 200, {"id": "r-1"})
    with _client(fake) as client:
        assert client.get(f"/language/en?next={target}").headers["location"] == "/"
        sign_in(client)
        page = client.get("/my-day")
        answer = client.post(
            "/recommendations/r-1/cosign", data={"csrf_token": _csrf(page.text), "back": target}
        )
        assert answer.headers["location"] == "/my-day"


def test_the_list_pages_on_when_the_service_says_there_is_a_next_page(fake):
    with _client(fake) as client:
        sign_in(client)
        assert 'rel="next"' not in client.get("/customers").text
        link = '</customers?limit=21&offset=21>; rel="next"'
        fake.on("GET", "/customers", body=[CUSTOMER], headers={"X-Total-Count": "41", "Link": link})
        page = client.get("/customers?importance=core")
        assert 'rel="next" href="/customers?importance=core&amp;offset=20"' in page.text
        sent = [r for r in fake.requests if r.url.path == "/customers"][-1]
        assert sent.url.params["importance"] == "core"
        assert sent.url.params["offset"] == "0"
