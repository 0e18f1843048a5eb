"""docs/domain.md names every DOMAIN rule with code and tests that exist; README points only at real files."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FAMILIES = {"R": 5, "Q": 8, "P": 3, "W": 4, "C": 7, "D": 4, "M": 6, "A": 4, "I": 6}
RULES = [f"R-{family}{n}" for family, count in FAMILIES.items() for n in range(1, count + 1)]
TICKED = re.compile(r"`([^`]+)`")
PATHLIKE = re.compile(r"^[\w.\-]+(/[\w.\-<>{}]*)+$|^[\w\-]+\.(py|md|toml|yaml|yml|json|sh|txt)$")


def _references(text: str) -> list[tuple[str, list[str]]]:
    """Each path in backticks with the names in backticks right after it (up to the next ; or cell)."""
    found: list[tuple[str, list[str]]] = []
    for cell in re.split(r"[|;\n]", text):
        tokens = TICKED.findall(cell)
        for index, token in enumerate(tokens):
            if "/" in token and PATHLIKE.match(token):
                names = []
                for name in tokens[index + 1 :]:
                    if "/" in name:
                        break
                    names.append(name)
                found.append((token, names))
    return found


def test_every_rule_from_R_R1_to_R_I6_has_a_row():
    text = (ROOT / "docs" / "domain.md").read_text()
    rows = {
        cell.strip() for line in text.splitlines() if line.startswith("| R-") for cell in [line.split("|")[1]]
    }
    named = {rule for row in rows for rule in re.findall(r"R-[A-Z]\d", row)}
    assert [r for r in RULES if r not in named] == []


def test_every_path_and_name_in_the_domain_page_exists():
    assert len(_references((ROOT / "docs" / "domain.md").read_text())) > 100
    assert _missing_in("domain.md") == []


def test_the_readme_points_only_at_files_in_the_repository():
    text = (ROOT / "README.md").read_text()
    links = [t for t in re.findall(r"\]\(([^)#]+)", text) if not t.startswith("http")]
    ticked = [t for t in TICKED.findall(text) if PATHLIKE.match(t) and "<" not in t and "{" not in t]
    candidates = [t.rstrip("/") for t in links + ticked if not t.startswith(("var/", "./var"))]
    assert len(candidates) > 10
    missing = sorted({t for t in candidates if not (ROOT / t).exists() and not t.endswith(".csv")})
    assert missing == []


TOP = {"services", "shared", "steward", "tests", "bench", "docs", "deploy"}


def _missing_in(page: str) -> list[str]:
    """Paths, the names after them, and `file.py::test` references of a page that do not exist."""
    text = (ROOT / "docs" / page).read_text().replace("→", ";")  # what follows an arrow is an outcome
    rooted = [(p, n) for p, n in _references(text) if p.split("/")[0] in TOP and "<" not in p]
    missing = [path for path, _ in rooted if not (ROOT / path).exists()]
    for path, names in rooted:
        if path.endswith(".py") and (ROOT / path).exists():
            source = (ROOT / path).read_text()
            for name in names:
                defined = rf"^\s*(async def|def|class)\s+{name}\b|^\s*{name}\s*[:=]"
                if re.match(r"^\w+$", name) and not re.search(defined, source, re.M):
                    missing.append(f"{path} {name}")
    for file, test in re.findall(r"`([\w/]+\.py)::(\w+)`", text):
        where = ROOT / file if file.startswith("tests/") else ROOT / "tests" / file
        if not where.exists() or not re.search(rf"def {test}\b", where.read_text()):
            missing.append(f"{file}::{test}")
    return missing


def test_the_rules_and_sagas_pages_name_only_code_and_tests_that_exist():
    assert _missing_in("rules.md") == []
    assert _missing_in("sagas.md") == []
