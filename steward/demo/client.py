"""How the demo talks to the suite: signed tokens per user, bounded concurrency, waiting for events."""

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

import httpx

from shared.auth import issue_token
from shared.settings import ServiceSettings

T = TypeVar("T")
SERVICES = ("customer", "staffing", "appraisal", "audit")
RETRIES = 5


@dataclass(frozen=True)
class As:
    """Who makes a call: a user id and roles (a CM's user id is their manager id)."""

    user: str
    roles: tuple[str, ...]


HR = As("hr-1", ("hr",))
CHECKER = As("hr-2", ("hr",))
SUPERVISOR = As("sup-1", ("supervisor",))
AUDITOR = As("aud-1", ("auditor",))
CHANNEL = As("survey-desk", ("integration",))


def cm(manager_id: str) -> As:
    """A CM acting for themself."""
    return As(manager_id, ("cm",))


class ApiError(RuntimeError):
    """A call the demo expected to succeed was refused."""

    def __init__(self, method: str, url: str, status: int, body: str) -> None:
        super().__init__(f"{method} {url} answered {status}: {body[:500]}")
        self.status = status
        self.body = body


class Api:
    """The four services' HTTP APIs, with at most `concurrency` requests in flight."""

    def __init__(self, urls: dict[str, str], org: str, concurrency: int, timeout: float = 60.0) -> None:
        self.urls = {name: url.rstrip("/") for name, url in urls.items()}
        self.org = org
        self.settings = ServiceSettings()
        self.gate = asyncio.Semaphore(concurrency)
        self.http = httpx.AsyncClient(
            timeout=timeout, limits=httpx.Limits(max_connections=concurrency + 4, max_keepalive_connections=8)
        )
        self._tokens: dict[As, str] = {}
        self.calls = 0

    async def aclose(self) -> None:
        """Close the connections."""
        await self.http.aclose()

    def lane(self, concurrency: int) -> "Api":
        """Another way in with its own slots, so that one story is not queued behind the bulk of the year."""
        other = Api(self.urls, self.org, concurrency)
        other._tokens = self._tokens
        return other

    def token(self, who: As) -> str:
        """A bearer token signed like `steward token` signs it (STEWARD_JWT_SECRET or the dev secret)."""
        if who not in self._tokens:
            self._tokens[who] = issue_token(
                self.settings, user_id=who.user, roles=who.roles, org_id=self.org, ttl=timedelta(hours=8)
            )
        return self._tokens[who]

    async def attempt(
        self,
        method: str,
        service: str,
        path: str,
        who: As,
        json: Any = None,
        params: dict[str, Any] | None = None,
    ) -> httpx.Response:
        """One call, whatever it answers; a 429 or 503 (nothing was changed) or a lost GET is retried."""
        url = f"{self.urls[service]}{path}"
        headers = {"Authorization": f"Bearer {self.token(who)}"}
        for attempt in range(RETRIES):
            try:
                async with self.gate:
                    self.calls += 1
                    response = await self.http.request(method, url, json=json, params=params, headers=headers)
            except httpx.TransportError:
                if method != "GET" or attempt == RETRIES - 1:
                    raise
            else:
                if response.status_code not in (429, 503) or attempt == RETRIES - 1:
                    return response
                if response.status_code == 429:  # above the write rate: nothing changed, wait as told
                    await asyncio.sleep(min(float(response.headers.get("retry-after", "1")), 5.0))
                    continue
            await asyncio.sleep(0.5 * (attempt + 1))
        raise AssertionError("unreachable")

    async def call(
        self,
        method: str,
        service: str,
        path: str,
        who: As,
        json: Any = None,
        params: dict[str, Any] | None = None,
    ) -> Any:
        """One call that must succeed; its JSON body."""
        response = await self.attempt(method, service, path, who, json, params)
        if response.status_code >= 300:
            raise ApiError(method, f"{self.urls[service]}{path}", response.status_code, response.text)
        return response.json() if response.content else None

    async def get(self, service: str, path: str, who: As, **params: Any) -> Any:
        """A GET that must succeed."""
        return await self.call("GET", service, path, who, params=params or None)

    async def post(self, service: str, path: str, who: As, json: Any = None) -> Any:
        """A POST that must succeed."""
        return await self.call("POST", service, path, who, json=json)

    async def metrics(self, service: str) -> str:
        """The service's Prometheus text."""
        response = await self.http.get(f"{self.urls[service]}/metrics", timeout=10)
        return response.text

    async def ready(self) -> list[str]:
        """The services whose /readyz does not answer 200."""
        missing = []
        for name in SERVICES:
            try:
                if (await self.http.get(f"{self.urls[name]}/readyz", timeout=5)).status_code != 200:
                    missing.append(name)
            except httpx.HTTPError:
                missing.append(name)
        return missing


async def eventually(check: Callable[[], Awaitable[T | None]], within: float, what: str) -> T:
    """Poll `check` until it returns something truthy; TimeoutError naming `what` after `within` s."""
    deadline = time.monotonic() + within
    delay = 0.2
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {within:.0f}s for {what}")
        await asyncio.sleep(delay)
        delay = min(delay * 1.5, 2.0)


_SAMPLE = re.compile(r"^(steward_outbox_lag|steward_events_consumed_total)\{[^}]*\} (\S+)$", re.MULTILINE)


async def _traffic(api: Api) -> tuple[float, float]:
    lag = consumed = 0.0
    for name in SERVICES:
        for metric, value in _SAMPLE.findall(await api.metrics(name)):
            if metric == "steward_outbox_lag":
                lag += float(value)
            else:
                consumed += float(value)
    return lag, consumed


async def settle(api: Api, within: float, quiet: float = 2.0) -> None:
    """Wait until every outbox is empty and no consumer has taken a message for `quiet` seconds."""
    deadline = time.monotonic() + within
    last: float | None = None
    still_since = time.monotonic()
    while time.monotonic() < deadline:
        lag, consumed = await _traffic(api)
        if lag > 0 or consumed != last:
            last, still_since = consumed, time.monotonic()
        elif time.monotonic() - still_since >= quiet:
            return
        await asyncio.sleep(0.5)
    raise TimeoutError(f"the suite was still busy after {within:.0f}s")
