"""axe-core (vendored, test-only) run in the page: serious and critical violations fail the test."""

from pathlib import Path

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
BLOCKING = ("serious", "critical")


def violations(page) -> list[dict]:  # type: ignore[no-untyped-def]
    """axe's serious or critical violations on the page as it is now (WCAG 2.x A and AA rules)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE + "\n;undefined")
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }"""
    )
    return [v for v in found if v.get("impact") in BLOCKING]


def assert_accessible(page) -> None:  # type: ignore[no-untyped-def]
    """0 serious or critical violations on the current page."""
    bad = violations(page)
    assert bad == [], f"{page.url}: {bad}"
