"""Rule tests on the in-process system (`tests.harness`): several services, no broker, deterministic."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.harness import System, start_system


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test here is a rule test."""
    for item in items:
        if "tests/rules/" in str(item.fspath):
            item.add_marker(pytest.mark.rules)


@pytest.fixture
async def system(tmp_path: Path) -> AsyncIterator[System]:
    """The four services in this process, each on a fresh SQLite database, wired by the pump."""
    async with start_system(tmp_path) as running:
        yield running
