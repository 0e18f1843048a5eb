"""Traces: one departure is one trace across the four services, producer spans linked to consumer spans."""

import io
import json
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, format_trace_id

from shared import telemetry
from shared.batch import BatchEventConsumer
from shared.deadletter import Received
from shared.logs import JsonFormatter
from tests.conftest import KafkaTarget
from tests.inprocess import build_app, migrations, offline_settings
from tests.integration.conftest import Service, serve
from tests.support import envelope_bytes, eventually, running


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    """Spans of everything built while the test runs, kept in memory."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    telemetry.install(provider)
    try:
        yield exporter
    finally:
        telemetry.uninstall()
        provider.shutdown()


@pytest.fixture
async def suite(
    spans: InMemorySpanExporter, kafka: KafkaTarget, tmp_path: Path, prefix: str
) -> AsyncIterator[dict[str, Service]]:
    """The four services on one broker, each on its own SQLite database, traced."""
    from contextlib import AsyncExitStack

    quiet = {"staffing": {"expiry_sweep_seconds": 0}, "appraisal": {"auto_open_check_seconds": 0}}
    async with AsyncExitStack() as stack:
        services = {}
        for name in ("staffing", "customer", "audit", "appraisal"):
            url = f"sqlite+aiosqlite:///{tmp_path / name}.db"
            services[name] = await stack.enter_async_context(
                serve(name, url, kafka, prefix, **quiet.get(name, {}))
            )
        yield services


@pytest.fixture
def log_out() -> Iterator[io.StringIO]:
    """Every log line written during the test, as the services format them."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter("test"))
    root = logging.getLogger()
    root.addHandler(handler)
    access = logging.getLogger("steward.access")
    access.setLevel(logging.INFO)
    try:
        yield out
    finally:
        root.removeHandler(handler)
        access.setLevel(logging.NOTSET)


def _one(found: list[ReadableSpan], what: str) -> ReadableSpan:
    assert len(found) == 1, f"{what}: {[s.name for s in found]}"
    return found[0]


async def test_a_departure_is_one_trace_across_the_services_with_producers_linked_to_consumers(
    suite, spans: InMemorySpanExporter, log_out: io.StringIO
):
    staffing, customer, audit = suite["staffing"], suite["customer"], suite["audit"]
    hr, supervisor = staffing.as_("hr-1", "hr"), customer.as_("sup-1", "supervisor")
    auditor = audit.as_("aud-1", "auditor")
    made = await staffing.client.post(
        "/managers",
        headers=hr,
        json={"employee_no": "E42", "name": "Liu Yang", "grade": "cm", "branch": "north"},
    )
    mid = made.json()["id"]

    async def known_to_customer() -> bool:
        return (await customer.client.get(f"/managers/{mid}", headers=supervisor)).status_code == 200

    await eventually(known_to_customer, what="customer learning of the CM")
    for name in ("Hillside Feed Mill", "Chen family farm"):
        created = await customer.client.post(
            "/customers",
            headers=supervisor,
            json={"name": name, "kind": "corporate", "primary_manager_id": mid},
        )
        assert created.status_code == 201, created.text
    asked = await staffing.client.post(f"/managers/{mid}/departure", headers=hr, json={"reason": "moving"})
    assert asked.status_code in (200, 202), asked.text

    async def case_with_portfolio() -> dict | None:
        found = (await audit.client.get(f"/departure-audits?manager_id={mid}", headers=auditor)).json()
        return found[0] if found and found[0]["portfolio_received"] else None

    case = await eventually(case_with_portfolio, what="departure audit with the portfolio")
    for item in case["items"]:
        cleared = await audit.client.post(
            f"/departure-audits/{case['id']}/items/{item['id']}/clear", headers=auditor, json={"note": "ok"}
        )
        assert cleared.status_code == 200, cleared.text

    async def departed() -> bool:
        return (await staffing.client.get(f"/managers/{mid}", headers=hr)).json()["status"] == "departed"

    await eventually(departed, what="staffing marking the CM departed")

    finished = list(spans.get_finished_spans())
    request = _one(
        [
            s
            for s in finished
            if s.kind is SpanKind.SERVER
            and s.attributes.get("http.route") == "/managers/{manager_id}/departure"
        ],
        "the departure request's server span",
    )
    trace_id = request.context.trace_id
    # The request's access line, written inside its span, carries its trace id.
    log_lines = [json.loads(line) for line in log_out.getvalue().splitlines()]
    departure_lines = [line for line in log_lines if line.get("route") == "/managers/{manager_id}/departure"]
    assert [line.get("trace_id") for line in departure_lines] == [format_trace_id(trace_id)]
    in_trace = [s for s in finished if s.context.trace_id == trace_id]
    by_id = {s.context.span_id: s for s in in_trace}
    consumers = [s for s in in_trace if s.kind is SpanKind.CONSUMER]
    handled_by = {str(s.attributes["steward.component"]).split(".")[0] for s in consumers}
    # HR's request -> staffing's event -> customer's portfolio -> audit's case (appraisal listens too).
    assert {"customer", "audit"} <= handled_by, handled_by
    for span in consumers:
        producer = by_id.get(span.parent.span_id) if span.parent else None
        assert producer is not None, span.name
        assert producer.kind is SpanKind.PRODUCER, span.name
        assert (
            producer.attributes["messaging.destination.name"] == span.attributes["messaging.destination.name"]
        )
        assert [link.context.span_id for link in span.links] == [producer.context.span_id]
    assert any(s.attributes.get("db.system") or s.attributes.get("db.system.name") for s in in_trace)
    # The portfolio goes on from customer's consumer span to audit's case: hops chained in one trace.
    chains = [_components(span, by_id) for span in consumers]
    assert any(chain[:2] == ["audit", "customer"] for chain in chains), chains

    # The auditor's clearances are requests of their own, each linked to the departure's trace, and the
    # clearing continues that trace: staffing marks the CM departed inside it (issue 18).
    clearances = [
        s
        for s in finished
        if s.kind is SpanKind.SERVER
        and s.attributes.get("http.route") == "/departure-audits/{audit_id}/items/{item_id}/clear"
    ]
    assert len(clearances) == len(case["items"]) == 2
    for span in clearances:
        assert span.context.trace_id != trace_id
        assert trace_id in {link.context.trace_id for link in span.links}, span.links

    async def departed_in_the_trace() -> list[ReadableSpan] | None:
        found = [
            s
            for s in spans.get_finished_spans()
            if s.context.trace_id == trace_id
            and s.kind is SpanKind.CONSUMER
            and str(s.attributes["steward.component"]).startswith("staffing")
            and s.attributes["messaging.destination.name"].endswith("audit.cases")
        ]
        return found or None

    departed_spans = await eventually(departed_in_the_trace, what="staffing's departed span in the trace")
    everything = {s.context.span_id: s for s in spans.get_finished_spans()}
    cleared = _one(
        [s for s in everything.values() if s.name == "departure cleared"], "the departure cleared span"
    )
    assert cleared.context.trace_id == trace_id
    # ...started by the last clearance, which it links to
    clearance_traces = {s.context.trace_id for s in clearances}
    assert [link.context.trace_id in clearance_traces for link in cleared.links] == [True]
    assert any(cleared.context.span_id in _ancestors(s, everything) for s in departed_spans)


def _components(span: ReadableSpan, by_id: dict[int, ReadableSpan]) -> list[str]:
    """The services whose consumer spans lead to this one, nearest first."""
    found = []
    current: ReadableSpan | None = span
    while current is not None:
        if current.kind is SpanKind.CONSUMER:
            found.append(str(current.attributes["steward.component"]).split(".")[0])
        current = by_id.get(current.parent.span_id) if current.parent else None
    return found


def _ancestors(span: ReadableSpan, by_id: dict[int, ReadableSpan]) -> set[int]:
    """The span ids above this span, as far as they were recorded."""
    found: set[int] = set()
    current = by_id.get(span.parent.span_id) if span.parent else None
    while current is not None:
        found.add(current.context.span_id)
        current = by_id.get(current.parent.span_id) if current.parent else None
    return found


async def test_a_batch_handler_gives_each_record_its_own_consumer_span(
    spans: InMemorySpanExporter, database_url
):
    """Balances are handled a batch at a time; each record still continues its producer's trace."""
    settings = offline_settings("customer", database_url)
    app = build_app("customer", settings)
    producer_tracer = TracerProvider().get_tracer("corebanking")  # the producers' spans, not exported here
    async with running(app, migrations("customer")):
        runtime = app.state.runtime
        consumer = next(c for c in runtime.consumers.values() if c.topic.endswith("corebanking.balances"))
        assert isinstance(consumer, BatchEventConsumer)
        records, producers = [], []
        for n in range(3):
            with producer_tracer.start_as_current_span("corebanking publish") as producer:
                headers = telemetry.outbound_headers()
            producers.append(producer.get_span_context())
            payload = {
                "external_id": f"62103300000{n}",
                "deposit": "100.00",
                "loan": "0.00",
                "overdue": "0.00",
                "as_of": "2026-01-31T23:59:59Z",
            }
            value = envelope_bytes("balance.reported", payload["external_id"], payload, schema_version=2)
            records.append(
                Received(
                    topic=consumer.topic,
                    partition=0,
                    offset=n,
                    key=payload["external_id"].encode(),
                    value=value,
                    headers=[(telemetry.TRACEPARENT, headers[telemetry.TRACEPARENT].encode())],
                )
            )
        await consumer.process_batch(records)
    handled = [
        s
        for s in spans.get_finished_spans()
        if s.kind is SpanKind.CONSUMER and s.name.endswith("corebanking.balances process")
    ]
    assert sorted(s.attributes["messaging.kafka.offset"] for s in handled) == [0, 1, 2]
    by_offset = {s.attributes["messaging.kafka.offset"]: s for s in handled}
    for n, producer in enumerate(producers):
        span = by_offset[n]
        assert span.context.trace_id == producer.trace_id
        assert span.parent is not None
        assert span.parent.span_id == producer.span_id
        assert [link.context.span_id for link in span.links] == [producer.span_id]
