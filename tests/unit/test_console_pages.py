"""Every console page in-process: no external URL or inline code, labelled fields, safe redirects, timing."""

import re

import pytest

from tests.unit.console_fakes import (
    CM_ID,
    CUSTOMER,
    EXTERNAL,
    _client,
    _csrf,
    _every_field_is_labelled,
    sign_in,
)

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
