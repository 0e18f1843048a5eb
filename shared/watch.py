"""Consumer watch: consumed topics kept in existence, lag per partition, consumers that stopped advancing."""

import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from aiokafka import TopicPartition

from shared.every import every
from shared.metrics import Metrics

log = logging.getLogger(__name__)


class WatchedConsumer(Protocol):
    """The part of AIOKafkaConsumer the watch reads."""

    def assignment(self) -> set[TopicPartition]: ...

    async def committed(self, partition: TopicPartition) -> int | None: ...

    async def end_offsets(self, partitions: list[TopicPartition]) -> dict[TopicPartition, int]: ...

    async def topics(self) -> set[str]: ...


@dataclass
class _Progress:
    committed: int
    since: float
    lag: int


class ConsumerWatch:
    """Every interval: recreate missing consumed topics, publish the lag, note who stopped advancing.

    A partition is stalled when it has records past its committed offset and that offset has not
    moved for `stall_seconds`; `/readyz?deep=1` fails then.
    """

    def __init__(
        self,
        metrics: Metrics,
        consumers: Callable[[], Iterable[tuple[str, Any]]],
        topics: Iterable[str],
        ensure_topics: Callable[[], Awaitable[None]],
        stall_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._metrics = metrics
        self._consumers = consumers
        self._topics = set(topics)
        self._ensure_topics = ensure_topics
        self._stall_seconds = stall_seconds
        self._clock = clock
        self._progress: dict[tuple[str, str, int], _Progress] = {}
        self._exported: dict[str, set[tuple[str, int]]] = {}
        self.last_error: str | None = None

    async def run(self, interval: float) -> None:
        """Check until cancelled; a failing check is logged and tried again."""

        async def once() -> None:
            await self.check()
            self.last_error = None

        def failed(exc: BaseException) -> None:
            self.last_error = f"{type(exc).__name__}: {exc}"

        # the broker may be down: readiness already says so
        await every(interval, once, what="consumer watch", log=log, level=logging.DEBUG, on_error=failed)

    async def check(self) -> None:
        """One round over every running consumer."""
        recreated = False
        for group, consumer in self._consumers():
            if consumer is None:
                continue
            if not recreated and not self._topics <= await consumer.topics():
                # A broker that lost its topics (a restart of the embedded one): create them again,
                # with their partitions, rather than let clients fail on them or auto-create them.
                log.warning("consumed topics missing on the broker; creating them again")
                await self._ensure_topics()
                recreated = True
            await self._measure(group, consumer)

    async def _measure(self, group: str, consumer: WatchedConsumer) -> None:
        partitions = sorted(consumer.assignment(), key=lambda tp: (tp.topic, tp.partition))
        held = {(tp.topic, tp.partition) for tp in partitions}
        for topic, partition in self._exported.get(group, set()) - held:  # moved to another process
            self._metrics.forget_consumer_lag(group, topic, str(partition))
            self._progress.pop((group, topic, partition), None)
        self._exported[group] = held
        if not partitions:
            return
        ends = await consumer.end_offsets(partitions)
        now = self._clock()
        for tp in partitions:
            committed = await consumer.committed(tp) or 0
            lag = max(0, ends.get(tp, 0) - committed)
            self._metrics.consumer_lag(group, tp.topic, str(tp.partition)).set(lag)
            key = (group, tp.topic, tp.partition)
            seen = self._progress.get(key)
            if seen is None or seen.committed != committed or lag == 0:
                self._progress[key] = _Progress(committed, now, lag)
            else:
                seen.lag = lag

    def stalled(self) -> list[str]:
        """Partitions with pending records whose committed offset has not moved for too long."""
        now = self._clock()
        return [
            f"{group} {topic}[{partition}]: {p.lag} pending, no progress for {now - p.since:.0f}s"
            for (group, topic, partition), p in sorted(self._progress.items())
            if p.lag > 0 and now - p.since > self._stall_seconds
        ]

    def forget(self) -> None:
        """Drop what was measured (after a reconnect the partitions are assigned anew)."""
        self._progress.clear()
