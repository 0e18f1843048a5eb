"""The console in compose and the kustomize overlays: restricted pods, probes, scaling, and a network
policy that lets it call the four services' HTTP ports and nothing else."""

import base64
import os
from unittest import mock

import pytest

from services.console.settings import ConsoleSettings
from tests.integration.deploy_support import OVERLAYS, compose, matches, of_kind, render, setting_names

SERVICE_PORTS = {"customer": 8001, "staffing": 8002, "appraisal": 8003, "audit": 8004}


def _console(overlay: str):  # type: ignore[no-untyped-def]
    docs = render(f"overlays/{overlay}")
    return docs, of_kind(docs, "Deployment")["console"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_console_has_its_companions_and_a_sticky_service(overlay):
    docs, deployment = _console(overlay)
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    for kind in ("Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"):
        assert "console" in of_kind(docs, kind), kind
    service = of_kind(docs, "Service")["console"]
    assert matches(service["spec"]["selector"], labels)
    assert service["spec"]["sessionAffinity"] == "ClientIP", "sessions live in one pod (ADR 0006)"
    assert service["spec"]["ports"] == [
        {"name": "http", "port": 8000, "targetPort": "http", "protocol": "TCP"}
    ]
    assert matches(of_kind(docs, "PodDisruptionBudget")["console"]["spec"]["selector"]["matchLabels"], labels)
    assert (
        deployment["spec"]["replicas"]
        >= of_kind(docs, "HorizontalPodAutoscaler")["console"]["spec"]["minReplicas"]
    )


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_console_pod_is_restricted_with_probes_and_the_console_command(overlay):
    _docs, deployment = _console(overlay)
    spec = deployment["spec"]["template"]["spec"]
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["automountServiceAccountToken"] is False
    assert "initContainers" not in spec, "the console migrates nothing"
    (container,) = spec["containers"]
    assert container["command"][:3] == ["uvicorn", "--factory", "services.console.app:app"]
    assert {p["name"]: p["containerPort"] for p in container["ports"]} == {"http": 8000}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    security = container["securityContext"]
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert security["capabilities"]["drop"] == ["ALL"]
    assert {"cpu", "memory"} <= set(container["resources"]["requests"])


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_console_may_call_the_four_services_only(overlay):
    docs, deployment = _console(overlay)
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    mine = [
        p
        for p in of_kind(docs, "NetworkPolicy").values()
        if matches(p["spec"]["podSelector"]["matchLabels"], labels)
    ]
    assert any(not p["spec"].get("ingress") and not p["spec"].get("egress") for p in mine), "no deny-all"
    assert {t for p in mine for t in p["spec"]["policyTypes"]} == {"Ingress", "Egress"}
    templates = {d["metadata"]["name"]: d["spec"]["template"] for d in of_kind(docs, "Deployment").values()}
    egress_ports = set()
    for rule in (r for p in mine for r in p["spec"].get("egress", [])):
        ports = {port["port"] for port in rule["ports"]}
        egress_ports |= ports
        if ports & set(SERVICE_PORTS.values()):
            (port,) = ports
            (target,) = rule["to"]
            reached = [
                n
                for n, t in templates.items()
                if matches(target["podSelector"]["matchLabels"], t["metadata"]["labels"])
            ]
            name = next(n for n, p in SERVICE_PORTS.items() if p == port)
            assert name in reached, (port, reached)
            assert all(n.startswith(name) for n in reached), f"port {port} reaches {reached}"
    assert egress_ports == {53, *SERVICE_PORTS.values()}, "no Kafka, no PostgreSQL, no internet"
    ingress = [r for p in mine for r in p["spec"].get("ingress", [])]
    assert ingress
    assert all(r.get("from") for r in ingress)
    assert {port["port"] for r in ingress for port in r["ports"]} == {8000}
    # the services admit the console's pods on their HTTP ports
    services_in = of_kind(docs, "NetworkPolicy")["steward-http-ingress"]["spec"]["ingress"]
    assert any(
        matches(src.get("podSelector", {}).get("matchLabels", {"x": "y"}), labels)
        for r in services_in
        for src in r["from"]
    )


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_console_reads_valid_settings_from_its_config_map_and_secret(overlay):
    docs, deployment = _console(overlay)
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    env: dict[str, str] = {}
    for source in container["envFrom"]:
        if "configMapRef" in source:
            env.update(of_kind(docs, "ConfigMap")[source["configMapRef"]["name"]]["data"])
        else:
            secret = of_kind(docs, "Secret").get(source["secretRef"]["name"])
            if secret is None:  # prod: created by ops (docs/operations.md)
                assert overlay == "prod"
                env["STEWARD_CONSOLE_CSRF_SECRET"] = "x" * 40
            else:
                env.update({k: base64.b64decode(v).decode() for k, v in secret["data"].items()})
    stray = {k for k in env if k.startswith("STEWARD_CONSOLE_") and k not in setting_names(ConsoleSettings)}
    assert not stray
    with mock.patch.dict(os.environ, env, clear=True):
        settings = ConsoleSettings()
    assert settings.profile == ("prod" if overlay == "prod" else "dev")
    assert settings.customer_url == "http://customer:8001"
    assert settings.dev_sign_in is (overlay == "dev")


def test_compose_runs_the_console_after_the_four_services():
    console = compose()["services"]["console"]
    assert console["ports"] == ["${STEWARD_BIND_ADDRESS:-127.0.0.1}:8000:8000"]
    assert {name: c["condition"] for name, c in console["depends_on"].items()} == dict.fromkeys(
        SERVICE_PORTS, "service_healthy"
    )
    env = {k: str(v) for k, v in console["environment"].items()}
    for name, port in SERVICE_PORTS.items():
        assert env[f"STEWARD_CONSOLE_{name.upper()}_URL"] == f"http://{name}:{port}"
    assert "healthz" in " ".join(console["healthcheck"]["test"])


def test_the_image_carries_every_template_catalogue_and_asset_of_the_console():
    import fnmatch
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    patterns = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"][
        "services.console"
    ]
    console = root / "services" / "console"
    for folder in ("templates", "static", "locale"):
        for path in (console / folder).rglob("*"):
            if path.is_file():
                relative = path.relative_to(console).as_posix()
                assert any(fnmatch.fnmatch(relative, p) for p in patterns), f"{relative} is not packaged"
