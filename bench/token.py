"""Benchmark 7: `steward token` start-up, against the whole command line loading the same command.

The baseline, measured in the same run, is the token command reached through `steward.cli` (which
loads every command: the services, the broker client, the demo); the measured path is the `steward`
script's dispatch, which loads only the token module. Each run is a fresh interpreter.
"""

import statistics
import subprocess
import sys
import time

from bench.common import save, scale

ARGS = "'token', '--user', 'hr-1', '--role', 'hr'"
LIGHT = f"import sys; sys.argv = ['steward', {ARGS}]; from steward.entry import main; main()"
FULL = f"import sys; sys.argv = ['steward', {ARGS}]; from steward.cli import main; main()"


def _times(code: str, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, timeout=120)
        samples.append(time.perf_counter() - started)
    return samples


async def main() -> None:
    """Interleave the two paths so both see the same machine; print medians and their ratio."""
    runs = scale(15, 3)
    light: list[float] = []
    full: list[float] = []
    for _ in range(runs):
        light += _times(LIGHT, 1)
        full += _times(FULL, 1)
    result = {
        "runs": runs,
        "token_median_s": round(statistics.median(light), 3),
        "full_cli_median_s": round(statistics.median(full), 3),
        "speedup": round(statistics.median(full) / statistics.median(light), 1),
    }
    save("token", result)
