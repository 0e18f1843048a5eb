"""A running Steward for the browser tests and the screenshots: broker, four services, console, risk desk.

The suite is started with the same `Suite` class `steward up` uses (processes on free loopback ports);
`seed` files a small branch through the services' public APIs, as the demo does.
"""

import asyncio
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from shared.auth import issue_token
from shared.settings import ServiceSettings
from steward.catalog import ServiceEntry
from steward.embedded_broker import free_port
from steward.suite import Suite, SuiteConfig
from tests.conftest import RUN_ID, _admin
from tests.templates import start_suite

ORG = "rcc-browser"


class _Config(SuiteConfig):
    """SuiteConfig that may put each service on its own PostgreSQL database."""

    def __init__(self, databases: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.databases = databases or {}

    def database_url(self, service: ServiceEntry) -> str:
        return self.databases.get(service.name) or super().database_url(service)


@dataclass
class Stack:
    """The running suite, its URLs and what `seed` filed."""

    suite: Suite
    urls: dict[str, str]
    console: str
    ids: dict[str, str] = field(default_factory=dict)

    def stop(self) -> None:
        """Stop the console, services, risk desk and broker."""
        self.suite.stop()


def start_stack(var_dir: Path, databases: dict[str, str] | None = None) -> Stack:
    """Start everything on free ports; returns when every /readyz answers."""
    names = ("customer", "staffing", "appraisal", "audit")
    config = _Config(
        databases,
        broker_port=free_port(),
        ports={name: free_port() for name in names},
        var_dir=var_dir,
        with_risk_desk=True,
        console_port=free_port(),
        ready_timeout=90,
    )
    suite = Suite(config)
    try:
        start_suite(suite, lambda _line: None)
    except BaseException:
        suite.stop()
        raise
    urls = {name: f"http://127.0.0.1:{config.ports[name]}" for name in names}
    return Stack(suite, urls, f"http://127.0.0.1:{config.console_port}")


def headers(user: str, role: str) -> dict[str, str]:
    """A bearer token as `steward token` makes it."""
    token = issue_token(ServiceSettings(), user_id=user, roles=[role], org_id=ORG)
    return {"Authorization": f"Bearer {token}"}


def _wait(check: Any, what: str, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


MANAGERS = (
    ("senior", "王芳", "senior"),
    ("cm", "李伟", "cm"),
    ("cm2", "张敏", "cm"),
    ("trainee", "赵磊", "trainee"),
)


def seed(stack: Stack) -> dict[str, str]:
    """A branch: four CMs of three grades, customers of several kinds, one overdue, one refusal-prone."""
    hr, sup = headers("hr-1", "hr"), headers("sup-1", "supervisor")
    ids: dict[str, str] = {}
    with httpx.Client(timeout=15) as http:
        for i, (key, name, grade) in enumerate(MANAGERS):
            answer = http.post(
                f"{stack.urls['staffing']}/managers",
                headers=hr,
                json={"employee_no": f"B{i:03d}", "name": name, "grade": grade, "branch": "城北"},
            )
            assert answer.status_code == 201, answer.text
            ids[key] = answer.json()["id"]
        for key in ("senior", "cm", "cm2", "trainee"):
            mid = ids[key]
            _wait(
                lambda mid=mid: (
                    http.get(f"{stack.urls['customer']}/managers/{mid}", headers=sup).status_code == 200
                ),
                f"customer service learning of {key}",
            )

        def customer(key: str, body: dict[str, Any]) -> None:
            answer = http.post(f"{stack.urls['customer']}/customers", headers=sup, json=body)
            assert answer.status_code == 201, answer.text
            ids[key] = answer.json()["id"]

        customer(
            "mill",
            {
                "name": "青山饲料厂",
                "kind": "corporate",
                "classification": {"size": "medium"},
                "importance": "important",
                "primary_manager_id": ids["senior"],
                "co_manager_ids": [ids["cm"]],
                "branch": "城北",
                "address": "青山镇工业路8号",
                "contact": "13800000001",
            },
        )
        customer(
            "farm",
            {
                "name": "陈家农场",
                "kind": "farm_household",
                "importance": "core",
                "primary_manager_id": ids["cm"],
                "branch": "城北",
                "contact": "13800000002",
            },
        )
        customer(
            "shop",
            {
                "name": "刘记杂货店",
                "kind": "individual",
                "classification": {"size": "small"},
                "importance": "ordinary",
                "primary_manager_id": ids["cm"],
                "branch": "城北",
            },
        )
        customer(
            "coop",
            {
                "name": "红星农机合作社",
                "kind": "institutional",
                "classification": {"size": "small"},
                "importance": "ordinary",
                "primary_manager_id": ids["cm2"],
                "branch": "城北",
            },
        )
        customer(
            "lake",
            {
                "name": "湖畔建材公司",
                "kind": "corporate",
                "classification": {"size": "large"},
                "importance": "important",
                "primary_manager_id": ids["cm"],
                "co_manager_ids": [ids["cm2"]],
                "branch": "城北",
            },
        )
        # The cooperative grows: now medium-sized, it needs two CMs (R-C3) and is marked non-compliant.
        grown = http.put(
            f"{stack.urls['customer']}/customers/{ids['coop']}/classification",
            headers=sup,
            json={"size": "medium"},
        )
        assert grown.status_code == 200, grown.text
        # The farm was last visited 100 days ago: a core customer is overdue after 30 (R-M4).
        cm = headers(ids["cm"], "cm")
        long_ago = datetime.now(UTC) - timedelta(days=100)
        visit = http.post(
            f"{stack.urls['customer']}/customers/{ids['farm']}/visits",
            headers=cm,
            json={
                "kind": "maintenance",
                "occurred_at": long_ago.isoformat(),
                "satisfaction": 4,
                "maintenance": {
                    "greeted": True,
                    "summarized_agreement": True,
                    "asked_satisfaction": True,
                    "stated_objectives": True,
                    "listened": True,
                    "asked_comments": True,
                    "next_visit_on": (long_ago + timedelta(days=30)).date().isoformat(),
                },
            },
        )
        assert visit.status_code == 201, visit.text
    stack.ids = ids
    return ids


SERVICES = ("customer", "staffing", "appraisal", "audit")


@contextmanager
def postgres_stack(var_dir: Path, postgres_admin_url: str, label: str) -> Iterator[Stack]:
    """The seeded suite with one fresh PostgreSQL database per service, dropped afterwards."""
    base, _, _ = postgres_admin_url.rpartition("/")
    names = {s: f"steward_{label}_{RUN_ID}_{s}_{uuid.uuid4().hex[:6]}" for s in SERVICES}
    for name in names.values():
        asyncio.run(_admin(postgres_admin_url, f'CREATE DATABASE "{name}"'))
    running = None
    try:
        running = start_stack(var_dir, {s: f"{base}/{n}" for s, n in names.items()})
        seed(running)
        yield running
    finally:
        if running is not None:
            running.stop()
        for name in names.values():
            asyncio.run(_admin(postgres_admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
