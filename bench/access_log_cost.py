"""The access log's cost (issue 16), measured where a loaded machine cannot blur it.

`python -m bench.access_log_cost [requests] [rounds]`: `GET /customers/{id}` in one process (ASGI, SQLite),
alternately with the access log recording and with recording a no-op, in CPU time of this process (other
processes on the machine do not count); the recording rounds include writing their reads. Not one of the
numbered benchmarks: benchmark 5 (`python -m bench http`) measures the same endpoint end to end.
"""

import asyncio
import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

from services.customer import access_log
from tests.inprocess import serve_offline
from tests.integration.test_access_log import _customer

N = int(sys.argv[1]) if len(sys.argv) > 1 else 400
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 6


def _noop(*_args: object, **_kwargs: object) -> None:
    return None


async def main() -> None:
    """Alternate rounds with and without recording; print the median rates and the loss."""
    with tempfile.TemporaryDirectory() as tmp:
        async with serve_offline("customer", Path(tmp) / "ab.db", access_log_flush_seconds=1.0) as svc:
            cid = await _customer(svc)
            sup = svc.as_("sup-1", "supervisor")
            url = f"/customers/{cid}"
            for _ in range(100):
                assert (await svc.client.get(url, headers=sup)).status_code == 200
            rates: dict[str, list[float]] = {"on": [], "off": []}
            for _ in range(ROUNDS):
                for mode in ("off", "on"):
                    with contextlib.ExitStack() as recording:
                        if mode == "off":  # recording a no-op for this round only
                            recording.enter_context(mock.patch.object(access_log.Reads, "customers", _noop))
                        start = time.process_time()
                        for _ in range(N):
                            assert (await svc.client.get(url, headers=sup)).status_code == 200
                        if mode == "on":  # its reads written inside its own window
                            await svc.app.state.access_log.flush(svc.app.state.runtime)
                        rates[mode].append(N / (time.process_time() - start))
            on, off = statistics.median(rates["on"]), statistics.median(rates["off"])
            print(
                f"requests/s median of {ROUNDS} rounds x {N}: recording {on:.0f}, not recording {off:.0f}; "
                f"loss {100 * (1 - on / off):.1f}%"
            )
            print("rounds on:", [round(r) for r in rates["on"]], "off:", [round(r) for r in rates["off"]])


if __name__ == "__main__":
    asyncio.run(main())
