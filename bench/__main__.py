"""Run every benchmark: `make bench` or `python -m bench`."""

import asyncio

from bench.outbox_relay import main as outbox_relay

if __name__ == "__main__":
    asyncio.run(outbox_relay())
