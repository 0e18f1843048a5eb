"""A service in-process without a broker on the `database_url` of the test (SQLite or PostgreSQL)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from tests.inprocess import Offline, build_app, migrations, offline_settings
from tests.support import ORG, running

GRADES = {"m-s": "senior", "m-c": "cm", "m-t": "trainee"}


@asynccontextmanager
async def offline(name: str, database_url: str, **extra: Any) -> AsyncIterator[Offline]:
    """Migrate the database, start the service's lifespan (consumers off) and give its client."""
    settings = offline_settings(name, database_url, **extra)
    app = build_app(name, settings)
    async with running(app, migrations(name)) as client:
        yield Offline(name, app, client, settings)


async def with_managers(service: Offline, org: str = ORG, suffix: str = "") -> dict[str, str]:
    """Teach customer service three CMs (senior, cm, trainee); the supervisor's headers."""
    for known_as, grade in GRADES.items():
        manager_id = known_as + suffix
        await service.deliver(
            "staffing.managers",
            "manager.registered",
            manager_id,
            {
                "manager_id": manager_id,
                "employee_no": manager_id.upper(),
                "name": manager_id,
                "grade": grade,
                "branch": "north",
                "status": "active",
                "certified_until": "2099-01-01",
            },
            org_id=org,
        )
    return service.as_("sup-1", "supervisor", org=org)
