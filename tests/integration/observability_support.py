"""Shared by the observability checks: the rules, the PrometheusRule made from them, PromQL names."""

import re
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
OBSERVABILITY = ROOT / "deploy" / "observability"
RULES = OBSERVABILITY / "prometheus" / "rules.yml"
RULE_TESTS = OBSERVABILITY / "prometheus" / "rules.test.yml"
DASHBOARDS = OBSERVABILITY / "grafana" / "dashboards"
COMPONENT = ROOT / "deploy" / "k8s" / "components" / "observability"
PROMETHEUS_RULE = COMPONENT / "prometheusrule.yaml"
CRDS = ROOT / "tests" / "schemas" / "crds"
HEADER = (
    "# Generated from deploy/observability/prometheus/rules.yml (a test checks both agree): edit that file,\n"
    "# then run: python -m tests.integration.observability_support (writes this one again).\n"
)
# Series Prometheus makes itself, not the services.
SYNTHETIC = frozenset({"up", "scrape_duration_seconds", "scrape_samples_scraped"})
PROMQL_WORDS = frozenset(
    {"sum", "by", "without", "rate", "irate", "increase", "delta", "deriv", "max", "min", "avg", "count"}
    | {"and", "or", "unless", "on", "ignoring", "group_left", "group_right", "histogram_quantile", "topk"}
    | {"bottomk", "time", "abs", "clamp_min", "clamp_max", "vector", "offset", "bool", "le", "label_replace"}
    | {"max_over_time", "min_over_time", "avg_over_time", "changes", "resets", "absent", "sort_desc", "round"}
)


def rule_groups() -> list[dict[str, Any]]:
    """The groups of the Prometheus rules file."""
    groups: list[dict[str, Any]] = yaml.safe_load(RULES.read_text())["groups"]
    return groups


def prometheus_rule() -> dict[str, Any]:
    """The PrometheusRule object the rules file makes."""
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {
            "name": "steward",
            "labels": {"app.kubernetes.io/part-of": "steward", "app.kubernetes.io/component": "monitoring"},
        },
        "spec": {"groups": rule_groups()},
    }


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression reads (label matchers, strings and durations left out)."""
    bare = re.sub(r'"[^"]*"', "", expr)
    bare = re.sub(r"\{[^}]*\}", "", bare)
    bare = re.sub(r"\[[^\]]*\]", "", bare)
    bare = re.sub(r"\b(by|without|on|ignoring)\s*\([^)]*\)", "", bare)
    names = set(re.findall(r"\b[a-zA-Z_:][a-zA-Z0-9_:]*\b", bare))
    return {n for n in names if n not in PROMQL_WORDS and not n[0].isdigit()}


def _block(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def write_prometheus_rule() -> None:
    """Write the k8s component's PrometheusRule from the rules file."""
    dumper = type("Dumper", (yaml.SafeDumper,), {})
    dumper.add_representer(str, _block)
    text = yaml.dump(prometheus_rule(), Dumper=dumper, sort_keys=False, width=110, allow_unicode=True)
    PROMETHEUS_RULE.write_text(HEADER + text)


if __name__ == "__main__":
    write_prometheus_rule()
    sys.stdout.write(f"wrote {PROMETHEUS_RULE.relative_to(ROOT)}\n")
