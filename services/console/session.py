"""Server-side sessions: the bearer token never leaves the console; the browser holds an opaque id.

A sign-in method (the dev picker, or OpenID Connect in services/console/oidc.py) produces a `Session`.
"""

import hmac
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass, field

COOKIE = "steward_session"
PRE_COOKIE = "steward_pre"
OIDC_COOKIE = "steward_oidc"  # binds a sign-in under way (state, nonce, PKCE verifier) to the browser


@dataclass
class Session:
    """A signed-in user: who, which roles, which cooperative, their token and CSRF secret."""

    token: str
    user_id: str
    roles: tuple[str, ...]
    org_id: str
    display_name: str
    expires_at: float
    id: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    method: str = "dev"
    refresh_token: str | None = None
    # OpenID Connect: when the access token expires (refreshed before then) and the ID token (logout hint).
    token_expires_at: float | None = None
    id_token: str | None = None
    flash: list[str] = field(default_factory=list)
    # Display data the pages reuse for a minute (CM names); never a decision.
    cache: dict[str, tuple[float, object]] = field(default_factory=dict)

    def has(self, *roles: str) -> bool:
        """True if the user holds one of the roles."""
        return any(r in self.roles for r in roles)

    @property
    def role(self) -> str:
        """The role the menu is built for (the first one)."""
        return self.roles[0] if self.roles else ""

    def csrf_ok(self, given: str | None) -> bool:
        """Constant-time check of a form's CSRF token."""
        return bool(given) and hmac.compare_digest(self.csrf, given or "")


class SessionStore:
    """Sessions in memory, bounded, expired on read; one replica's sessions (ADR 0006)."""

    def __init__(self, capacity: int = 10_000) -> None:
        self._capacity = capacity
        self._sessions: OrderedDict[str, Session] = OrderedDict()

    def add(self, session: Session) -> Session:
        """Keep a new session; the oldest goes when full."""
        while len(self._sessions) >= self._capacity:
            self._sessions.popitem(last=False)
        self._sessions[session.id] = session
        return session

    def get(self, session_id: str | None) -> Session | None:
        """The live session of this id, or None."""
        if not session_id:
            return None
        session = self._sessions.get(session_id)
        if session is None:
            return None
        if session.expires_at <= time.time():
            del self._sessions[session_id]
            return None
        return session

    def drop(self, session_id: str | None) -> None:
        """Sign out: forget the session and its token."""
        if session_id:
            self._sessions.pop(session_id, None)


def anonymous_csrf(secret: bytes, pre_id: str) -> str:
    """CSRF token of a form shown before sign-in, bound to the browser's pre-session cookie."""
    return hmac.new(secret, pre_id.encode(), "sha256").hexdigest()
