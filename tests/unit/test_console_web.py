"""The console in-process over a fake backend: sessions, CSRF, refusals in the user's language, outages."""

import json
import re

import httpx
import pytest

from services.console.settings import ConsoleSettings
from tests.unit.console_fakes import CM_ID, R_C3, _client, _csrf, sign_in


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
