"""The shape DESIGN.md asks for: services share only `shared`; domains import no framework."""

import ast
import sys
from pathlib import Path

import pytest

from shared.contracts import EVENT_TYPES, TOPICS

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("customer", "staffing", "appraisal", "audit")
# shared.offices and shared.messages (the catalogue a violation's v1 English line is rendered from): pure
# standard library, no I/O.
DOMAIN_ALLOWED = {
    "shared.errors",
    "shared.rules",
    "shared.offices",
    "shared.messages",
    "shared.default_ladder",
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("service", SERVICES)
def test_no_service_imports_another(service):
    others = {f"services.{s}" for s in SERVICES if s != service}
    for path in (ROOT / "services" / service).rglob("*.py"):
        bad = {m for m in _imports(path) if any(m == o or m.startswith(o + ".") for o in others)}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_shared_never_imports_a_service():
    for path in (ROOT / "shared").rglob("*.py"):
        assert not {m for m in _imports(path) if m.startswith("services")}, path


def _domain_files(service: str) -> list[Path]:
    base = ROOT / "services" / service
    return [base / "domain.py"] if (base / "domain.py").exists() else sorted((base / "domain").glob("*.py"))


@pytest.mark.parametrize("service", SERVICES)
def test_domain_imports_nothing_but_the_standard_library(service):
    own = f"services.{service}.domain"
    for path in _domain_files(service):
        imports = _imports(path)
        foreign = {
            m
            for m in imports
            if m.split(".")[0] not in sys.stdlib_module_names
            and m not in DOMAIN_ALLOWED
            and not m.startswith(own)
        }
        assert foreign == set(), f"{path.relative_to(ROOT)} imports {foreign}"


def test_every_event_type_travels_on_a_registered_topic():
    for contract in EVENT_TYPES.values():
        assert contract.topic in TOPICS, contract
        assert contract.payload.model_json_schema()["type"] == "object"


def test_no_module_is_too_long_to_read():
    packages = ("shared", "services", "steward")
    for path in [p for name in packages for p in ROOT.joinpath(name).rglob("*.py")]:
        if "versions" not in path.parts:
            assert len(path.read_text().splitlines()) <= 400, path


# The read side (cosmicpython's views): a service's queries/ package loads and shapes rows, never writes.
WRITES = ("insert(", "update(", "delete(", ".add(", ".add_all(", "outbox", ".emit(", ".commit(")
SQL_WRITES = ("INSERT ", "UPDATE ", "DELETE ")


def _code_without_docstrings(path: Path) -> str:
    """The module's text with its docstrings and comments blanked (SQL in other strings is kept)."""
    lines = path.read_text().splitlines()
    for node in ast.walk(ast.parse("\n".join(lines))):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                for number in range(body[0].lineno - 1, (body[0].end_lineno or body[0].lineno)):
                    lines[number] = ""
    return "\n".join(line.split("#", 1)[0] for line in lines)


@pytest.mark.parametrize("service", SERVICES)
def test_the_read_side_writes_nothing(service):
    files = sorted((ROOT / "services" / service / "queries").rglob("*.py"))
    if not files:
        pytest.skip(f"{service} has no queries/ package")
    for path in files:
        code = _code_without_docstrings(path)
        found = [w for w in WRITES if w in code] + [w for w in SQL_WRITES if w in code]
        assert found == [], f"{path.relative_to(ROOT)} writes: {found}"
