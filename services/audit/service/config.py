"""Per-cooperative compliance settings (R-M2, R-M4, R-M5, R-I1): audit owns, versions and publishes them.

A write applies from now or from a later day (`effective_from`); a rule reads the version in force at the date
it judges, and the sweep re-checks what a version changes on the day it takes effect (ADR 0012).
"""

from datetime import date, datetime
from typing import Any

from pydantic import ConfigDict, Field
from sqlalchemy import select

from services.audit.domain.settings import MAX_DAYS_AHEAD, effective_moment
from services.audit.models import SettingsVersionRow
from shared.auth import Principal, Role
from shared.contracts.audit import CooperativeSettings, SettingsChanged
from shared.timeutil import as_utc, utcnow
from shared.uow import UnitOfWork


class ComplianceConfig(CooperativeSettings):
    """The settings as the API reads and writes them; a field left out of a write keeps its value."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class SettingsWrite(ComplianceConfig):
    """A change of the settings, from now or from a later day."""

    effective_from: date | None = Field(
        default=None,
        examples=["2027-01-01"],
        description=f"the day the values take effect (today to {MAX_DAYS_AHEAD} days ahead); left out: now",
    )
    # GET's own body may be sent back with a field changed (read, modify, write): what GET lists as
    # scheduled is read-only and ignored here.
    scheduled: list["SettingsVersion"] | None = Field(
        default=None, description="read-only (as GET shows it); ignored on a write"
    )


class SettingsVersion(ComplianceConfig):
    """One version of the settings and the moment it takes effect (null: the defaults, never set)."""

    effective_from: datetime | None = Field(
        default=None,
        examples=["2027-01-01T00:00:00Z"],
        description="the moment these values take effect (UTC); null: the defaults, never set",
    )


class SettingsView(SettingsVersion):
    """The version in force now, and the versions scheduled to take effect later."""

    scheduled: list[SettingsVersion] = Field(default_factory=list)


SettingsWrite.model_rebuild()


def _version(row: SettingsVersionRow) -> SettingsVersion:
    return SettingsVersion.model_validate({**row.settings, "effective_from": as_utc(row.effective_from)})


async def _row_in_force(uow: UnitOfWork, org_id: str, at: datetime) -> SettingsVersionRow | None:
    return await uow.session.scalar(
        select(SettingsVersionRow)
        .where(SettingsVersionRow.org_id == org_id, SettingsVersionRow.effective_from <= at)
        .order_by(SettingsVersionRow.effective_from.desc())
        .limit(1)
    )


async def config_for(uow: UnitOfWork, org_id: str, at: datetime | None = None) -> ComplianceConfig:
    """The settings in force at `at` (default now) inside an open unit of work; the defaults if none was."""
    row = await _row_in_force(uow, org_id, at or utcnow())
    return ComplianceConfig.model_validate(row.settings) if row else ComplianceConfig()


async def get_config(uow: UnitOfWork, caller: Principal) -> SettingsView:
    """The version in force for the caller's cooperative and the ones scheduled after it."""
    now = utcnow()
    async with uow:
        current = await _row_in_force(uow, caller.org_id, now)
        later = await uow.session.scalars(
            select(SettingsVersionRow)
            .where(SettingsVersionRow.org_id == caller.org_id, SettingsVersionRow.effective_from > now)
            .order_by(SettingsVersionRow.effective_from)
        )
        in_force = _version(current) if current else SettingsVersion()
        return SettingsView(**dict(in_force), scheduled=[_version(r) for r in later])


async def set_config(uow: UnitOfWork, cmd: SettingsWrite, caller: Principal) -> SettingsVersion:
    """Write a version over the one in force at its date and publish it whole (`audit.settings-changed`)."""
    now = utcnow()
    effective = effective_moment(cmd.effective_from, now)
    async with uow:
        base = await config_for(uow, caller.org_id, effective)
        written = cmd.model_fields_set - {"effective_from", "scheduled"}
        changed = {name: getattr(cmd, name) for name in written}
        merged = base.model_copy(update=changed)
        values: dict[str, Any] = merged.model_dump(mode="json")
        row = await uow.session.get(SettingsVersionRow, (caller.org_id, effective))
        if row is None:
            row = SettingsVersionRow(org_id=caller.org_id, effective_from=effective)
            uow.session.add(row)
        row.settings, row.updated_by, row.updated_at, row.rechecked_at = values, caller.user_id, now, None
        _publish(uow, caller.org_id, effective, merged)
        await uow.commit()
    return SettingsVersion(**dict(merged), effective_from=effective)


def _publish(uow: UnitOfWork, org_id: str, effective: datetime, values: CooperativeSettings) -> None:
    uow.emit(
        "audit.settings-changed",
        key=org_id,
        org_id=org_id,
        payload=SettingsChanged(effective_from=effective, **values.model_dump()),
    )


async def republish(uow: UnitOfWork, caller: Principal) -> int:
    """Publish every stored version again: the caller's cooperative, or all of them (platform)."""
    query = select(SettingsVersionRow).order_by(SettingsVersionRow.org_id, SettingsVersionRow.effective_from)
    if not caller.has_any((Role.PLATFORM,)):
        query = query.where(SettingsVersionRow.org_id == caller.org_id)
    async with uow:
        rows = list(await uow.session.scalars(query))
        for row in rows:
            values = ComplianceConfig.model_validate(row.settings)
            _publish(uow, row.org_id, as_utc(row.effective_from), values)
        await uow.commit()
    return len(rows)
