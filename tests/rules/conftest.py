"""Rule tests on the in-process system (`tests.harness`): several services, no broker, deterministic.

Every test here is marked `rules` (tests/conftest.py). A test names the services it needs with
`@pytest.mark.services("audit")` (all four by default); a module that proves its rules on SQLite and
PostgreSQL says `pytestmark = pytest.mark.usefixtures("database")`.
"""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.harness import System, View, start_system
from tests.inprocess import SERVICES


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest) -> str | None:
    """SQLite, then PostgreSQL (its admin URL) for the modules that prove a rule on both databases."""
    if request.param == "sqlite":
        return None
    admin: str = request.getfixturevalue("postgres_admin_url")
    return admin


@pytest.fixture
async def system(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[System]:
    """The services in this process (all four, or those of the `services` mark), wired by the pump.

    Each runs on a fresh SQLite database, or on PostgreSQL when the test also uses `database` (a database
    used by an earlier test of this worker only once reset to its migrated template, `tests.pgpool`).
    """
    marker = request.node.get_closest_marker("services")
    names = marker.args if marker else SERVICES
    postgres = request.getfixturevalue("database") if "database" in request.fixturenames else None
    async with start_system(tmp_path, names, postgres=postgres) as running:
        yield running


@pytest.fixture
def customer(system: System) -> View:
    """The customer service of the system, as its own tests see it."""
    return system.view("customer")


@pytest.fixture
def staffing(system: System) -> View:
    """The staffing service of the system."""
    return system.view("staffing")


@pytest.fixture
def appraisal(system: System) -> View:
    """The appraisal service of the system."""
    return system.view("appraisal")


@pytest.fixture
def audit(system: System) -> View:
    """The audit service of the system."""
    return system.view("audit")
