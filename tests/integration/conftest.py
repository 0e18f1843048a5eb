"""Integration fixtures: one service at a time, in-process, on a real broker and database."""

import pytest

from tests.conftest import KafkaTarget
from tests.support import new_prefix


@pytest.fixture
def prefix() -> str:
    """A topic prefix that keeps this test's topics apart from every other test's."""
    return new_prefix()


@pytest.fixture
def bootstrap(kafka: KafkaTarget) -> str:
    """The broker address."""
    return kafka.bootstrap_servers
