"""Sign-in logins linked to CMs' manager records: HR sets them in staffing, the others project them.

A CM signs in with the identity provider's login (`zhang.san`); the services key everything a CM owns by
the manager id (`m-…`). Staffing keeps the link and publishes `staff.login-linked` on `staffing.offices`;
every service keeps a `login_links` table of the same shape, and `LoginLinks` turns a linked CM's
principal into one whose `user_id` is the manager id (the login stays in `login`). A CM whose login is
not linked keeps the login as the user id: the old "user id = manager id" convention (ADR 0007).
"""

import time
from collections.abc import Awaitable, Callable

from sqlalchemy import Column, MetaData, PrimaryKeyConstraint, String, Table, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.auth import Principal, Role
from shared.contracts.offices import StaffLoginLinked
from shared.envelope import Envelope
from shared.uow import UnitOfWork

CACHE_SECONDS = 5.0
CACHE_CAPACITY = 10_000


def define_login_links(metadata: MetaData) -> Table:
    """Add the `login_links` table: (cooperative, login) → manager id, one login per manager."""
    return Table(
        "login_links",
        metadata,
        Column("org_id", String(64), nullable=False),
        Column("login", String(128), nullable=False),
        Column("manager_id", String(64), nullable=False, index=True),
        PrimaryKeyConstraint("org_id", "login", name="pk_login_links"),
    )


async def link(session: AsyncSession, links: Table, org_id: str, login: str, manager_id: str) -> None:
    """The login now names the manager; the manager's earlier login and the login's earlier CM go."""
    await session.execute(
        delete(links).where(
            links.c.org_id == org_id, or_(links.c.login == login, links.c.manager_id == manager_id)
        )
    )
    await session.execute(links.insert().values(org_id=org_id, login=login, manager_id=manager_id))


def follow_links(links: Table) -> Callable[[UnitOfWork, Envelope, StaffLoginLinked], Awaitable[None]]:
    """A consumer handler keeping `links` as staffing last published them."""

    async def record_login_link(uow: UnitOfWork, envelope: Envelope, event: StaffLoginLinked) -> None:
        """Follow `staff.login-linked`."""
        await link(uow.session, links, envelope.org_id, event.login, event.manager_id)

    return record_login_link


class LoginLinks:
    """Resolves a CM's login to their manager id from a service's `login_links`, cached for a few seconds."""

    def __init__(self, links: Table, cache_seconds: float = CACHE_SECONDS) -> None:
        self._links = links
        self._seconds = cache_seconds
        self._known: dict[tuple[str, str], tuple[str | None, float]] = {}

    async def manager_of(
        self, sessions: async_sessionmaker[AsyncSession], org_id: str, login: str
    ) -> str | None:
        """The manager id linked to the login in the cooperative, or None."""
        now = time.monotonic()
        known = self._known.get((org_id, login))
        if known is not None and known[1] > now:
            return known[0]
        async with sessions() as session:
            manager: str | None = await session.scalar(
                select(self._links.c.manager_id).where(
                    self._links.c.org_id == org_id, self._links.c.login == login
                )
            )
        if len(self._known) >= CACHE_CAPACITY:
            self._known.clear()
        self._known[(org_id, login)] = (manager, now + self._seconds)
        return manager

    async def resolve(
        self, sessions: async_sessionmaker[AsyncSession] | None, caller: Principal
    ) -> Principal:
        """The caller as the manager their login is linked to (CMs only); unchanged when not linked."""
        if sessions is None or Role.CM not in caller.roles or caller.login is not None:
            return caller
        manager = await self.manager_of(sessions, caller.org_id, caller.user_id)
        if manager is None or manager == caller.user_id:
            return caller
        return caller.model_copy(update={"user_id": manager, "login": caller.user_id})
