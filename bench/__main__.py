"""Run the benchmarks: `make bench` or `python -m bench` runs all; `python -m bench balances hop` some.

Names: balances (1), balance_steps (its steps), postings (posting ingest, next to 1), appraisal (2),
fanout (3), hop (4), idle (idle CPU, with 4), http (5), outbox_relay, http_guard (6), token (7),
console (8), lists (9), golive_import and office_scope (issue 21), morning (a cooperative's morning,
issue 20).
STEWARD_BENCH_QUICK=1 runs every one at a small size (a check of the harness, not a figure).
"""

import asyncio
import importlib
import sys
from collections.abc import Callable, Coroutine
from typing import Any

BENCHMARKS = {
    "balances": "bench.balances",
    "balance_steps": "bench.balance_steps",
    "appraisal": "bench.appraisal",
    "postings": "bench.posting_ingest",
    "fanout": "bench.fanout",
    "hop": "bench.hop",
    "idle": "bench.idle",
    "http": "bench.http_get",
    "http_guard": "bench.http_guard",
    "outbox_relay": "bench.outbox_relay",
    "lists": "bench.lists",
    "token": "bench.token",
    "console": "bench.console",
    "golive_import": "bench.golive_import",
    "morning": "bench.morning",
    "office_scope": "bench.office_scope",
}


def _runner(name: str) -> Callable[[], Coroutine[Any, Any, object]] | None:
    try:
        module = importlib.import_module(BENCHMARKS[name])
    except ModuleNotFoundError as exc:
        if exc.name == BENCHMARKS[name]:
            return None
        raise
    main: Callable[[], Coroutine[Any, Any, object]] = module.main
    return main


def run(names: list[str]) -> int:
    """Run the named benchmarks one after another, each on its own event loop."""
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s) {unknown}; choose from {sorted(BENCHMARKS)}", file=sys.stderr)
        return 2
    for name in names or list(BENCHMARKS):
        main = _runner(name)
        if main is None:
            print(f"== {name}: not written yet, skipped", flush=True)
            continue
        print(f"== {name}", flush=True)
        asyncio.run(main())
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
