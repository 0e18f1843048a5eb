"""Browser tests: Debian's Chromium driven by Playwright against a suite started once per module."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.stack import ORG, Stack, seed, start_stack

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test here is a browser test."""
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def launch(playwright):  # type: ignore[no-untyped-def]
    """Debian's Chromium (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: apt-get install -y chromium fonts-noto-cjk (.ci/run does)")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Broker, four services, risk desk and console on SQLite, seeded with a small branch."""
    running = start_stack(tmp_path_factory.mktemp("browser"))
    try:
        seed(running)
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def browser(stack: Stack) -> Iterator[object]:
    """One Chromium per module (after the suite: migrations run their own event loop)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


class Guard:
    """Records every request the page makes that leaves the console's origin, and blocks it."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.external: list[str] = []
        self.errors: list[str] = []

    def route(self, route) -> None:  # type: ignore[no-untyped-def]
        url = route.request.url
        if url.startswith(self.origin) or url.startswith("data:"):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()


def new_page(browser, stack: Stack, locale: str = "zh-CN", width: int = 1280, height: int = 900):  # type: ignore[no-untyped-def]
    """A fresh browser context (no cookies) whose requests may not leave the console."""
    context = browser.new_context(locale=locale, viewport={"width": width, "height": height})
    guard = Guard(stack.console)
    context.route("**/*", guard.route)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.guard = guard
    # A CSP violation, a failed script or a missing asset shows as a console error.
    page.on("console", lambda message: guard.errors.append(message.text) if message.type == "error" else None)
    return page


def sign_in(page, stack: Stack, role: str, user: str) -> None:  # type: ignore[no-untyped-def]
    """The dev sign-in page, as a person uses it."""
    page.goto(f"{stack.console}/sign-in?org={ORG}")
    page.locator(f"#role-{role}").check()
    if role == "cm":
        page.locator("#f-manager_id").select_option(user)
    else:
        page.locator("#f-user_id").fill(user)
    page.locator("form.card button[type=submit]").click()
    page.wait_for_load_state()
