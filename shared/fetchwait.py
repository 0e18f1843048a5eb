"""An adaptive fetch wait per consumer: short while records arrive, doubling to the maximum at rest.

aiokafka fixes `fetch_max_wait_ms` at construction, but its fetcher reads `_fetch_max_wait_ms` afresh
for every fetch request it builds (`Fetcher._get_actions_per_node`), and `_proc_fetch_request` returns
True when a response added records (or an error to hand over). This wraps that method on one
consumer's fetcher: after a fetch that brought records the wait drops to the minimum; after an empty
one, once no records came for `grace_ms`, it doubles up to the configured maximum. A broker that holds
each fetch for the whole wait (the embedded one) then hops in about the minimum while busy and is
polled at the maximum at rest; on Apache Kafka, which answers when data arrives, it changes little.
"""

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)


@dataclass
class FetchWait:
    """The wait one consumer's next fetch asks for, and how it moves."""

    minimum_ms: int
    maximum_ms: int
    grace_ms: int
    current_ms: int = 0
    last_records: float = 0.0

    def __post_init__(self) -> None:
        self.current_ms = self.minimum_ms
        self.last_records = time.monotonic()

    def after_fetch(self, had_records: bool) -> int:
        """The wait for the next fetch, given whether the last one brought records."""
        now = time.monotonic()
        if had_records:
            self.last_records = now
            self.current_ms = self.minimum_ms
        elif (now - self.last_records) * 1000 >= self.grace_ms:
            self.current_ms = min(self.current_ms * 2, self.maximum_ms)
        return self.current_ms


def adapt_fetch_wait(consumer: Any, *, minimum_ms: int, maximum_ms: int, grace_ms: int) -> FetchWait | None:
    """Make a started aiokafka consumer's fetch wait adaptive; None (left fixed) when it cannot be."""
    fetcher = getattr(consumer, "_fetcher", None)
    if minimum_ms >= maximum_ms or fetcher is None:
        return None
    original = getattr(fetcher, "_proc_fetch_request", None)
    if original is None or not hasattr(fetcher, "_fetch_max_wait_ms"):
        log.warning("aiokafka's fetcher has changed; the fetch wait stays fixed at %d ms", maximum_ms)
        return None
    if getattr(original, "_steward_adaptive", False):
        return None
    wait = FetchWait(minimum_ms, maximum_ms, grace_ms)
    fetcher._fetch_max_wait_ms = wait.current_ms
    proc: Callable[..., Awaitable[Any]] = original

    async def proc_fetch_request(*args: Any, **kwargs: Any) -> Any:
        result = await proc(*args, **kwargs)
        fetcher._fetch_max_wait_ms = wait.after_fetch(bool(result))
        return result

    proc_fetch_request._steward_adaptive = True  # type: ignore[attr-defined]
    fetcher._proc_fetch_request = proc_fetch_request
    return wait
