"""The common FastAPI shape of every service: lifespan, auth, errors, operations, admin."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.openapi.utils import get_openapi

from shared.admin import router as admin_router
from shared.auth import VerifiedTokens
from shared.bulk import BulkImportGc
from shared.docs_pages import install_docs
from shared.gauges import DEAD_LETTERS_OPEN, DatabaseGauges, service_gauges
from shared.http_errors import ERROR_RESPONSES, document_problems, install_error_handlers
from shared.http_guard import HttpGuard
from shared.idempotent_http import IdempotencyMiddleware, document_idempotency_keys, idempotency_refusal
from shared.kafka import create_broker
from shared.logs import configure_logging
from shared.metrics import Metrics
from shared.ops import install_request_middleware
from shared.ops import router as ops_router
from shared.pagination import refuse_unknown_query
from shared.problem_pages import router as problems_router
from shared.ratelimit import RateLimiter
from shared.runtime import Runtime, ServiceDefinition
from shared.settings import ServiceSettings
from shared.telemetry import configure_from_environment, instrument_app, instrument_engine
from shared.uow import UnitOfWork

S = TypeVar("S", bound=ServiceSettings)


async def request_checks(request: Request) -> None:
    """Every route: an unknown query parameter is a 422, and a POST's Idempotency-Key is checked.

    One dependency rather than two: FastAPI solves each dependency of every request anew.
    """
    await refuse_unknown_query(request)
    await idempotency_refusal(request)


def build_service_app(
    settings: ServiceSettings,
    definition: ServiceDefinition,
    routers: Sequence[APIRouter],
    *,
    configure_logs: bool = False,
) -> FastAPI:
    """Assemble a service; nothing connects until the app's lifespan starts."""
    if configure_logs:
        configure_logging(definition.name, settings.log_level)
    configure_from_environment(definition.name)  # traces only when OTEL_EXPORTER_OTLP_ENDPOINT is set
    broker = create_broker(settings.kafka, client_id=definition.name)
    for logical in definition.publishes:
        topic = settings.kafka.topic(logical)
        broker.publisher(
            topic, title=f"{definition.name}:{topic}", description=f"Published via the outbox to {topic}"
        )
    runtime = Runtime(
        settings=settings, definition=definition, broker=broker, metrics=Metrics(definition.name)
    )
    runtime.bind_consumers()
    gauges = DatabaseGauges(runtime.metrics.registry, (DEAD_LETTERS_OPEN, *service_gauges(definition.name)))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        instrument_engine(runtime.engine)
        runtime.metrics.watch_pool(runtime.engine)
        refresh = None
        if settings.business_gauge_seconds > 0 and runtime.session_factory is not None:
            refresh = asyncio.create_task(
                gauges.run(runtime, runtime.session_factory, settings.business_gauge_seconds)
            )
        try:
            yield
        finally:
            if refresh is not None:
                refresh.cancel()
                await asyncio.wait([refresh], timeout=settings.shutdown_step_seconds)
            await runtime.stop()

    app = FastAPI(
        title=f"Steward {definition.title}",
        description=definition.description,
        lifespan=lifespan,
        # every route: an unknown query parameter is a 422; a POST's Idempotency-Key is checked
        dependencies=[Depends(request_checks)],
        docs_url=None,  # served by shared.docs_pages from vendored assets, never from a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.tokens = VerifiedTokens(settings)
    app.state.write_limiter = RateLimiter(
        settings.rate_limit_writes_per_second, settings.rate_limit_write_burst
    )
    app.state.runtime = runtime
    app.state.gauges = gauges
    install_error_handlers(app)
    app.add_middleware(BulkImportGc)  # innermost: the collector paused over a bulk import's request
    app.add_middleware(IdempotencyMiddleware)  # inside the guard: only checked bodies are kept
    app.add_middleware(
        HttpGuard, max_body_bytes=settings.http_max_body_bytes, body_limits=settings.http_body_limits
    )
    install_request_middleware(app)  # outermost: correlation id and metrics on every answer
    app.include_router(ops_router)
    install_docs(app)
    app.include_router(problems_router)
    app.include_router(admin_router, responses=ERROR_RESPONSES)
    for router in routers:
        app.include_router(router, responses=ERROR_RESPONSES)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            app.openapi_schema = document_idempotency_keys(document_problems(document))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    instrument_app(app)
    return app


async def get_uow(request: Request) -> UnitOfWork:
    """A fresh unit of work for the request's command."""
    runtime: Runtime = request.app.state.runtime
    return runtime.uow()


UoW = Annotated[UnitOfWork, Depends(get_uow)]


def settings_of(kind: type[S]) -> Callable[[Request], Awaitable[S]]:
    """The dependency giving a route the settings its app was built with, as the service's own class."""

    async def get_settings(request: Request) -> S:
        """The settings the app was built with."""
        settings = request.app.state.settings
        assert isinstance(settings, kind)
        return settings

    return get_settings
