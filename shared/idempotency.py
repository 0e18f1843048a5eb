"""`Idempotency-Key` on every POST: a retry gets the first answer, and the effect happens once.

The key, a hash of the request and the answer are written in the transaction of the command itself:
the unit of work reserves the key when it opens, its commit is held back until the answer is known,
and then the answer and the effect commit together. A crash loses both or neither. A concurrent
duplicate waits on the reserved key (PostgreSQL's unique index, SQLite's single writer) and then gets
the stored answer. Keys belong to a caller (cooperative and user) and are kept `IDEMPOTENCY_TTL_HOURS`.
"""

import hashlib
import json
import logging
import re
from collections.abc import Callable, MutableMapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import jwt
from fastapi import Request
from sqlalchemy import (
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    delete,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.errors import DomainError
from shared.tables import UtcDateTime
from shared.timeutil import utcnow

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
TABLE = "idempotency_keys"
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # visible ASCII, as the IETF draft's examples (UUIDs)
_KEPT_HEADERS = ("content-type", "location", "content-language")
_REFUSAL = "idempotency_refusal"


class IdempotencyRefused(DomainError):
    """The key cannot be used for this request: malformed, reused for another request, or in flight."""

    status_code = 422
    code = "idempotency_key_reused"


class IdempotencyInFlight(IdempotencyRefused):
    """The first request with this key has not finished yet; retry in a moment."""

    status_code = 409
    code = "idempotency_key_in_flight"


class AnswerNotStored(DomainError):
    """The database failed while storing the answer: nothing of the request was kept."""

    status_code = 503
    code = "unavailable"


class KeyTaken(Exception):
    """Another request with the same key reserved it first (raised where the unit of work opens)."""


def define_idempotency_table(metadata: MetaData) -> Table:
    """Add the `idempotency_keys` table: one row per (cooperative, user, key) with the first answer."""
    table = Table(
        TABLE,
        metadata,
        Column("org_id", String(64), nullable=False),
        Column("user_id", String(128), nullable=False),
        Column("key", String(255), nullable=False),
        Column("fingerprint", String(64), nullable=False, comment="SHA-256 of method, path, query and body"),
        Column("request", String(300), nullable=False, comment="method and path, for people reading it"),
        Column("status_code", Integer, nullable=True, comment="null while the first request runs"),
        Column("headers", String(1000), nullable=True),
        Column("body", LargeBinary, nullable=True),
        Column("created_at", UtcDateTime(), nullable=False),
        Column("expires_at", UtcDateTime(), nullable=False),
        PrimaryKeyConstraint("org_id", "user_id", "key", name="pk_idempotency_keys"),
    )
    Index("ix_idempotency_keys_expires_at", table.c.expires_at)
    return table


@dataclass
class Claim:
    """A POST carrying a key, while it runs: the key's row and the transaction that will store it."""

    table: Table
    org_id: str
    user_id: str
    key: str
    fingerprint: str
    request: str
    expires_at: datetime
    session: AsyncSession | None = None  # the unit of work's session, its commit held back
    wake: list[Callable[[], None]] = field(default_factory=list)

    async def reserve(self, session: AsyncSession) -> None:
        """Write the key (no answer yet) as the transaction's first statement; KeyTaken if it is not free."""
        where = self._where()
        await session.execute(delete(self.table).where(*where, self.table.c.expires_at < utcnow()))
        try:
            await session.execute(
                self.table.insert().values(
                    org_id=self.org_id,
                    user_id=self.user_id,
                    key=self.key,
                    fingerprint=self.fingerprint,
                    request=self.request[:300],
                    created_at=utcnow(),
                    expires_at=self.expires_at,
                )
            )
        except IntegrityError as exc:
            await session.rollback()
            raise KeyTaken(self.key) from exc

    def hold(self, session: AsyncSession, wake: Callable[[], None]) -> None:
        """The unit of work committed: keep its transaction open until the answer is stored with it."""
        self.session = session
        self.wake.append(wake)

    async def store(self, status: int, headers: dict[str, str], body: bytes) -> None:
        """Write the answer into the held transaction and commit effect, events, key and answer at once."""
        assert self.session is not None
        await self.session.execute(
            update(self.table)
            .where(*self._where())
            .values(status_code=status, headers=json.dumps(headers), body=body)
        )
        await self.session.commit()
        for wake in self.wake:
            wake()

    async def release(self) -> None:
        """Give up the held transaction: nothing of this request is kept."""
        session, self.session = self.session, None
        if session is not None:
            await session.rollback()
            await session.close()

    def _where(self) -> tuple[Any, ...]:
        c = self.table.c
        return (c.org_id == self.org_id, c.user_id == self.user_id, c.key == self.key)


_claim: ContextVar[Claim | None] = ContextVar("idempotency_claim", default=None)


def active_claim() -> Claim | None:
    """The key of the POST being served, if it carries one (the unit of work reserves and holds it)."""
    return _claim.get()


async def idempotency_refusal(request: Request) -> None:
    """Raise what the middleware decided about the key, inside the app so it is answered as a problem."""
    refusal = request.scope.get("state", {}).get(_REFUSAL)
    if refusal is not None:
        raise refusal


def fingerprint(method: str, path: str, query: str, body: bytes) -> str:
    """What makes two requests the same: method, path, query and the JSON body (key order ignored)."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = body
    digest = hashlib.sha256(f"{method} {path}?{query}\n".encode())
    digest.update(canonical)
    return digest.hexdigest()


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
            refusal = IdempotencyRefused(f"{HEADER} must be 1 to 255 visible ASCII characters")
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
        if await self._answered(scope, claim, sessions, body, send):
            return
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
        token = _claim.set(claim)
        try:
            await self.app(scope, _replaying(body), answer.send)
        except KeyTaken:  # a concurrent request with the key won; its answer is stored by now
            await claim.release()
            if not await self._answered(scope, claim, sessions, body, send):
                await self._refuse(
                    scope, body, send, IdempotencyInFlight("the request with this key is running")
                )
            return
        except BaseException:
            await claim.release()
            raise
        finally:
            _claim.reset(token)
        if claim.session is not None:
            try:
                if answer.status >= 500:
                    return await answer.replay(send)  # the effect is dropped with the failed answer
                await claim.store(answer.status, answer.kept_headers(), answer.body)
            except Exception as exc:
                log.error("storing the answer of %s failed: %s", claim.request, exc)
                refusal = AnswerNotStored("the database failed; nothing was changed, retry with the same key")
                return await self._refuse(scope, body, send, refusal)
            finally:
                await claim.release()
        await answer.replay(send)

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
                f"{HEADER} {claim.key[:64]} was used for another request ({row.request}); use a new key"
            )
        elif row.status_code is None:
            refusal = IdempotencyInFlight("the request with this key is still running; retry in a moment")
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
