"""deploy/compose, the image and the operations guide, checked without a Docker engine.

Compose is validated against the compose specification's JSON schema (shipped by check-jsonschema),
then dependencies, one-shot jobs, variables and settings. The Dockerfile is parsed by BuildKit's own
parser (the `dockerfile` package). The topic job runs against the real (embedded) broker. Every setting
must be in .env.example and docs/operations.md. Nothing is skipped: a missing tool fails the test.
"""

import base64
import importlib.resources
import importlib.util
import json
import os
import re
from collections.abc import Mapping
from typing import Any
from unittest import mock

import dockerfile
import jsonschema
import pytest

from shared.kafka import record_bytes
from shared.settings import KafkaSettings, ServiceSettings
from steward.catalog import SERVICES, entry
from steward.risk_desk import RiskDeskSettings
from tests.conftest import KafkaTarget
from tests.integration.deploy_support import (
    CLIENT_SETTINGS,
    COMPOSE,
    DEPLOY,
    ROOT,
    compose,
    env_example,
    load_module,
    load_settings,
    setting_names,
)
from tests.support import new_prefix


def test_compose_file_is_valid_against_the_compose_specification():
    schema_file = importlib.resources.files("check_jsonschema.builtin_schemas.vendor") / "compose-spec.json"
    schema = json.loads(schema_file.read_text())
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(compose()), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)
    # ...and the schema is strict enough to catch a misspelt key.
    broken = json.loads(json.dumps(compose()))
    broken["services"]["customer"]["healtcheck"] = broken["services"]["customer"].pop("healthcheck")
    assert list(validator.iter_errors(broken))


def test_compose_runs_kafka_postgres_jobs_then_services():
    services = compose()["services"]
    assert "KAFKA_PROCESS_ROLES" in services["kafka"]["environment"]  # KRaft, no ZooKeeper
    assert "zookeeper" not in services
    for name, service in services.items():
        for dependency, condition in service.get("depends_on", {}).items():
            assert dependency in services, f"{name} depends on unknown {dependency}"
            wanted = "service_completed_successfully" if services[dependency].get("restart") == "no" else None
            assert condition["condition"] in (wanted or "service_healthy",), f"{name} -> {dependency}"
            if condition["condition"] == "service_healthy":
                assert not services[dependency].get("healthcheck", {}).get("disable"), dependency
    for item in SERVICES:
        service = services[item.name]
        migrate = services[f"migrate-{item.name}"]
        assert migrate["command"] == ["steward", "migrate", "--service", item.name]
        assert migrate["restart"] == "no"
        assert service["command"] == ["steward-service", item.name]
        assert set(service["depends_on"]) >= {"kafka", "postgres", "kafka-topics", f"migrate-{item.name}"}
        assert service["healthcheck"]["test"] == ["CMD", "steward-service", "--health", item.name]
        assert service["ports"] == [
            f"${{STEWARD_BIND_ADDRESS:-127.0.0.1}}:{item.default_port}:{item.default_port}"
        ]
        assert service["read_only"] is True
        assert service["cap_drop"] == ["ALL"]
        assert service["user"] == "10001:10001"
    assert services["risk-desk"]["profiles"] == ["risk-desk"]
    assert services["risk-desk"]["command"] == ["steward", "risk-desk"]
    from steward.cli import app as cli

    assert {"risk-desk", "migrate"} <= {c.name or c.callback.__name__ for c in cli.registered_commands}
    assert services["kafka-topics"]["command"][-1] == "/steward/kafka/topics.txt"
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("."):
                assert (COMPOSE / source).exists(), f"{name} mounts missing {source}"


def test_compose_variables_and_settings_are_all_in_env_example():
    text = (COMPOSE / "compose.yaml").read_text()
    example = env_example()
    used = set(re.findall(r"\$\{([A-Z0-9_]+)", text))
    assert used <= set(example), f"not in .env.example: {sorted(used - set(example))}"
    required = set(re.findall(r"\$\{([A-Z0-9_]+):\?", text))
    assert all(example[v] for v in required), "every required variable has an example value"
    assert len(base64.urlsafe_b64decode(example["KAFKA_CLUSTER_ID"] + "==")) == 16, "a base64 UUID"
    for item in SERVICES:
        missing = setting_names(item.settings) - set(example)
        assert not missing, f".env.example lacks {sorted(missing)}"
    for cls in CLIENT_SETTINGS:
        missing = setting_names(cls) - set(example)
        assert not missing, f".env.example lacks {sorted(missing)}"


def _interpolate(value: Any, variables: Mapping[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        name, _, default = match.group(1).partition(":-")
        name = name.split(":?")[0]
        return variables.get(name) or default

    return re.sub(r"\$\{([^}]+)\}", one, str(value))


def test_each_compose_service_reads_valid_production_settings():
    variables = {k: v for k, v in env_example().items() if v}
    # the placeholder key is refused in prod (below); an operator replaces it, as this test does
    variables["STEWARD_JWT_SECRET"] = "Qm9rZXktcmFuZG9tLWtleS1mb3ItdGhlLWNvbXBvc2UtdGVzdC0xMjM0"
    variables["STEWARD_ID_DOCUMENT_KEY"] = "SWQtZG9jdW1lbnQta2V5LWZvci10aGUtY29tcG9zZS10ZXN0LTU2Nzg5"
    services = compose()["services"]
    for item in SERVICES:
        environment = {k: _interpolate(v, variables) for k, v in services[item.name]["environment"].items()}
        stray = {
            k for k in environment if k.startswith("STEWARD_") and k != "STEWARD_SERVICE"
        } - setting_names(item.settings)
        assert not stray, f"{item.name}: {stray}"
        settings = load_settings(item, environment)
        assert settings.profile == "prod"
        assert settings.kafka.bootstrap_servers == "kafka:9092"
        assert settings.kafka.create_topics is False
        assert settings.database_url == (
            f"postgresql+asyncpg://{item.name}:{variables[item.name.upper() + '_DB_PASSWORD']}"
            f"@postgres:5432/{item.name}"
        )
        assert settings.http_port == item.default_port
        migrate = {
            k: _interpolate(v, variables) for k, v in services[f"migrate-{item.name}"]["environment"].items()
        }
        assert load_settings(item, migrate).database_url == settings.database_url
    desk = {k: _interpolate(v, variables) for k, v in services["risk-desk"]["environment"].items()}
    assert set(desk) <= setting_names(RiskDeskSettings)
    with mock.patch.dict(os.environ, desk, clear=True):
        assert RiskDeskSettings().kafka.bootstrap_servers == "kafka:9092"
    # The topic job reads the suite-wide STEWARD_ settings, .env included (env_file).
    job_env = services["kafka-topics"]["environment"]
    job = variables | {k: _interpolate(v, variables) for k, v in job_env.items()}
    with mock.patch.dict(os.environ, job, clear=True):
        assert ServiceSettings().kafka.bootstrap_servers == "kafka:9092"
    assert int(job["STEWARD_TOPIC_REPLICATION"]) >= 1


async def test_the_topic_job_creates_every_topic_with_its_partitions(kafka: KafkaTarget):
    module = load_module(COMPOSE / "kafka" / "create_topics.py")
    rows = module.read_table(COMPOSE / "kafka" / "topics.txt")
    settings = KafkaSettings(bootstrap_servers=kafka.bootstrap_servers, topic_prefix=new_prefix())
    # The embedded broker takes no topic configs; Apache Kafka gets them (retention.ms, min.insync.replicas).
    created, short = await module.create_topics(
        rows, settings, replication=1, min_insync=1, with_configs=False
    )
    assert sorted(created) == sorted(settings.topic(r.name) for r in rows)
    assert short == []
    again, short = await module.create_topics(rows, settings, replication=1, min_insync=1, with_configs=False)
    assert again == []
    assert short == []
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=kafka.bootstrap_servers)
    await admin.start()
    try:
        described = await admin.describe_topics([settings.topic(r.name) for r in rows])
    finally:
        await admin.close()
    assert {t["topic"]: len(t["partitions"]) for t in described} == {
        settings.topic(r.name): r.partitions for r in rows
    }
    assert module.topic_configs(rows[0], 2) == {
        "cleanup.policy": "delete",
        "retention.ms": str(rows[0].retention_ms),
        "min.insync.replicas": "2",
        "max.message.bytes": str(record_bytes(KafkaSettings())),  # KAFKA__MAX_MESSAGE_BYTES + headroom
    }


# --- settings documentation ---------------------------------------------------------------------------


def test_operations_guide_documents_every_setting():
    guide = (ROOT / "docs" / "operations.md").read_text()
    common = setting_names(ServiceSettings)
    own = {
        item.name: {n.removeprefix(item.env_prefix) for n in setting_names(item.settings)}
        for item in SERVICES
    }
    shared = {n.removeprefix("STEWARD_") for n in common}
    missing = sorted(f"`{n}`" for n in shared if f"`{n}`" not in guide)
    for item in SERVICES:
        missing += sorted(
            f"`{item.env_prefix}{n}`"
            for n in own[item.name] - shared
            if f"`{item.env_prefix}{n}`" not in guide
        )
    for cls in CLIENT_SETTINGS:
        prefix = str(cls.model_config.get("env_prefix"))
        missing += [f"`{prefix}KAFKA__*`"] if f"`{prefix}KAFKA__*`" not in guide else []
        missing += sorted(
            f"`{n}`" for n in setting_names(cls) if "KAFKA__" not in n and f"`{n}`" not in guide
        )
    assert not missing, f"docs/operations.md does not document: {', '.join(missing)}"


# --- image ----------------------------------------------------------------------------------------------


def test_dockerfile_is_multi_stage_non_root_with_a_health_check_and_a_pinned_python():
    commands = dockerfile.parse_file(str(ROOT / "Dockerfile"))
    stages: list[list[Any]] = []
    args = {}
    for command in commands:
        if command.cmd == "FROM":
            stages.append([command])
        elif stages:
            stages[-1].append(command)
        elif command.cmd == "ARG":
            name, _, default = command.value[0].partition("=")
            args[name] = default
    assert len(stages) >= 2
    assert re.fullmatch(r"3\.(1[1-3])\.\d+", args["PYTHON_VERSION"]), "pin the Python patch release"
    final = stages[-1]
    assert all("${PYTHON_VERSION}" in stage[0].value[0] for stage in stages)
    final_cmds = [c.cmd for c in final]
    user = next(c.value[0] for c in final if c.cmd == "USER")
    assert user.split(":")[0] not in ("root", "0")
    assert int(user.split(":")[0]) >= 10000
    assert "HEALTHCHECK" in final_cmds
    healthcheck = next(c for c in final if c.cmd == "HEALTHCHECK")
    assert healthcheck.value[:3] == ("CMD", "steward-service", "--health")
    final_text = " ".join(c.original for c in final)
    assert "build-essential" not in final_text
    assert "apt-get install" not in final_text
    assert any(c.cmd == "COPY" and "--from=build" in c.flags for c in final)
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert "**" in ignored, "the build context starts from nothing and lets in what the image needs"
    assert {"!shared/**", "!services/**", "!steward/**", "!pyproject.toml"} <= set(ignored)


def test_the_entry_point_runs_and_checks_the_service_on_its_port():
    module = load_module(DEPLOY / "docker" / "steward_service.py")
    assert {item.name: item.default_port for item in SERVICES} == module.PORTS
    assert module.command("audit", {}) == [
        "uvicorn",
        "--factory",
        "services.audit.app:app",
        "--host",
        "0.0.0.0",  # noqa: S104
        "--port",
        "8004",
        "--no-access-log",
        "--timeout-graceful-shutdown",
        "20",
    ]
    env = {"STEWARD_CUSTOMER_HTTP_PORT": "9001", "STEWARD_CUSTOMER_HTTP_HOST": "127.0.0.1"}
    assert module.address("customer", env) == ("127.0.0.1", 9001)
    assert module.parse(["--health"], {"STEWARD_SERVICE": "staffing"}) == (True, "staffing")
    with pytest.raises(SystemExit):
        module.parse([], {})
    assert all(entry(item.name).app_factory == f"services.{item.name}.app:app" for item in SERVICES)
    assert module.healthy("customer", {"STEWARD_CUSTOMER_HTTP_PORT": "1"}) is False


def test_prod_refuses_to_start_with_the_placeholder_key_of_env_example():
    """Issue 13 item 7: copying .env.example without changing the key must not start production."""
    variables = {k: v for k, v in env_example().items() if v}
    item = SERVICES[0]
    environment = {
        k: _interpolate(v, variables) for k, v in compose()["services"][item.name]["environment"].items()
    }
    with pytest.raises(ValueError, match="published example or development key"):
        load_settings(item, environment)
