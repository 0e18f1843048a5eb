"""Calls to the four services with the signed-in user's token; refusals and outages become values."""

import re
import time
import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import httpx

from services.console.settings import ConsoleSettings

RULE_ID = re.compile(r"\bR-[A-Z]\d{1,2}\b")
UNAVAILABLE_STATUS = frozenset({502, 503, 504})
# (start, end) of each backend call made while serving the current request, for Server-Timing.
call_spans: ContextVar[list[tuple[float, float]] | None] = ContextVar("call_spans", default=None)


def busy_seconds(spans: list[tuple[float, float]]) -> float:
    """Wall time during which at least one backend call was in flight (parallel calls count once)."""
    total, end = 0.0, float("-inf")
    for start, stop in sorted(spans):
        if stop > end:
            total += stop - max(start, end)
            end = stop
    return total


@dataclass(frozen=True)
class FieldError:
    """One invalid input: where (the last part of `loc`, a form field name) and why."""

    field: str
    message: str


@dataclass(frozen=True)
class Problem:
    """A refusal by a service: RFC 9457 problem, or the older {"detail","code"} body."""

    status: int
    detail: str
    code: str | None = None
    rule_id: str | None = None
    title: str | None = None
    errors: tuple[FieldError, ...] = ()

    @classmethod
    def from_response(cls, response: httpx.Response) -> "Problem":
        """Read what the service said, whatever shape it has; never fails."""
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return cls(status=response.status_code, detail=response.reason_phrase or "error")
        detail = body.get("detail")
        errors: list[FieldError] = []
        for item in body.get("errors") or (detail if isinstance(detail, list) else []):
            if isinstance(item, dict):
                loc = [str(p) for p in item.get("loc") or []]
                message = str(item.get("message") or item.get("msg") or "")
                errors.append(FieldError(loc[-1] if loc else "", message))
        text = detail if isinstance(detail, str) else (body.get("title") or "")
        rule_id = body.get("rule_id")
        if not rule_id and isinstance(text, str):
            found = RULE_ID.search(text)
            rule_id = found.group(0) if found else None
        return cls(
            status=response.status_code,
            detail=str(text),
            code=body.get("code"),
            rule_id=rule_id,
            title=body.get("title"),
            errors=tuple(errors),
        )

    def field_errors(self) -> dict[str, str]:
        """Messages by form field name, for inline display."""
        return {e.field: e.message for e in self.errors if e.field}


@dataclass
class Answer:
    """What one call brought back: data, a refusal, or the service being unreachable."""

    service: str
    data: Any = None
    problem: Problem | None = None
    unavailable: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes = b""

    @property
    def ok(self) -> bool:
        """The service answered 2xx."""
        return self.problem is None and not self.unavailable

    def or_default(self, default: Any) -> Any:
        """The data, or `default` when the call failed."""
        return self.data if self.ok else default


def new_idempotency_key() -> str:
    """A key for one rendered form: a double submission files once."""
    return uuid.uuid4().hex


class Backend:
    """One pooled HTTP client per service; every call carries the user's token and language."""

    def __init__(self, settings: ConsoleSettings, transport: httpx.AsyncBaseTransport | None = None) -> None:
        limits = httpx.Limits(
            max_connections=settings.backend_max_connections,
            max_keepalive_connections=settings.backend_max_connections,
        )
        timeout = httpx.Timeout(settings.backend_timeout_seconds, connect=2.0)
        self.clients = {
            name: httpx.AsyncClient(base_url=url, timeout=timeout, limits=limits, transport=transport)
            for name, url in settings.service_urls().items()
        }

    async def close(self) -> None:
        """Close every pooled connection."""
        for client in self.clients.values():
            await client.aclose()

    async def call(
        self,
        service: str,
        method: str,
        path: str,
        *,
        token: str,
        lang: str = "zh-CN",
        params: dict[str, Any] | None = None,
        json: Any = None,
        idempotency_key: str | None = None,
        raw: bool = False,
        time_limit: float | None = None,
    ) -> Answer:
        """Call one service; a timeout, a refused connection or a 502/503/504 is `unavailable`."""
        headers = {"Authorization": f"Bearer {token}", "Accept-Language": lang}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        clean = {k: v for k, v in (params or {}).items() if v not in (None, "")}
        limit = httpx.USE_CLIENT_DEFAULT if time_limit is None else httpx.Timeout(time_limit, connect=2.0)
        started = time.perf_counter()
        try:
            response = await self.clients[service].request(
                method,
                path,
                params=clean,
                json=json,
                headers=headers,
                timeout=limit,
            )
        except httpx.HTTPError:
            return Answer(service, unavailable=True)
        finally:
            spans = call_spans.get()
            if spans is not None:
                spans.append((started, time.perf_counter()))
        if response.status_code in UNAVAILABLE_STATUS:
            return Answer(service, unavailable=True, problem=Problem.from_response(response))
        if response.status_code >= 400:
            return Answer(service, problem=Problem.from_response(response))
        answer = Answer(service, headers=dict(response.headers))
        if raw:
            answer.content = response.content
        elif response.content:
            try:
                answer.data = response.json()
            except ValueError:
                return Answer(service, unavailable=True)
        return answer
