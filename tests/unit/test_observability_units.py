"""Observability parts without a service: tracing off costs nothing, lag of a moved partition is dropped."""

from aiokafka import TopicPartition

from shared import telemetry
from shared.consumer import Received
from shared.metrics import Metrics
from shared.outbox import OutboundRecord
from shared.watch import ConsumerWatch
from tests.support import metric_value


def test_with_tracing_off_nothing_is_added_or_recorded():
    assert not telemetry.enabled()
    assert telemetry.outbound_headers() == {}
    assert telemetry.current_ids() is None
    records = [OutboundRecord("t", "k", b"v", {"event_type": "x"})]
    with telemetry.publish_spans(records, "svc") as sending:
        assert sending is records
    with telemetry.consume_span(Received("t", 0, 1, b"k", b"v"), "svc.c"):
        assert telemetry.current_ids() is None


class FakeConsumer:
    """Holds some partitions of one topic, ten records behind on each."""

    def __init__(self, partitions: set[int]) -> None:
        self.partitions = partitions

    def assignment(self) -> set[TopicPartition]:
        return {TopicPartition("t", p) for p in self.partitions}

    async def committed(self, partition: TopicPartition) -> int:
        return 0

    async def end_offsets(self, partitions: list[TopicPartition]) -> dict[TopicPartition, int]:
        return dict.fromkeys(partitions, 10)

    async def topics(self) -> set[str]:
        return {"t"}


async def _nothing() -> None:
    return None


async def test_the_lag_of_a_partition_given_to_another_process_is_no_longer_exported():
    metrics = Metrics("svc")
    consumer = FakeConsumer({0, 1})
    watch = ConsumerWatch(metrics, lambda: [("g", consumer)], ["t"], _nothing, stall_seconds=60)
    await watch.check()
    text = _scrape(metrics)
    assert metric_value(text, "steward_consumer_lag", group="g", partition="1") == 10
    consumer.partitions = {0}
    await watch.check()
    text = _scrape(metrics)
    assert metric_value(text, "steward_consumer_lag", group="g", partition="0") == 10
    assert 'partition="1"' not in text


def _scrape(metrics: Metrics) -> str:
    from prometheus_client import generate_latest

    return generate_latest(metrics.registry).decode()
