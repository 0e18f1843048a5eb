"""A fake backend for the console's in-process tests (httpx.MockTransport), and signing in through it."""

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


def _every_field_is_labelled(path: str, html: str) -> None:
    labelled = set(re.findall(r'<label for="([^"]+)"', html))
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
        if 'type="hidden"' in tag or "aria-label=" in tag:
            continue
        found = re.search(r'\sid="([^"]+)"', tag)
        assert found, f"{path}: a field without id: {tag}"
        assert found.group(1) in labelled, f"{path}: no <label> for {found.group(1)}"


EXTERNAL = re.compile(r"""(?:https?:)?//[^\s"'<>]+|url\(\s*['"]?(?:https?:)?//""", re.IGNORECASE)
