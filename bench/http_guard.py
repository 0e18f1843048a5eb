"""Benchmark: the cost of the HTTP guard (limits, input checks, security headers) per request, in-process.

A minimal ASGI app parses the request body as FastAPI does and answers a small JSON document (the least a
JSON API does per request); the same requests go to it bare and behind `HttpGuard`, in
the same run, interleaved in rounds so that the machine's noise hits both alike: a GET, a POST with a
1 KB JSON body (read, parsed and checked by the guard), and a POST with a 256 KB body. Ratios are guarded
time over bare time; the absolute microseconds show what a request pays on top of the app itself.
"""

import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.types import Message, Receive, Scope, Send

from bench.common import save, scale
from shared.http_guard import HttpGuard

ROUNDS = scale(7, 2)
CALLS = scale(2000, 200)
SMALL = json.dumps({"name": "王芳", "amount": "1234.50", "items": [{"k": i} for i in range(30)]}).encode()
LARGE = json.dumps({"rows": [{"name": "客户" * 10, "amount": "1.00"}] * 4000}).encode()


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    """Reads and parses the body as FastAPI would, and answers a small JSON document."""
    chunks, more = [], True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    if body := b"".join(chunks):
        json.loads(body)
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]}
    )
    await send({"type": "http.response.body", "body": b'{"ok": true}'})


def _request(method: str, body: bytes) -> tuple[Scope, Callable[[], Awaitable[Message]]]:
    scope = {
        "type": "http",
        "method": method,
        "path": "/customers",
        "query_string": b"limit=10",
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
    }

    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    return scope, receive


async def _sink(_message: Message) -> None:
    return None


async def _time(target: Any, method: str, body: bytes) -> float:
    scope, receive = _request(method, body)
    calls = CALLS if len(body) < 10_000 else max(CALLS // 20, 10)
    started = time.perf_counter()
    for _ in range(calls):
        await target(scope, receive, _sink)
    return (time.perf_counter() - started) / calls * 1e6


async def main() -> dict[str, Any]:
    """Median per-request microseconds bare and guarded, and their ratio, per kind of request."""
    guarded = HttpGuard(app, max_body_bytes=1_048_576, body_limits={})
    cases = {"get": ("GET", b""), "post_1kb": ("POST", SMALL), "post_256kb": ("POST", LARGE)}
    result: dict[str, Any] = {}
    for name, (method, body) in cases.items():
        bare_us, guard_us = [], []
        for _ in range(ROUNDS):
            bare_us.append(await _time(app, method, body))
            guard_us.append(await _time(guarded, method, body))
        bare, guard = sorted(bare_us)[len(bare_us) // 2], sorted(guard_us)[len(guard_us) // 2]
        result[name] = {
            "body_bytes": len(body),
            "bare_us": round(bare, 1),
            "guarded_us": round(guard, 1),
            "added_us": round(guard - bare, 1),
            "ratio": round(guard / bare, 2),
        }
    return save("http_guard", {"rounds": ROUNDS, "calls": CALLS, "cases": result})
