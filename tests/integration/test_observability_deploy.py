"""deploy/observability and the k8s observability component, checked by promtool and the CRDs' schemas.

promtool (Debian's `prometheus` package) checks the rules and runs their unit tests (each alert fires
when it should, stays silent when it should not); the test is skipped when promtool is not installed.
The component is rendered by `kubectl kustomize` on top of the prod overlay, its custom resources
validated against the vendored CRD schemas (tests/schemas/crds: unknown fields refused, as
`kubectl apply --validate=strict` would), and every other object against Kubernetes' own schemas.
"""

import json
import os
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.integration.deploy_support import K8S, K8S_VERSIONS, _kubectl, matches, of_kind, validate_object
from tests.integration.observability_support import (
    COMPONENT,
    CRDS,
    PROMETHEUS_RULE,
    RULE_TESTS,
    RULES,
    prometheus_rule,
)

SERVICES_SCALED_ON_LAG = ("customer", "appraisal", "audit")


def _promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        pytest.skip("promtool not installed (Debian package `prometheus`)")
    return found


def test_promtool_accepts_the_rules():
    result = subprocess.run(
        [_promtool(), "check", "rules", str(RULES)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_fires_when_it_should_and_not_otherwise():
    tests = yaml.safe_load(RULE_TESTS.read_text())["tests"]
    tested = {case["alertname"] for test in tests for case in test["alert_rule_test"]}
    alerts = {rule["alert"] for group in prometheus_rule()["spec"]["groups"] for rule in group["rules"]}
    assert tested == alerts, f"alerts without a unit test: {alerts - tested}"
    result = subprocess.run(
        [_promtool(), "test", "rules", RULE_TESTS.name],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=RULE_TESTS.parent,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_prometheus_rule_is_the_rules_file():
    assert yaml.safe_load(PROMETHEUS_RULE.read_text()) == prometheus_rule(), (
        "run: python -m tests.integration.observability_support"
    )


@cache
def rendered(tmp: Path) -> tuple[dict[str, Any], ...]:
    """The prod overlay with the observability component and its KEDA part."""
    (tmp / "kustomization.yaml").write_text(
        yaml.safe_dump(
            {
                "apiVersion": "kustomize.config.k8s.io/v1beta1",
                "kind": "Kustomization",
                "resources": [os.path.relpath(K8S / "overlays" / "prod", tmp)],
                "components": [os.path.relpath(COMPONENT, tmp), os.path.relpath(COMPONENT / "keda", tmp)],
            }
        )
    )
    result = subprocess.run(
        [_kubectl(), "kustomize", str(tmp)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return tuple(d for d in yaml.safe_load_all(result.stdout) if d)


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], ...]:
    """The rendered objects."""
    return rendered(tmp_path_factory.mktemp("observability"))


def _strict(schema: Any) -> Any:
    """The schema refusing unknown fields wherever it lists the known ones (as kubectl validates strictly)."""
    if isinstance(schema, dict):
        out = {k: _strict(v) for k, v in schema.items()}
        if (
            "properties" in out
            and "additionalProperties" not in out
            and not out.get("x-kubernetes-preserve-unknown-fields")
        ):
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [_strict(v) for v in schema]
    return schema


@cache
def crd_schemas() -> dict[tuple[str, str], dict[str, Any]]:
    """(apiVersion, kind) -> the CRD's openAPIV3Schema, made strict."""
    found = {}
    for path in CRDS.glob("*.json"):
        crd = json.loads(path.read_text())
        found[(crd["apiVersion"], crd["kind"])] = _strict(crd["openAPIV3Schema"])
    return found


def validate(doc: dict[str, Any]) -> None:
    """A custom resource against its CRD; anything else against Kubernetes' schemas (newest version)."""
    schema = crd_schemas().get((doc["apiVersion"], doc["kind"]))
    if schema is None:
        validate_object(doc, K8S_VERSIONS[-1])
        return
    body = {k: v for k, v in doc.items() if k != "metadata"}  # metadata is ObjectMeta, not in the CRD
    jsonschema.Draft7Validator(schema).validate(body)


def test_every_object_is_valid_against_its_schema(docs):
    kinds = {d["kind"] for d in docs}
    assert {"ServiceMonitor", "PodMonitor", "PrometheusRule", "ScaledObject"} <= kinds
    for doc in docs:
        validate(doc)


def test_the_crd_validation_refuses_a_typo_and_a_wrong_type(docs):
    monitor = json.loads(json.dumps(of_kind(docs, "ServiceMonitor")["steward"]))
    monitor["spec"]["endpoints"][0]["prot"] = monitor["spec"]["endpoints"][0].pop("port")
    with pytest.raises(jsonschema.ValidationError):
        validate(monitor)
    scaled = json.loads(json.dumps(of_kind(docs, "ScaledObject")["customer"]))
    scaled["spec"]["maxReplicaCount"] = "six"
    with pytest.raises(jsonschema.ValidationError):
        validate(scaled)
    rule = json.loads(json.dumps(of_kind(docs, "PrometheusRule")["steward"]))
    rule["spec"]["groups"][0]["rules"][0]["expr"] = ["not", "a", "string"]
    with pytest.raises(jsonschema.ValidationError):
        validate(rule)


def test_monitors_select_every_steward_pod_through_a_port_named_http(docs):
    services = of_kind(docs, "Service")
    selector = of_kind(docs, "ServiceMonitor")["steward"]["spec"]["selector"]["matchLabels"]
    scraped = {name for name, s in services.items() if matches(selector, s["metadata"]["labels"])}
    assert scraped == {"customer", "staffing", "appraisal", "audit"}
    assert all(any(p["name"] == "http" for p in services[n]["spec"]["ports"]) for n in scraped)
    pod_selector = of_kind(docs, "PodMonitor")["steward-schedulers"]["spec"]["selector"]["matchLabels"]
    schedulers = {
        name
        for name, d in of_kind(docs, "Deployment").items()
        if matches(pod_selector, d["spec"]["template"]["metadata"]["labels"])
    }
    assert schedulers == {"staffing-scheduler", "audit-scheduler"}


def test_keda_replaces_the_cpu_hpa_of_the_consumer_heavy_services(docs):
    scaled = of_kind(docs, "ScaledObject")
    assert set(scaled) == set(SERVICES_SCALED_ON_LAG)
    hpas = of_kind(docs, "HorizontalPodAutoscaler")
    deployments = of_kind(docs, "Deployment")
    for name, obj in scaled.items():
        assert name not in hpas, f"{name}: KEDA's HPA would fight the base one"
        assert obj["spec"]["scaleTargetRef"]["name"] in deployments
        triggers = {t["type"]: t for t in obj["spec"]["triggers"]}
        assert set(triggers) == {"cpu", "prometheus"}
        assert f'job="steward-{name}"' in triggers["prometheus"]["metadata"]["query"]
        assert "steward_consumer_lag" in triggers["prometheus"]["metadata"]["query"]
    assert "staffing" in hpas
