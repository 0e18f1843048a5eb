"""Issue 13 item 9: security headers on every answer, a strict CSP on HTML pages, per-user write limits."""

import base64
import hashlib
import re

from shared.http_guard import html_csp
from shared.ratelimit import RateLimiter
from tests.inprocess import serve_offline


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_bucket_admits_a_burst_then_the_rate_and_tells_how_long_to_wait():
    clock = Clock()
    limiter = RateLimiter(rate=2.0, burst=3, clock=clock)
    assert [limiter.take("u") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.take("u") == 0.5  # one write back every half second
    assert limiter.take("v") == 0.0  # another caller has their own bucket
    clock.now += 0.5
    assert limiter.take("u") == 0.0
    assert limiter.take("u") > 0
    assert RateLimiter(rate=0, burst=1, clock=clock).take("u") == 0.0  # 0: no limit


def test_the_bucket_forgets_the_oldest_callers_beyond_its_capacity():
    limiter = RateLimiter(rate=1.0, burst=1, capacity=2, clock=Clock())
    for caller in ("a", "b", "c"):
        limiter.take(caller)
    assert limiter.take("a") == 0.0  # forgotten: a full bucket again
    assert limiter.take("c") > 0


async def test_a_user_above_the_write_rate_gets_429_with_retry_after_and_others_do_not(tmp_path):
    async with serve_offline(
        "customer", tmp_path / "rate.db", rate_limit_write_burst=3, rate_limit_writes_per_second=0.01
    ) as svc:
        cm, other = svc.as_("m-1", "cm"), svc.as_("m-2", "cm")
        answers = [await svc.client.post("/customers", json={}, headers=cm) for _ in range(4)]
        assert [a.status_code for a in answers] == [422, 422, 422, 429]
        limited = answers[-1]
        assert int(limited.headers["retry-after"]) >= 1
        assert limited.headers["content-type"] == "application/problem+json"
        assert limited.json()["code"] == "too_many_requests"
        chinese = await svc.client.post("/customers", json={}, headers={**cm, "Accept-Language": "zh-CN"})
        assert "请求过于频繁" in chinese.json()["title"]
        assert (await svc.client.get("/customers", headers=cm)).status_code == 200  # reads are not limited
        assert (await svc.client.post("/customers", json={}, headers=other)).status_code == 422
        elsewhere = svc.as_("m-1", "cm", org="another-rcc")  # the same user id in another cooperative
        assert (await svc.client.post("/customers", json={}, headers=elsewhere)).status_code == 422


async def test_the_default_rate_limit_lets_a_busy_user_write_hundreds_of_times(tmp_path):
    async with serve_offline("customer", tmp_path / "busy.db") as svc:
        cm = svc.as_("m-1", "cm")
        answers = [await svc.client.post("/customers", json={}, headers=cm) for _ in range(300)]
        statuses = {a.status_code for a in answers}
        assert statuses == {422}


async def test_every_answer_carries_the_security_headers(tmp_path):
    async with serve_offline("staffing", tmp_path / "headers.db") as svc:
        for response in (
            await svc.client.get("/healthz"),
            await svc.client.get("/managers"),
            await svc.client.get("/managers", headers=svc.as_("h-1", "hr")),
            await svc.client.get("/openapi.json"),
            await svc.client.get("/metrics"),
        ):
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["x-frame-options"] == "DENY"
            assert response.headers["content-security-policy"].startswith("default-src 'none'")
            assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def _inline_hashes(page: bytes) -> set[str]:
    found = set()
    for attributes, content in re.findall(rb"<script\b([^>]*)>(.*?)</script>", page, re.DOTALL):
        if b"src=" not in attributes:
            found.add("'sha256-" + base64.b64encode(hashlib.sha256(content).digest()).decode() + "'")
    return found


async def test_html_pages_get_a_strict_policy_naming_exactly_their_inline_scripts(tmp_path):
    async with serve_offline("audit", tmp_path / "csp.db") as svc:
        for path, headers in (("/docs", {}), ("/asyncapi", {"Accept": "text/html"})):
            page = await svc.client.get(path, headers=headers)
            assert page.status_code == 200
            assert page.headers["content-type"].startswith("text/html")
            policy = page.headers["content-security-policy"]
            directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
            assert directives["default-src"] == "'self'"
            assert directives["frame-ancestors"] == "'none'"
            assert directives["object-src"] == "'none'"
            assert "unsafe-inline" not in policy
            # only the AsyncAPI viewer compiles code at run time (Ajv); scripts still come from 'self' only
            assert ("'unsafe-eval'" in directives["script-src"]) == (path == "/asyncapi")
            scripts = set(directives["script-src"].split()) - {"'self'", "'unsafe-eval'"}
            assert scripts == _inline_hashes(page.content), path
            assert page.headers["x-frame-options"] == "DENY"


def test_the_page_policy_hashes_inline_scripts_and_styles_but_not_script_files():
    page = b"<script src='/static/a.js'></script><script>go()</script><style>p{}</style>"
    policy = html_csp(page)
    go = base64.b64encode(hashlib.sha256(b"go()").digest()).decode()
    style = base64.b64encode(hashlib.sha256(b"p{}").digest()).decode()
    assert f"script-src 'self' 'sha256-{go}';" in policy
    assert f"style-src 'self' 'sha256-{style}';" in policy
