"""OpenTelemetry traces: none recorded (at no cost) unless OTEL_EXPORTER_OTLP_ENDPOINT is set.

The trace follows the events: `uow.emit` stores the current W3C `traceparent` in the outbox row's headers,
the relay publishes each row in a producer span child of that context and sends the producer span's
`traceparent` as a Kafka header, and every consumer handles the record in a consumer span child of it.
"""

import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import Link, SpanKind, Status, StatusCode, Tracer
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

if TYPE_CHECKING:
    from fastapi import FastAPI
    from opentelemetry.sdk.trace import TracerProvider
    from sqlalchemy.ext.asyncio import AsyncEngine

    from shared.deadletter import Received
    from shared.outbox import OutboundRecord

TRACEPARENT = "traceparent"
ENDPOINT_VARIABLE = "OTEL_EXPORTER_OTLP_ENDPOINT"
# Probes and scrapes every few seconds would bury the requests worth tracing.
UNTRACED_URLS = "healthz,readyz,metrics"
_propagator = TraceContextTextMapPropagator()
_provider: "TracerProvider | None" = None
_tracer: Tracer | None = None


def enabled() -> bool:
    """True when spans are recorded (a provider is installed)."""
    return _tracer is not None


def install(provider: "TracerProvider") -> None:
    """Record spans with this provider from now on (tests install one with an in-memory exporter)."""
    global _provider, _tracer
    _provider = provider
    _tracer = provider.get_tracer("steward")


def uninstall() -> None:
    """Stop recording spans (what was built while installed keeps its instrumentation)."""
    global _provider, _tracer
    _provider = None
    _tracer = None


def configure_from_environment(service: str) -> bool:
    """Export spans over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set; True if tracing is on."""
    if enabled():
        return True
    if not os.environ.get(ENDPOINT_VARIABLE):
        return False
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    resource = Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME", service)})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    install(provider)
    return True


def instrument_app(app: "FastAPI") -> None:
    """A server span per HTTP request (not for probes and scrapes), when tracing is on."""
    if _provider is None:
        return
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(app, tracer_provider=_provider, excluded_urls=UNTRACED_URLS)


def instrument_engine(engine: "AsyncEngine | None") -> None:
    """A client span per SQL statement on this engine, when tracing is on."""
    if _tracer is None or engine is None:
        return
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
    from opentelemetry.metrics import get_meter

    usage = get_meter("steward").create_up_down_counter("db.client.connections.usage")
    EngineTracer(_tracer, engine.sync_engine, usage)  # type: ignore[no-untyped-call]


@contextmanager
def database_span(system: str, statement: str) -> Iterator[None]:
    """A client span around a statement run on the driver directly (the engine's own are instrumented)."""
    if _tracer is None:
        yield
        return
    attributes = {"db.system": system, "db.statement": statement}
    with _tracer.start_as_current_span(
        statement.split(None, 1)[0], kind=SpanKind.CLIENT, attributes=attributes
    ):
        yield


def outbound_headers() -> dict[str, str]:
    """The current trace context as headers to store with an outbox row; empty when tracing is off."""
    if _tracer is None:
        return {}
    carrier: dict[str, str] = {}
    _propagator.inject(carrier)
    return carrier


def current_ids() -> tuple[str, str] | None:
    """The current trace id and span id in hex, if a span is recording."""
    if _tracer is None:
        return None
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return trace.format_trace_id(context.trace_id), trace.format_span_id(context.span_id)


def traceparent() -> str | None:
    """The current span's W3C `traceparent`, to keep with a record whose later work joins its trace."""
    return outbound_headers().get(TRACEPARENT)


def _stored(stored: str | None) -> trace.SpanContext | None:
    if _tracer is None or not stored:
        return None
    context = trace.get_current_span(_propagator.extract({TRACEPARENT: stored})).get_span_context()
    return context if context.is_valid else None


def link_to(stored: str | None) -> None:
    """Link the current span to the span a stored `traceparent` names (nothing when tracing is off)."""
    target = _stored(stored)
    span = trace.get_current_span()
    if target is not None and span.is_recording():
        span.add_link(target)


@contextmanager
def continuing(stored: str | None, name: str) -> Iterator[None]:
    """Run the block in a span of the stored trace (events emitted in it continue that trace), linked to
    the current span; without tracing or a stored context, just run the block."""
    target = _stored(stored)
    if _tracer is None or target is None:
        yield
        return
    current = trace.get_current_span().get_span_context()
    links = [Link(current)] if current.is_valid else []
    parent = trace.set_span_in_context(trace.NonRecordingSpan(target))
    with _tracer.start_as_current_span(name, context=parent, kind=SpanKind.INTERNAL, links=links):
        yield


def _extract(headers: dict[str, str]) -> Context | None:
    if TRACEPARENT not in headers:
        return None
    return _propagator.extract({TRACEPARENT: headers[TRACEPARENT]})


@contextmanager
def publish_spans(records: "list[OutboundRecord]", service: str) -> "Iterator[list[OutboundRecord]]":
    """A producer span per record, child of the context stored with its row; the records to send
    carry the producer span's `traceparent`. Spans end when the block does (after the acks)."""
    if _tracer is None:
        yield records
        return
    spans = []
    sending = []
    for record in records:
        span = _tracer.start_span(
            f"{record.topic} publish",
            context=_extract(record.headers),
            kind=SpanKind.PRODUCER,
            attributes=_attributes(record.topic, record.key, service, record.headers.get("correlation_id")),
        )
        spans.append(span)
        headers = dict(record.headers)
        _propagator.inject(headers, context=trace.set_span_in_context(span))
        sending.append(replace(record, headers=headers))
    try:
        yield sending
    except BaseException as exc:
        for span in spans:
            span.set_status(Status(StatusCode.ERROR, f"{type(exc).__name__}: {exc}"))
        raise
    finally:
        for span in spans:
            span.end()


@contextmanager
def consume_span(record: "Received", consumer: str) -> Iterator[None]:
    """Handle a record inside a consumer span continuing the producer's trace (and linked to it)."""
    if _tracer is None:
        yield
        return
    headers = _decoded(record.headers)
    parent = _extract(headers)
    links: list[Link] = []
    if parent is not None:
        producer = trace.get_current_span(parent).get_span_context()
        if producer.is_valid:
            links.append(Link(producer))
    key = record.key.decode("utf-8", "replace") if record.key else ""
    attributes = _attributes(record.topic, key, consumer, headers.get("correlation_id"))
    attributes["messaging.kafka.offset"] = record.offset
    attributes["messaging.destination.partition.id"] = str(record.partition)
    with _tracer.start_as_current_span(
        f"{record.topic} process", context=parent, kind=SpanKind.CONSUMER, links=links, attributes=attributes
    ):
        yield


@contextmanager
def consume_spans(records: "Iterable[Received]", consumer: str) -> Iterator[None]:
    """A consumer span per record handled together by a batch handler (each continuing its producer's
    trace, all spanning the batch call); nothing is built, not even the records, when tracing is off."""
    if _tracer is None:
        yield
        return
    spans = []
    for record in records:
        headers = _decoded(record.headers)
        parent = _extract(headers)
        producer = trace.get_current_span(parent).get_span_context() if parent is not None else None
        key = record.key.decode("utf-8", "replace") if record.key else ""
        attributes = _attributes(record.topic, key, consumer, headers.get("correlation_id"))
        attributes["messaging.kafka.offset"] = record.offset
        attributes["messaging.destination.partition.id"] = str(record.partition)
        spans.append(
            _tracer.start_span(
                f"{record.topic} process",
                context=parent,
                kind=SpanKind.CONSUMER,
                links=[Link(producer)] if producer is not None and producer.is_valid else [],
                attributes=attributes,
            )
        )
    try:
        yield
    except BaseException as exc:
        for span in spans:
            span.set_status(Status(StatusCode.ERROR, f"{type(exc).__name__}: {exc}"))
        raise
    finally:
        for span in spans:
            span.end()


def _decoded(headers: Sequence[tuple[str, bytes]]) -> dict[str, str]:
    wanted = (TRACEPARENT, "correlation_id")
    return {k: v.decode("utf-8", "replace") for k, v in headers if k in wanted and isinstance(v, bytes)}


def _attributes(topic: str, key: str, actor: str, correlation_id: str | None) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        "messaging.system": "kafka",
        "messaging.destination.name": topic,
        "messaging.kafka.message.key": key,
        "steward.component": actor,
    }
    if correlation_id:
        attributes["steward.correlation_id"] = correlation_id
    return attributes
