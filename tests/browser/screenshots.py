"""`make screenshots`: zh-CN screenshots of each main page, written to docs/screenshots/."""

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser.conftest import launch, new_page, sign_in
from tests.browser.stack import seed, start_stack

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def main() -> int:
    """Start a seeded suite, sign in as a CM and a supervisor, photograph each page."""
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        stack = start_stack(Path(tmp))
        try:
            ids = seed(stack)
            with sync_playwright() as playwright:
                browser = launch(playwright)
                shots = [
                    ("cm", ids["cm"], 390, "my-day-phone", "/my-day"),
                    ("cm", ids["cm"], 1280, "my-day", "/my-day"),
                    ("cm", ids["cm"], 1280, "customers", "/customers"),
                    ("cm", ids["cm"], 1280, "customer", f"/customers/{ids['farm']}"),
                    ("cm", ids["cm"], 390, "maintenance-visit-phone", f"/customers/{ids['farm']}/visits/new"),
                    ("supervisor", "sup-1", 1280, "overview", "/overview"),
                    ("supervisor", "sup-1", 1280, "assignment", f"/customers/{ids['coop']}/assignment"),
                    (
                        "supervisor",
                        "sup-1",
                        1280,
                        "reassignment",
                        f"/reassignments?from_manager_id={ids['cm']}&to_manager_id={ids['trainee']}",
                    ),
                ]
                for role, user, width, name, path in shots:
                    page = new_page(browser, stack, width=width, height=844 if width < 600 else 900)
                    sign_in(page, stack, role, user)
                    page.goto(f"{stack.console}{path}")
                    page.wait_for_load_state("networkidle")  # the parts htmx loads when shown
                    page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
                    page.context.close()
                    print(f"docs/screenshots/{name}.png")
                page = new_page(browser, stack)
                page.goto(f"{stack.console}/sign-in")
                page.screenshot(path=str(OUT / "sign-in.png"))
                browser.close()
        finally:
            stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
