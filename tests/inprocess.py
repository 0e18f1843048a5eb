"""One service in-process without a broker: its HTTP API on a fresh SQLite database, events fed by hand.

The security, fuzz and stateful tests need no Kafka: the app's lifespan starts (database, relay) while the
runtime keeps retrying a closed loopback port in the background, and an event a consumer would receive is
handed straight to that consumer's `process`, exactly as the Kafka handler does.
"""

import itertools
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from enum import Enum
from importlib import import_module
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from shared.auth import Role, RoleGuard
from shared.consumer import Outcome, Received
from shared.runtime import Runtime
from shared.settings import ServiceSettings
from steward.embedded_broker import free_port
from tests.support import ORG, auth, envelope_bytes, make_settings, new_prefix, running

SERVICES = ("customer", "staffing", "appraisal", "audit")
# Routes anyone may call without a token: probes, metrics and the API and event documents and their assets.
PUBLIC_PATHS = frozenset(
    {"/healthz", "/readyz", "/metrics", "/asyncapi", "/problems/{code}"}
    | {"/docs", "/openapi.json", "/static"}
)
# A public mount answers for the files under it: the path the checks fetch.
PUBLIC_PROBE = {"/static": "/static/docs.js", "/problems/{code}": "/problems/not_found"}

# Background jobs that would otherwise run on a timer during the test (unknown settings are ignored).
QUIET: dict[str, dict[str, Any]] = {
    "staffing": {"expiry_sweep_seconds": 0},
    "audit": {"compliance_sweep_seconds": 0},
    "appraisal": {"auto_open_check_seconds": 0},
    "customer": {"ladder_recheck_seconds": 0},
}


def settings_class(name: str) -> type[ServiceSettings]:
    """The service's settings class (found by module, so one broken service does not hide the others)."""
    module = import_module(f"services.{name}.settings")
    found = [
        v
        for v in vars(module).values()
        if isinstance(v, type) and issubclass(v, ServiceSettings) and v is not ServiceSettings
    ]
    assert len(found) == 1, found
    return found[0]


def offline_settings(name: str, database_url: str, **extra: Any) -> ServiceSettings:
    """Settings of a service whose broker address is a closed loopback port and whose consumers stay off."""
    return make_settings(
        settings_class(name),
        database_url=database_url,
        bootstrap=f"127.0.0.1:{free_port()}",
        idempotent=False,
        prefix=new_prefix(),
        **{"start_consumers": False, **QUIET.get(name, {}), **extra},
    )


def build_app(name: str, settings: ServiceSettings) -> FastAPI:
    """The service's app from its composition root (nothing connects)."""
    app: FastAPI = import_module(f"services.{name}.app").create_app(settings)
    return app


def migrations(name: str) -> Path:
    """The service's Alembic folder."""
    folder: Path = import_module(f"services.{name}.app").MIGRATIONS
    return folder


@dataclass
class Offline:
    """A running service without a broker."""

    name: str
    app: FastAPI
    client: httpx.AsyncClient
    settings: ServiceSettings

    def as_(self, user: str, *roles: str, org: str = ORG) -> dict[str, str]:
        """Headers of a caller with roles."""
        return auth(self.settings, user, *roles, org=org)

    async def send(
        self, topic: str, event_type: str, key: str, payload: dict[str, Any], **envelope: Any
    ) -> None:
        """Hand one event to this service's consumers (the name `tests.harness.View` uses)."""
        await self.deliver(topic, event_type, key, payload, **envelope)

    async def deliver(
        self, topic: str, event_type: str, key: str, payload: dict[str, Any], **envelope: Any
    ) -> Outcome:
        """Hand one event on a logical topic to every consumer of this service subscribed to it."""
        return await deliver(self.app, topic, event_type, key, payload, **envelope)


_offsets = itertools.count()


async def deliver(
    app: FastAPI, topic: str, event_type: str, key: str, payload: dict[str, Any], **envelope: Any
) -> Outcome:
    """Hand one event on a logical topic to every consumer of the app subscribed to it, as Kafka would.

    `envelope` overrides envelope fields (event_id, producer, ...); returns the first consumer's outcome.
    """
    runtime: Runtime = app.state.runtime
    consumers = [c for c in runtime.consumers.values() if c.topic == topic]
    assert consumers, f"{runtime.definition.name} consumes nothing from {topic}"
    value = envelope_bytes(event_type, key, payload, **envelope)
    outcomes = [
        await c.process(
            Received(
                topic=runtime.settings.kafka.topic(topic),
                partition=0,
                offset=next(_offsets),
                key=key.encode(),
                value=value,
            )
        )
        for c in consumers
    ]
    return outcomes[0]


@asynccontextmanager
async def serve_offline(name: str, db_path: Path, **extra: Any) -> AsyncIterator[Offline]:
    """Migrate a fresh SQLite database, start the service's lifespan, and give its HTTP client."""
    settings = offline_settings(name, f"sqlite+aiosqlite:///{db_path}", **extra)
    app = build_app(name, settings)
    async with running(app, migrations(name)) as client:
        yield Offline(name, app, client, settings)


@dataclass(frozen=True)
class HttpRoute:
    """One route of an app as the security tests see it."""

    path: str
    methods: frozenset[str]
    is_api: bool
    guards: tuple[RoleGuard, ...]
    path_params: tuple[tuple[str, Any], ...]
    has_body: bool

    @property
    def allowed(self) -> frozenset[Role]:
        """The roles every role guard of the route admits (all guards must pass)."""
        roles = frozenset(Role)
        for guard in self.guards:
            roles &= guard.roles
        return roles

    def url(self, **given: str) -> str:
        """The path with each parameter filled: `given` values, else a random value of its type."""
        values = {name: given.get(name) or sample_path_value(kind) for name, kind in self.path_params}
        return self.path.format(**values)


def sample_path_value(kind: Any) -> str:
    """A well-typed value for a path parameter that names nothing that exists."""
    if isinstance(kind, type) and issubclass(kind, Enum):
        return str(next(iter(kind)).value)
    if kind is int:
        return "2100"  # a year in range, and an id nobody has
    if kind is date:
        return date.today().isoformat()
    return f"x{uuid.uuid4().hex[:12]}"


def _guards(dependant: Dependant) -> Iterator[RoleGuard]:
    for sub in dependant.dependencies:
        if isinstance(sub.call, RoleGuard):
            yield sub.call
        yield from _guards(sub)


def _route_contexts(app: FastAPI) -> list[Any]:
    try:  # FastAPI >= 0.160 keeps included routers as one entry each
        from fastapi.routing import iter_route_contexts
    except ImportError:  # pragma: no cover - older FastAPI lists every route flat
        return list(app.routes)
    return list(iter_route_contexts(app.routes))


def http_routes(app: FastAPI) -> list[HttpRoute]:
    """Every route the app serves, with its role guards, however routers were included."""
    found = []
    for ctx in _route_contexts(app):
        original = getattr(ctx, "original_route", ctx)
        methods = frozenset(getattr(ctx, "methods", None) or ()) - {"HEAD", "OPTIONS"}
        if not isinstance(original, APIRoute):
            found.append(HttpRoute(str(ctx.path), methods, False, (), (), False))
            continue
        dependant: Dependant = ctx.dependant
        params = tuple((p.name, p.field_info.annotation) for p in dependant.path_params)
        found.append(
            HttpRoute(
                str(ctx.path),
                methods,
                True,
                tuple(_guards(dependant)),
                params,
                ctx.body_field is not None,
            )
        )
    return found
