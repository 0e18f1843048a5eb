"""Per-user rate limits on write routes: a token bucket per (cooperative, user), in memory."""

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class RateLimiter:
    """Admits `burst` writes at once and `rate` per second after; remembers the most recent callers."""

    def __init__(
        self,
        rate: float,
        burst: int,
        capacity: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate, self.burst, self.capacity, self.clock = rate, float(burst), capacity, clock
        self._buckets: OrderedDict[Hashable, tuple[float, float]] = OrderedDict()

    def take(self, caller: Hashable) -> float:
        """Spend one write of the caller: 0 if admitted, else the seconds until one is available."""
        if self.rate <= 0:
            return 0.0
        now = self.clock()
        tokens, last = self._buckets.pop(caller, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens >= 1:
            self._buckets[caller] = (tokens - 1, now)
            wait = 0.0
        else:
            self._buckets[caller] = (tokens, now)
            wait = (1 - tokens) / self.rate
        while len(self._buckets) > self.capacity:  # a forgotten caller starts again with a full bucket
            self._buckets.popitem(last=False)
        return wait
