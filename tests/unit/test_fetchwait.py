"""The adaptive fetch wait: short while records arrive, doubling to the maximum at rest."""

import asyncio
from typing import Any

import pytest

from shared import fetchwait
from shared.fetchwait import FetchWait, adapt_fetch_wait


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> _Clock:
    c = _Clock()
    monkeypatch.setattr(fetchwait.time, "monotonic", c)
    return c


def test_doubles_after_the_grace_and_drops_on_records(clock: _Clock) -> None:
    wait = FetchWait(minimum_ms=15, maximum_ms=500, grace_ms=1000)
    assert wait.current_ms == 15
    clock.now += 0.5
    assert wait.after_fetch(False) == 15  # within the grace
    clock.now += 0.6
    assert [wait.after_fetch(False) for _ in range(7)] == [30, 60, 120, 240, 480, 500, 500]
    assert wait.after_fetch(True) == 15
    clock.now += 0.9
    assert wait.after_fetch(False) == 15


def test_no_grace_doubles_after_each_empty_fetch(clock: _Clock) -> None:
    wait = FetchWait(minimum_ms=15, maximum_ms=100, grace_ms=0)
    assert [wait.after_fetch(False) for _ in range(4)] == [30, 60, 100, 100]


class _Fetcher:
    def __init__(self, results: list[bool]) -> None:
        self._fetch_max_wait_ms = 500
        self._results = results
        self.waits: list[int] = []

    async def _proc_fetch_request(self, assignment: Any, node_id: int, request: Any) -> bool:
        self.waits.append(self._fetch_max_wait_ms)
        return self._results.pop(0)


class _Consumer:
    def __init__(self, fetcher: _Fetcher) -> None:
        self._fetcher = fetcher


def test_wraps_the_fetcher_of_a_started_consumer(clock: _Clock) -> None:
    fetcher = _Fetcher([True, False, False, True, False])
    wait = adapt_fetch_wait(_Consumer(fetcher), minimum_ms=15, maximum_ms=500, grace_ms=0)
    assert wait is not None
    assert fetcher._fetch_max_wait_ms == 15

    async def run() -> list[bool]:
        return [await fetcher._proc_fetch_request(None, 0, None) for _ in range(5)]

    assert asyncio.run(run()) == [True, False, False, True, False]
    assert fetcher.waits == [15, 15, 30, 60, 15]
    assert fetcher._fetch_max_wait_ms == 30
    # Installing twice does not wrap twice.
    assert adapt_fetch_wait(_Consumer(fetcher), minimum_ms=15, maximum_ms=500, grace_ms=0) is None


def test_left_fixed_when_not_asked_or_not_possible() -> None:
    fetcher = _Fetcher([])
    assert adapt_fetch_wait(_Consumer(fetcher), minimum_ms=500, maximum_ms=500, grace_ms=0) is None
    assert fetcher._fetch_max_wait_ms == 500
    assert adapt_fetch_wait(None, minimum_ms=15, maximum_ms=500, grace_ms=0) is None
    assert adapt_fetch_wait(object(), minimum_ms=15, maximum_ms=500, grace_ms=0) is None
