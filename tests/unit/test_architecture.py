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
