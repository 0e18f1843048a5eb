"""A Kafka-protocol relay that lets librdkafka before 2.2 (Debian bookworm's kcat) talk to tansu.

tansu writes the tagged fields of an ApiVersions v3 response even at their default values (Apache
Kafka leaves them out), and librdkafka before 2.2 skips tagged fields one byte short
(confluentinc/librdkafka#4278), so it drops the connection before its first request. The relay
forwards every frame unchanged except ApiVersions v3+ responses, whose top-level tagged fields it
drops, which is what Apache Kafka sends. Produce and fetch traffic, and so every message, passes
through byte for byte. Loopback only.
"""

import asyncio
import struct
import threading
from concurrent.futures import Future

API_VERSIONS = 18


def _uvarint(buf: bytes, pos: int) -> tuple[int, int]:
    shift = value = 0
    while True:
        byte = buf[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7


def without_top_level_tags(frame: bytes) -> bytes:
    """An ApiVersions v3+ response (correlation id first) with its top-level tagged fields dropped."""
    pos = 4 + 2  # correlation id, error code
    count, pos = _uvarint(frame, pos)
    for _ in range(max(count - 1, 0)):  # api key, min, max, then the entry's own tagged fields
        pos += 6
        tags, pos = _uvarint(frame, pos)
        for _ in range(tags):
            _, pos = _uvarint(frame, pos)
            size, pos = _uvarint(frame, pos)
            pos += size
    pos += 4  # throttle time
    return frame[:pos] + b"\x00"


async def _frame(reader: asyncio.StreamReader) -> bytes:
    (size,) = struct.unpack(">i", await reader.readexactly(4))
    return await reader.readexactly(size)


class KafkaRelay:
    """Listens on 127.0.0.1:`port` and relays each connection to `target` in a thread of its own."""

    def __init__(self, port: int, target: tuple[str, int]) -> None:
        self.port = port
        self.target = target
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="kafka-relay", daemon=True)
        self._server: asyncio.Server | None = None

    def start(self) -> None:
        """Start listening; returns once the port accepts connections."""
        self._thread.start()
        future: Future[asyncio.Server] = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._relay, "127.0.0.1", self.port), self._loop
        )
        self._server = future.result(timeout=10)

    def stop(self) -> None:
        """Close the listener and every relayed connection."""
        if self._server is not None:
            self._loop.call_soon_threadsafe(self._server.close)
        for task in asyncio.all_tasks(self._loop):
            self._loop.call_soon_threadsafe(task.cancel)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    async def _relay(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        broker_reader, broker_writer = await asyncio.open_connection(*self.target)
        asked: dict[int, tuple[int, int]] = {}

        async def requests() -> None:
            while True:
                frame = await _frame(client_reader)
                api_key, version, correlation = struct.unpack(">hhi", frame[:8])
                asked[correlation] = (api_key, version)
                broker_writer.write(struct.pack(">i", len(frame)) + frame)
                await broker_writer.drain()

        async def responses() -> None:
            while True:
                frame = await _frame(broker_reader)
                (correlation,) = struct.unpack(">i", frame[:4])
                api_key, version = asked.pop(correlation, (-1, -1))
                if api_key == API_VERSIONS and version >= 3:
                    frame = without_top_level_tags(frame)
                client_writer.write(struct.pack(">i", len(frame)) + frame)
                await client_writer.drain()

        pumps = [asyncio.ensure_future(requests()), asyncio.ensure_future(responses())]
        try:
            await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)  # one side hung up
        finally:
            for pump in pumps:
                pump.cancel()
            await asyncio.gather(*pumps, return_exceptions=True)
            client_writer.close()
            broker_writer.close()
