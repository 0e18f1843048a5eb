"""Where the tests find Kafka and PostgreSQL.

Order, for each: an address given in the environment (STEWARD_TEST_KAFKA,
STEWARD_TEST_PG_URL); else a testcontainers container where a Docker engine
answers; else the embedded tansu broker on a free loopback port and the
PostgreSQL server on 127.0.0.1:5432. The `database_url` fixtures create a
fresh PostgreSQL database for each test and drop it after; the in-process
harness reuses copies of migrated templates reset between tests (`tests.pgpool`).
"""

import asyncio
import itertools
import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from steward.embedded_broker import EmbeddedBroker, free_port
from tests import templates

RUN_ID = uuid.uuid4().hex[:8]


def pytest_configure(config: pytest.Config) -> None:
    """Name this run's migrated templates before the xdist workers start (they inherit the name)."""
    templates.run_id()


TESTS = Path(__file__).resolve().parent
RULE_ID = re.compile(r"R_[A-Z][0-9]")


def is_rule_test(item: pytest.Item) -> bool:
    """In-process under tests/rules, or a unit test of a rules or domain module or naming a rule id."""
    parts = Path(str(item.fspath)).resolve().relative_to(TESTS).parts
    if parts[0] == "rules":
        return True
    if parts[0] != "unit":
        return False
    stem = Path(parts[-1]).stem
    return "rules" in stem or stem.startswith("test_domain_") or bool(RULE_ID.search(item.name))


RULE_FOLDERS = frozenset({"rules", "unit"})
_WORD = re.compile(r"\s*(\(|\)|[\w.-]+)")


def needs_rules(markexpr: str) -> bool:
    """True when no test without the `rules` mark can match `-m markexpr` (whatever its other marks)."""
    tokens, rest = [], markexpr.strip()
    while rest:
        found = _WORD.match(rest)
        if not found:
            return False  # an expression this check does not read (keyword arguments): assume not
        tokens.append(found.group(1))
        rest = rest[found.end() :].strip()
    names = sorted({t for t in tokens if t not in {"(", ")", "and", "or", "not"}})
    if "rules" not in names:
        return False
    slots = {name: f"m{i}" for i, name in enumerate(names)}
    python = " ".join(slots.get(t, t) for t in tokens)
    for marks in itertools.product((False, True), repeat=len(names)):
        given = dict(zip(slots.values(), marks, strict=True)) | {slots["rules"]: False}
        try:
            if eval(python, {"__builtins__": {}}, given):  # noqa: S307 (only and/or/not, brackets, names)
                return False
        except SyntaxError:
            return False
    return True


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Under `-m rules` (or `rules and ...`), skip importing the folders that hold no rule test."""
    if (
        collection_path.parent != TESTS
        or not collection_path.is_dir()
        or collection_path.name in RULE_FOLDERS
    ):
        return None
    return True if needs_rules(config.getoption("markexpr") or "") else None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the rule tests (`pytest -m rules`)."""
    for item in items:
        if is_rule_test(item):
            item.add_marker(pytest.mark.rules)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The controller (or a run without workers) removes the run's templates once every test is done."""
    if hasattr(session.config, "workerinput"):
        return
    given = os.environ.get("STEWARD_TEST_PG_URL")
    templates.cleanup(given or "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")


def docker_available() -> bool:
    """True when a Docker engine answers; testcontainers is only tried then."""
    if os.environ.get("STEWARD_TEST_NO_DOCKER"):
        return False
    try:
        import docker

        client = docker.from_env(timeout=3)
        client.ping()
        return True
    except Exception:
        return False


@dataclass(frozen=True)
class KafkaTarget:
    """A reachable Kafka-protocol broker and whether it supports the idempotent producer."""

    bootstrap_servers: str
    idempotent: bool


@pytest.fixture(scope="session")
def kafka() -> Iterator[KafkaTarget]:
    """The broker every integration and e2e test uses."""
    given = os.environ.get("STEWARD_TEST_KAFKA")
    if given:
        yield KafkaTarget(given, idempotent=os.environ.get("STEWARD_TEST_KAFKA_IDEMPOTENT", "1") == "1")
        return
    if docker_available():
        from testcontainers.kafka import KafkaContainer

        with KafkaContainer().with_kraft() as container:
            yield KafkaTarget(container.get_bootstrap_server(), idempotent=True)
        return
    broker = EmbeddedBroker("127.0.0.1", free_port())
    broker.start()
    try:
        yield KafkaTarget(broker.bootstrap_servers, idempotent=False)
    finally:
        broker.stop()


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """An asyncpg URL of a PostgreSQL server where test databases may be created."""
    given = os.environ.get("STEWARD_TEST_PG_URL")
    if given:
        yield given
        return
    if docker_available():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:16-alpine", driver="asyncpg") as container:
            yield container.get_connection_url()
        return
    yield "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"


async def _admin(url: str, statement: str) -> None:
    import asyncpg

    plain = url.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(plain, timeout=10)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database of each kind: SQLite in a temp folder, PostgreSQL created and dropped."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
        return
    admin_url: str = request.getfixturevalue("postgres_admin_url")
    name = f"steward_test_{RUN_ID}_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(admin_url, f'CREATE DATABASE "{name}"'))
    base, _, _ = admin_url.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        asyncio.run(_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def other_database_url(database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A second fresh database of the same kind, for a second service in the same test."""
    if database_url.startswith("sqlite"):
        yield f"sqlite+aiosqlite:///{tmp_path / 'other.db'}"
        return
    admin_url: str = request.getfixturevalue("postgres_admin_url")
    name = f"steward_test_{RUN_ID}_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(admin_url, f'CREATE DATABASE "{name}"'))
    base, _, _ = admin_url.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        asyncio.run(_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
