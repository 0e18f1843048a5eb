"""Operations endpoints: liveness, readiness, Prometheus metrics, AsyncAPI; request middleware."""

import time
from typing import Any
from uuid import uuid4

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from faststream.specification import AsyncAPI
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.asyncapi import AsyncAPIDocument, describe_events
from shared.context import CallContext, set_context
from shared.docs_pages import asyncapi_html
from shared.envelope import SYSTEM_ACTOR
from shared.logs import access_log
from shared.runtime import Runtime

router = APIRouter(tags=["operations"])


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


@router.get("/healthz", summary="Liveness: the process answers")
async def healthz() -> dict[str, str]:
    """Alive as long as the event loop answers."""
    return {"status": "ok"}


@router.get("/readyz", summary="Readiness: database and broker reachable; with deep=1, consumers advancing")
async def readyz(request: Request, deep: bool = False) -> JSONResponse:
    """200 when the database and Kafka both answer, else 503 naming what is down.

    With `deep=1`, also 503 when a consumer has records pending and has not advanced for
    `CONSUMER_STALL_SECONDS`.
    """
    runtime = _runtime(request)
    db_ok, db_detail = await runtime.database_ready()
    kafka_ok, kafka_detail = await runtime.broker_ready()
    body: dict[str, Any] = {
        "database": {"ok": db_ok, "detail": db_detail},
        "broker": {"ok": kafka_ok, "detail": kafka_detail},
    }
    ok = db_ok and kafka_ok
    if deep:
        consumers_ok, consumers_detail = runtime.consumers_ready()
        body["consumers"] = {"ok": consumers_ok, "detail": consumers_detail}
        ok = ok and consumers_ok
    body = {"status": "ready" if ok else "not ready", **body}
    return JSONResponse(body, status_code=200 if ok else 503)


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
async def metrics(request: Request) -> Response:
    """Requests, events consumed, published and dead-lettered, outbox lag."""
    return Response(generate_latest(_runtime(request).metrics.registry), media_type=CONTENT_TYPE_LATEST)


def service_asyncapi(runtime: Runtime) -> dict[str, Any]:
    """The service's AsyncAPI 3 document: its channels, and each event type's schema and example."""
    definition = runtime.definition
    spec = AsyncAPI(
        runtime.broker,
        title=f"Steward {definition.title} events",
        version="1.0.0",
        description=definition.description,
    ).to_specification()
    return describe_events(spec.to_jsonable(), runtime.settings.kafka.topic_prefix)


@router.get("/asyncapi", summary="AsyncAPI document of the events (HTML for browsers, else JSON)")
async def asyncapi(request: Request) -> Response:
    """The service's event interface as AsyncAPI 3."""
    document = AsyncAPIDocument(service_asyncapi(_runtime(request)))
    if "text/html" in request.headers.get("accept", ""):
        return HTMLResponse(asyncapi_html(request, document.title))
    return Response(document.to_json(), media_type="application/json")


class RequestObserver:
    """Correlation id on every request and response, request counts and latency, as plain ASGI."""

    def __init__(self, app: ASGIApp, service: FastAPI) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Observe one HTTP request; anything else passes through."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get("x-correlation-id")
        correlation_id = (given or str(uuid4()))[:128]
        set_context(CallContext(actor=SYSTEM_ACTOR, correlation_id=correlation_id))
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message).append("X-Correlation-ID", correlation_id)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            runtime: Runtime | None = getattr(self.service.state, "runtime", None)
            if runtime is not None:
                path = getattr(scope.get("route"), "path", "unmatched")
                method = scope["method"]
                runtime.metrics.http_requests(method, path, str(status)).inc()
                runtime.metrics.http_latency(method, path).observe(time.perf_counter() - started)
                access_log(scope, path, status, time.perf_counter() - started)


def install_request_middleware(app: FastAPI) -> None:
    """Correlation id on every request and response; request counts and latency."""
    app.add_middleware(RequestObserver, service=app)
