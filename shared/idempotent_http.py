"""Serving `Idempotency-Key` over HTTP: the middleware that runs a keyed POST once and replays its answer.

See `shared.idempotency` for how the key and the answer are kept with the command's effect.
"""

import json
import logging
import re
from collections.abc import MutableMapping
from datetime import datetime, timedelta
from typing import Any

import jwt
from fastapi import Request
from sqlalchemy import Table, delete, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.errors import DomainError
from shared.idempotency import (
    HEADER,
    REPLAYED_HEADER,
    TABLE,
    AnswerNotStored,
    Claim,
    IdempotencyInFlight,
    IdempotencyRefused,
    KeyTaken,
    bind_claim,
    fingerprint,
)
from shared.timeutil import utcnow

log = logging.getLogger(__name__)

_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # visible ASCII, as the IETF draft's examples (UUIDs)
_KEPT_HEADERS = ("content-type", "location", "content-language")
_REFUSAL = "idempotency_refusal"


async def idempotency_refusal(request: Request) -> None:
    """Raise what the middleware decided about the key, inside the app so it is answered as a problem."""
    refusal = request.scope.get("state", {}).get(_REFUSAL)
    if refusal is not None:
        raise refusal


class IdempotencyMiddleware:
    """Serve POSTs with an `Idempotency-Key`: the first runs and is stored, a retry gets its answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._purged_at: datetime | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass everything through except a POST that carries a key."""
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        key = headers.get(HEADER.lower())
        if key is None:
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        if not _KEY.match(key):
            refusal = IdempotencyRefused("http.idempotency.key_invalid")
            await self._refuse(scope, body, send, refusal)
            return
        state = scope["app"].state
        caller = _caller(scope, headers.get("authorization", ""))
        metadata = state.runtime.definition.tables.outbox.metadata
        if caller is None or TABLE not in metadata.tables:  # no valid token: the app answers 401
            await self.app(scope, _replaying(body), send)
            return
        ttl = timedelta(hours=state.settings.idempotency_ttl_hours)
        sessions: async_sessionmaker[AsyncSession] = state.runtime.session_factory
        table: Table = metadata.tables[TABLE]
        query = scope.get("query_string", b"").decode("latin-1")
        claim = Claim(
            table=table,
            org_id=caller[0],
            user_id=caller[1],
            key=key,
            fingerprint=fingerprint("POST", scope["path"], query, body),
            request=f"POST {scope['path']}",
            expires_at=utcnow() + ttl,
        )
        await self._first(scope, claim, sessions, body, send)
        await self._purge(sessions, table, ttl)

    async def _first(
        self,
        scope: Scope,
        claim: Claim,
        sessions: async_sessionmaker[AsyncSession],
        body: bytes,
        send: Send,
    ) -> None:
        """Run the request with the key claimed; store its answer with its effect, then send it."""
        answer = _Buffered()
        token = bind_claim(claim)
        try:
            await self.app(scope, _replaying(body), answer.send)
        except KeyTaken:  # an earlier or concurrent request with the key: its answer is stored by now
            await claim.release()
            await self._answer_taken(scope, claim, sessions, body, send)
            return
        except BaseException:
            await claim.release()
            raise
        finally:
            token.var.reset(token)
        if claim.session is not None:
            try:
                if answer.status >= 500:
                    return await answer.replay(send)  # the effect is dropped with the failed answer
                await claim.store(answer.status, answer.kept_headers(), answer.body)
            except Exception as exc:
                log.error("storing the answer of %s failed: %s", claim.request, exc)
                refusal = AnswerNotStored("http.idempotency.unavailable")
                return await self._refuse(scope, body, send, refusal)
            finally:
                await claim.release()
        await answer.replay(send)

    async def _answer_taken(
        self,
        scope: Scope,
        claim: Claim,
        sessions: async_sessionmaker[AsyncSession],
        body: bytes,
        send: Send,
    ) -> None:
        """The key is taken: replay its answer, or refuse (another request, still running, database away)."""
        try:
            if await self._answered(scope, claim, sessions, body, send):
                return
            refusal: DomainError = IdempotencyInFlight("http.idempotency.in_flight")
        except (SQLAlchemyError, OSError) as exc:
            log.error("reading the idempotency key of %s failed: %s", claim.request, exc)
            refusal = AnswerNotStored("http.idempotency.unavailable")
        await self._refuse(scope, body, send, refusal)

    async def _answered(
        self,
        scope: Scope,
        claim: Claim,
        sessions: async_sessionmaker[AsyncSession],
        body: bytes,
        send: Send,
    ) -> bool:
        """If the key is already stored: send its answer, or refuse another request with it."""
        async with sessions() as session:
            row = (await session.execute(select(claim.table).where(*claim._where()))).first()
        if row is None or row.expires_at < utcnow():
            return False
        if row.fingerprint != claim.fingerprint:
            refusal = IdempotencyRefused(
                "http.idempotency.key_reused", key=claim.key[:64], request=row.request
            )
        elif row.status_code is None:
            refusal = IdempotencyInFlight("http.idempotency.in_flight")
        else:
            stored = json.loads(row.headers or "{}")
            await _Buffered(row.status_code, stored, bytes(row.body or b"")).replay(send, replayed=True)
            return True
        await self._refuse(scope, body, send, refusal)
        return True

    async def _refuse(self, scope: Scope, body: bytes, send: Send, refusal: DomainError) -> None:
        """Let the app answer the refusal (in the caller's language and the problem format)."""
        scope.setdefault("state", {})[_REFUSAL] = refusal
        await self.app(scope, _replaying(body), send)

    async def _purge(self, sessions: async_sessionmaker[AsyncSession], table: Table, ttl: timedelta) -> None:
        """Drop expired keys, at most once an hour per process."""
        now = utcnow()
        if self._purged_at is not None and now - self._purged_at < min(ttl / 24, timedelta(hours=1)):
            return
        self._purged_at = now
        try:
            async with sessions() as session:
                await session.execute(delete(table).where(table.c.expires_at < now))
                await session.commit()
        except Exception as exc:  # the next purge will do it
            log.warning("purging expired idempotency keys failed: %s", exc)


def _caller(scope: Scope, authorization: str) -> tuple[str, str] | None:
    """(cooperative, user) of a valid bearer token; None lets the app refuse the request itself."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    try:
        principal = scope["app"].state.tokens.principal(token.strip())
    except jwt.InvalidTokenError:
        return None
    return principal.org_id, principal.user_id


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replaying(body: bytes) -> Receive:
    """A `receive` that hands the app the body already read, once."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


class _Buffered:
    """An answer held back until it is stored (or replayed from the store)."""

    def __init__(self, status: int = 500, headers: dict[str, str] | None = None, body: bytes = b"") -> None:
        self.status = status
        self.headers: list[tuple[bytes, bytes]] = [
            (k.encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()
        ]
        self.body = body

    async def send(self, message: MutableMapping[str, Any]) -> None:
        """Collect the app's answer instead of sending it."""
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")

    def kept_headers(self) -> dict[str, str]:
        """The headers a replay repeats."""
        return {
            k.decode("latin-1"): v.decode("latin-1")
            for k, v in self.headers
            if k.decode("latin-1").lower() in _KEPT_HEADERS
        }

    async def replay(self, send: Send, *, replayed: bool = False) -> None:
        """Send the answer: as the app gave it, or rebuilt from the store."""
        headers = [(k, v) for k, v in self.headers if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(self.body)).encode()))
        if replayed:
            headers.append((REPLAYED_HEADER.lower().encode(), b"true"))
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": self.body, "more_body": False})


def document_idempotency_keys(document: dict[str, Any]) -> dict[str, Any]:
    """Document the optional `Idempotency-Key` header on every POST of an OpenAPI document."""
    for operations in document.get("paths", {}).values():
        post = operations.get("post")
        if post is not None and not any(p.get("name") == HEADER for p in post.get("parameters", [])):
            post.setdefault("parameters", []).append(_DOCUMENTED)
    return document


_DOCUMENTED = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x21-\\x7e]+$"},
    "example": "5f0c2b8e-3a51-4d7e-9b1a-2f6d8c4e7a10",
    "description": "A new unique key (a UUID) for each new request, the same key when you retry it: "
    "a retry with the same key and body gets the first answer (same status and body, header "
    f"`{REPLAYED_HEADER}: true`) and changes nothing again; the same key with another body is a 422. "
    "Keys belong to the caller (cooperative and user) and are kept at least 24 hours.",
}
