"""Per-cooperative compliance settings (R-M2, R-M4, R-M5, R-I1): audit owns, versions and publishes them.

A write applies from now or from a later day (`effective_from`); a rule reads the version in force at the date
it judges, and the sweep re-checks what a version changes on the day it takes effect (ADR 0012). Which
version is in force, and what a write changes, is decided in `services/audit/domain/settings.py`.
"""

from datetime import datetime

from sqlalchemy import select

from services.audit.domain import settings as rules
from services.audit.models import SettingsVersionRow
from services.audit.schemas import ComplianceConfig, SettingsVersion, SettingsWrite
from shared.auth import Principal, Role
from shared.contracts.audit import CooperativeSettings, SettingsChanged
from shared.timeutil import as_utc, utcnow
from shared.uow import UnitOfWork


async def config_for(uow: UnitOfWork, org_id: str, at: datetime | None = None) -> ComplianceConfig:
    """The settings in force at `at` (default now) inside an open unit of work; the defaults if none was."""
    rows = await uow.session.scalars(select(SettingsVersionRow).where(SettingsVersionRow.org_id == org_id))
    row = rules.in_force_at([(as_utc(r.effective_from), r) for r in rows], at or utcnow())
    return ComplianceConfig.model_validate(row.settings) if row else ComplianceConfig()


async def set_config(uow: UnitOfWork, cmd: SettingsWrite, caller: Principal) -> SettingsVersion:
    """Write a version over the one in force at its date and publish it whole (`audit.settings-changed`)."""
    now = utcnow()
    effective = rules.effective_moment(cmd.effective_from, now)
    async with uow:
        base = await config_for(uow, caller.org_id, effective)
        values = rules.merged(base.model_dump(), cmd.model_fields_set, cmd.model_dump())
        merged = ComplianceConfig.model_validate(values)
        row = await uow.session.get(SettingsVersionRow, (caller.org_id, effective))
        if row is None:
            row = SettingsVersionRow(org_id=caller.org_id, effective_from=effective)
            uow.session.add(row)
        row.settings, row.updated_by, row.updated_at = merged.model_dump(mode="json"), caller.user_id, now
        row.rechecked_at = None
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
