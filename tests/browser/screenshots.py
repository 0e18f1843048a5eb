"""`make screenshots`: zh-CN screenshots of each main page, written to docs/screenshots/."""

import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

from tests.browser.conftest import launch, new_page, sign_in
from tests.browser.stack import Stack, headers, seed, start_stack

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def seed_workbench2(stack: Stack) -> dict[str, str]:
    """A departure under audit and a computed appraisal, so HR, audit and management pages have content."""
    ids = stack.ids
    with httpx.Client(timeout=15) as http:
        answer = http.post(
            f"{stack.urls['staffing']}/managers/{ids['cm2']}/departure",
            headers=headers("hr-1", "hr"),
            json={"reason": "调往总社"},
        )
        assert answer.status_code == 202, answer.text
        sup = headers("sup-1", "supervisor")
        cycle = http.post(
            f"{stack.urls['appraisal']}/cycles",
            headers=sup,
            json={"year": date.today().year - 1, "deadline": (date.today() + timedelta(days=30)).isoformat()},
        )
        assert cycle.status_code == 201, cycle.text
        cycle_id = cycle.json()["id"]
        computed = http.post(f"{stack.urls['appraisal']}/cycles/{cycle_id}/compute", headers=sup)
        assert computed.status_code == 200, computed.text
        audit = headers("aud-1", "auditor")
        deadline = time.monotonic() + 30
        audits: list[dict[str, str]] = []
        while not audits and time.monotonic() < deadline:
            audits = http.get(f"{stack.urls['audit']}/departure-audits/waiting", headers=audit).json()
            time.sleep(0.2)
    return {"cycle": cycle_id, "audit": audits[0]["audit_id"] if audits else ""}


def main() -> int:
    """Start a seeded suite, sign in as a CM and a supervisor, photograph each page."""
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        stack = start_stack(Path(tmp))
        try:
            ids = seed(stack)
            more = seed_workbench2(stack)
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
                    ("hr", "hr-1", 1280, "hr-roll", "/hr/managers"),
                    ("hr", "hr-1", 1280, "hr-departure", f"/hr/managers/{ids['cm2']}"),
                    ("auditor", "aud-1", 1280, "audit-waiting", "/audit/departures"),
                    ("auditor", "aud-1", 390, "audit-checklist-phone", f"/audit/departures/{more['audit']}"),
                    ("management", "mgmt-1", 1280, "dashboard", "/dashboard"),
                    ("management", "mgmt-1", 390, "dashboard-phone", "/dashboard"),
                    ("supervisor", "sup-1", 1280, "appraisal", f"/appraisal/{more['cycle']}"),
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
