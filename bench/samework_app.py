"""Benchmark 5's fair limit: the same work as `GET /customers/{id}`, by hand (FastAPI + asyncpg).

It verifies the same bearer token (PyJWT, HS256, issuer, audience, required claims; a verified token
is remembered until it expires, as the service's `VerifiedTokens` does), checks the caller's
cooperative, reads the customer row and its assignments in one statement, and answers the same
fields as JSON. No ORM, no pydantic, no middleware. Settings come from the environment:
`SAMEWORK_DATABASE_URL` (a plain postgresql:// URL), `SAMEWORK_JWT_SECRET`, `SAMEWORK_POOL_SIZE`.
"""

import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

import asyncpg
import jwt
from fastapi import FastAPI, Header, HTTPException

SECRET = os.environ.get("SAMEWORK_JWT_SECRET", "")
VERIFIED: dict[str, tuple[float, dict[str, Any]]] = {}
QUERY = """
SELECT c.*, a.id AS a_id, a.manager_id, a.role, a.share, a.valid_from, a.valid_to
  FROM customers c LEFT JOIN assignments a ON a.customer_id = c.id
 WHERE c.id = $1 AND c.org_id = $2
"""
ASSIGNMENT = ("a_id", "manager_id", "role", "share", "valid_from", "valid_to")
pool: asyncpg.Pool | None = None


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    """Open the pool."""
    global pool
    size = int(os.environ.get("SAMEWORK_POOL_SIZE", "16"))
    pool = await asyncpg.create_pool(os.environ["SAMEWORK_DATABASE_URL"], min_size=size, max_size=size)
    yield
    await pool.close()


app = FastAPI(lifespan=lifespan)


def _claims(authorization: str | None) -> dict[str, Any]:
    if not authorization or not authorization.startswith("Bearer "):
        raise HTTPException(401)
    token = authorization[7:]
    known = VERIFIED.get(token)
    if known is not None and known[0] > time.time():
        return known[1]
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            SECRET,
            algorithms=["HS256"],
            audience="steward",
            issuer="steward",
            options={"require": ["exp", "iat", "nbf", "sub", "iss", "aud"]},
        )
    except jwt.PyJWTError as exc:
        raise HTTPException(401) from exc
    VERIFIED[token] = (float(claims["exp"]), claims)
    return claims


FEN = ("deposit_balance", "loan_balance", "overdue_balance", "share")


def _json(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in FEN:  # stored in fen, answered as a decimal string
        return format(Decimal(value).scaleb(-2), "f")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@app.get("/customers/{customer_id}")
async def get_customer(customer_id: str, authorization: str | None = Header(default=None)) -> dict[str, Any]:
    """Token, cooperative, one statement, the row and its assignments as JSON."""
    claims = _claims(authorization)
    assert pool is not None
    async with pool.acquire() as conn:
        rows = await conn.fetch(QUERY, customer_id, claims["org_id"])
    if not rows:
        raise HTTPException(404)
    body = {k: _json(k, v) for k, v in rows[0].items() if k not in ASSIGNMENT}
    body["assignments"] = [
        {k: _json(k, row[k]) for k in ASSIGNMENT} for row in rows if row["a_id"] is not None
    ]
    return body
