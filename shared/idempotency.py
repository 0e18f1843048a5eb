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
from collections.abc import Callable
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

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
    update,
)
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shared.errors import DomainError
from shared.tables import UtcDateTime
from shared.timeutil import utcnow

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
TABLE = "idempotency_keys"


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
        """Write the key (no answer yet) as the transaction's first statement; KeyTaken if it is not free.

        A concurrent request with the same key waits here until the first commits (PostgreSQL's unique
        index, SQLite's single writer), then finds the key taken. An expired key is replaced.
        """
        row = {
            "org_id": self.org_id,
            "user_id": self.user_id,
            "key": self.key,
            "fingerprint": self.fingerprint,
            "request": self.request[:300],
            "created_at": utcnow(),
            "expires_at": self.expires_at,
        }
        for attempt in range(2):
            try:
                await session.execute(self.table.insert().values(**row))
                return
            except IntegrityError as exc:
                await session.rollback()
                if attempt == 0:
                    expired = delete(self.table).where(*self._where(), self.table.c.expires_at < utcnow())
                    if cast(CursorResult[Any], await session.execute(expired)).rowcount:
                        continue
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


def bind_claim(claim: Claim) -> Token[Claim | None]:
    """Make the claim the current request's (the middleware resets it with the token)."""
    return _claim.set(claim)


def active_claim() -> Claim | None:
    """The key of the POST being served, if it carries one (the unit of work reserves and holds it)."""
    return _claim.get()


def fingerprint(method: str, path: str, query: str, body: bytes) -> str:
    """What makes two requests the same: method, path, query and the JSON body (key order ignored)."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = body
    digest = hashlib.sha256(f"{method} {path}?{query}\n".encode())
    digest.update(canonical)
    return digest.hexdigest()
