"""A service's copy of each cooperative's settings as audit, their owner, publishes them (ADR 0012).

Audit publishes `audit.settings-changed` with the whole set of values and the moment they take effect;
a service that applies them keeps every version in a `cooperative_settings` table and judges an act by
the version in force at the act's date. A cooperative that never set anything has the contract's defaults.
"""

from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy import JSON, Column, MetaData, PrimaryKeyConstraint, String, Table, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.audit import CooperativeSettings, SettingsChanged
from shared.envelope import Envelope
from shared.tables import UtcDateTime
from shared.uow import UnitOfWork


def define_cooperative_settings(metadata: MetaData) -> Table:
    """Add the `cooperative_settings` table: (cooperative, in force from) → the values."""
    return Table(
        "cooperative_settings",
        metadata,
        Column("org_id", String(64), nullable=False),
        Column("effective_from", UtcDateTime(), nullable=False),
        Column("settings", JSON, nullable=False),
        PrimaryKeyConstraint("org_id", "effective_from", name="pk_cooperative_settings"),
    )


async def record(session: AsyncSession, table: Table, org_id: str, event: SettingsChanged) -> None:
    """Keep one version; the same version again replaces itself, so a redelivery changes nothing."""
    values = CooperativeSettings.model_validate(event.model_dump()).model_dump(mode="json")
    await session.execute(
        delete(table).where(table.c.org_id == org_id, table.c.effective_from == event.effective_from)
    )
    await session.execute(
        table.insert().values(org_id=org_id, effective_from=event.effective_from, settings=values)
    )


async def in_force(session: AsyncSession, table: Table, org_id: str, at: datetime) -> CooperativeSettings:
    """The settings in force at `at`: the latest version effective by then, else the defaults."""
    values = await session.scalar(
        select(table.c.settings)
        .where(table.c.org_id == org_id, table.c.effective_from <= at)
        .order_by(table.c.effective_from.desc())
        .limit(1)
    )
    return CooperativeSettings.model_validate(values) if values is not None else CooperativeSettings()


def follow_settings(table: Table) -> Callable[[UnitOfWork, Envelope, SettingsChanged], Awaitable[None]]:
    """A consumer handler keeping `table` as audit published the settings."""

    async def when_settings_changed_record_them(
        uow: UnitOfWork, envelope: Envelope, event: SettingsChanged
    ) -> None:
        """Follow `audit.settings-changed`."""
        await record(uow.session, table, envelope.org_id, event)

    return when_settings_changed_record_them
