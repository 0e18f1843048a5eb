"""The Workbench signs in through an OpenID provider (tests/browser/oidc_provider.py) in Chromium.

The provider runs on loopback in this process. Its access tokens are minted the way the services of
the test suite verify them today (`shared.tokens.issue_token`, dev profile), so the console forwards
the IdP's access token and the services answer with data; its ID tokens are RS256, verified by the
console through discovery and the JWKS.
"""

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from playwright.sync_api import expect

from shared.settings import ServiceSettings
from shared.tokens import Role, issue_token
from steward.embedded_broker import free_port
from steward.suite import Suite
from tests.browser.oidc_http import RunningProvider
from tests.browser.oidc_provider import Client, Provider, User
from tests.browser.stack import ORG, Stack, _Config, seed
from tests.templates import start_suite

ACCESS_SECONDS = 20
REFRESH_MARGIN = 15  # the console refreshes the access token 5 s after it was issued
NAMES = ("customer", "staffing", "appraisal", "audit")


def services_token(user: User, _client_id: str) -> str:
    """The access token: what the services of this suite accept (the dev profile's signing)."""
    roles = [r for r in user.claims["realm_access"]["roles"] if r in set(Role)]
    return issue_token(
        ServiceSettings(),
        user_id=user.sub,
        roles=roles,
        org_id=user.claims["org_id"],
        ttl=timedelta(seconds=ACCESS_SECONDS),
    )


class _SSOSuite(Suite):
    """The suite whose console signs in through the test provider."""

    def __init__(self, config: _Config, oidc_env: dict[str, str]) -> None:
        super().__init__(config)
        self.oidc_env = oidc_env

    def console_env(self) -> dict[str, str]:
        return {**super().console_env(), **self.oidc_env}


@pytest.fixture(scope="module")
def idp() -> Iterator[RunningProvider]:
    """The OpenID provider, on a free loopback port."""
    with RunningProvider(Provider(access_seconds=ACCESS_SECONDS, access_token=services_token)) as running:
        yield running


@pytest.fixture(scope="module")
def stack(idp: RunningProvider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The suite with its console configured for the provider; a CM account there."""
    config = _Config(
        None,
        broker_port=free_port(),
        ports={name: free_port() for name in NAMES},
        var_dir=Path(tmp_path_factory.mktemp("sso")),
        with_risk_desk=False,
        console_port=free_port(),
        ready_timeout=90,
    )
    console = f"http://127.0.0.1:{config.console_port}"
    idp.provider.clients["steward-console"] = Client(
        "steward-console", [f"{console}/auth/callback"], [f"{console}/signed-out"]
    )
    env = {
        "STEWARD_CONSOLE_OIDC_ISSUER": idp.issuer,
        "STEWARD_CONSOLE_OIDC_CLIENT_ID": "steward-console",
        "STEWARD_CONSOLE_OIDC_SCOPES": "openid profile",
        "STEWARD_CONSOLE_OIDC_ROLES_CLAIM": "realm_access.roles",
        "STEWARD_CONSOLE_OIDC_ORG_CLAIM": "org_id",
        "STEWARD_CONSOLE_OIDC_REFRESH_SECONDS": str(REFRESH_MARGIN),
    }
    suite = _SSOSuite(config, env)
    try:
        start_suite(suite, lambda _line: None)
        running = Stack(suite, {n: f"http://127.0.0.1:{config.ports[n]}" for n in NAMES}, console)
        seed(running)
        claims = {"name": "李伟", "org_id": ORG, "realm_access": {"roles": ["cm", "offline_access"]}}
        idp.provider.users["li.wei"] = User("li.wei", "pw-li", {"sub": running.ids["cm"], **claims})
        yield running
    finally:
        suite.stop()


def _page(browser, stack: Stack, idp: RunningProvider, locale: str = "zh-CN"):  # type: ignore[no-untyped-def]
    """A fresh context whose requests may reach the console and the IdP, nothing else."""
    context = browser.new_context(locale=locale)
    external: list[str] = []

    def route(route) -> None:  # type: ignore[no-untyped-def]
        url = route.request.url
        if url.startswith((stack.console, idp.issuer, "data:")):
            route.continue_()
        else:
            external.append(url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.external = external
    return page


def _log_in_at_the_idp(page) -> None:  # type: ignore[no-untyped-def]
    page.locator("#username").fill("li.wei")
    page.locator("#password").fill("pw-li")
    page.locator("#login").click()
    page.wait_for_load_state()


def _signed_in_cm(browser, stack: Stack, idp: RunningProvider):  # type: ignore[no-untyped-def]
    page = _page(browser, stack, idp)
    page.goto(f"{stack.console}/my-day")
    expect(page).to_have_url(f"{stack.console}/sign-in?next=/my-day")
    page.locator("#sso-sign-in").click()
    page.wait_for_url(f"{idp.issuer}/authorize?**")
    _log_in_at_the_idp(page)
    expect(page).to_have_url(f"{stack.console}/my-day")
    return page


def test_cm_signs_in_through_the_idp_sees_my_day_and_the_token_is_refreshed(browser, stack, idp):
    page = _signed_in_cm(browser, stack, idp)
    expect(page.locator("h1")).to_contain_text("今日工作")
    expect(page.locator(".who")).to_contain_text("李伟")
    # data from the services, asked with the IdP's access token
    expect(page.locator(f'[data-overdue="{stack.ids["farm"]}"]')).to_contain_text("陈家农场")
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "steward_session"]
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"
    assert cookie["secure"] is False, "plain-http loopback test: Secure is off by setting (on in prod)"
    assert not [c for c in page.context.cookies() if c["name"] == "steward_oidc"], "used once, then gone"
    # The access token lives 20 s; the console refreshes it 15 s before expiry, on a page load.
    before = idp.provider.refreshed
    deadline = time.monotonic() + 30
    while idp.provider.refreshed == before:
        assert time.monotonic() < deadline, "the console never refreshed the access token"
        page.wait_for_timeout(500)
        page.reload()
    expect(page.locator(f'[data-overdue="{stack.ids["farm"]}"]')).to_contain_text("陈家农场")
    assert page.external == []


def test_a_tampered_state_is_refused_with_a_page_in_the_users_language(browser, stack, idp):
    page = _page(browser, stack, idp, locale="en")
    page.goto(f"{stack.console}/sign-in")
    page.locator("#sso-sign-in").click()
    page.wait_for_url(f"{idp.issuer}/authorize?**")
    parts = urlsplit(page.url)
    query = dict(parse_qsl(parts.query))
    query["state"] = "tampered-" + query["state"][:8]
    page.goto(urlunsplit(parts._replace(query=urlencode(query))))
    _log_in_at_the_idp(page)
    assert page.url.startswith(f"{stack.console}/auth/callback?"), page.url
    expect(page.locator("h1")).to_have_text("Sign-in failed")
    expect(page.locator("#sign-in-reason")).to_contain_text("its state does not match")
    assert not [c for c in page.context.cookies() if c["name"] == "steward_session"]
    page.goto(f"{stack.console}/my-day")
    expect(page).to_have_url(f"{stack.console}/sign-in?next=/my-day")


def test_sign_out_ends_the_session_here_and_at_the_idp(browser, stack, idp):
    page = _signed_in_cm(browser, stack, idp)
    ended = len(idp.provider.ended)
    page.locator(".who button[type=submit]").click()
    expect(page).to_have_url(f"{stack.console}/signed-out")
    expect(page.locator("h1")).to_have_text("已退出")
    assert idp.provider.ended[ended:] == [stack.ids["cm"]], "RP-initiated logout with the ID token hint"
    page.goto(f"{stack.console}/my-day")
    expect(page).to_have_url(f"{stack.console}/sign-in?next=/my-day")
    assert page.external == []
