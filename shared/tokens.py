"""Bearer tokens: the roles and how a token is signed (light: `steward token` needs no web framework)."""

from collections.abc import Iterable
from datetime import timedelta
from enum import StrEnum
from typing import Any

import jwt

from shared.settings import ServiceSettings
from shared.timeutil import utcnow

ALGORITHM = "HS256"


class Role(StrEnum):
    """The roles of DESIGN.md."""

    CM = "cm"
    SUPERVISOR = "supervisor"
    HR = "hr"
    RISK = "risk"
    PRODUCT = "product"
    MANAGEMENT = "management"
    AUDITOR = "auditor"
    ADMIN = "admin"
    INTEGRATION = "integration"
    PLATFORM = "platform"  # the operator of the platform: cross-cooperative operations (ADR 0007)


def issue_token(
    settings: ServiceSettings,
    *,
    user_id: str,
    roles: Iterable[str],
    org_id: str,
    ttl: timedelta = timedelta(hours=8),
) -> str:
    """Sign a token for a user; used by `steward token` and by tests."""
    if ttl.total_seconds() > settings.jwt_max_lifetime_hours * 3600:
        raise ValueError(
            f"a token lives at most {settings.jwt_max_lifetime_hours:g} h (JWT_MAX_LIFETIME_HOURS)"
        )
    now = utcnow()
    claims: dict[str, Any] = {
        "sub": user_id,
        "roles": sorted({Role(r).value for r in roles}),
        "org_id": org_id,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "nbf": now,
        "exp": now + ttl,
    }
    return jwt.encode(claims, settings.jwt_key(), algorithm=ALGORITHM)
