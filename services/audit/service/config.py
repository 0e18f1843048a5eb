"""Per-cooperative compliance settings (R-M2, R-M4, R-M5, R-I1): audit owns them and publishes each change."""

from typing import Any

from pydantic import ConfigDict

from services.audit.models import ComplianceConfigRow
from shared.auth import Principal
from shared.contracts.audit import CooperativeSettings, SettingsChanged
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


class ComplianceConfig(CooperativeSettings):
    """The settings as the API reads and writes them; a field left out of a write keeps its value."""

    model_config = ConfigDict(extra="forbid", frozen=True)


async def config_for(uow: UnitOfWork, org_id: str) -> ComplianceConfig:
    """The cooperative's settings inside an open unit of work (the defaults for what it has not set)."""
    row = await uow.session.get(ComplianceConfigRow, org_id)
    return ComplianceConfig.model_validate(row.settings) if row else ComplianceConfig()


async def get_config(uow: UnitOfWork, caller: Principal) -> ComplianceConfig:
    """The settings in force for the caller's cooperative."""
    async with uow:
        return await config_for(uow, caller.org_id)


async def set_config(uow: UnitOfWork, cmd: ComplianceConfig, caller: Principal) -> ComplianceConfig:
    """Change the cooperative's settings from now on and publish them whole (`audit.settings-changed`)."""
    async with uow:
        row = await uow.session.get(ComplianceConfigRow, caller.org_id)
        current = ComplianceConfig.model_validate(row.settings) if row else ComplianceConfig()
        merged = current.model_copy(update={name: getattr(cmd, name) for name in cmd.model_fields_set})
        values: dict[str, Any] = merged.model_dump(mode="json")
        now = utcnow()
        if row is None:
            uow.session.add(
                ComplianceConfigRow(
                    org_id=caller.org_id, settings=values, updated_by=caller.user_id, updated_at=now
                )
            )
        else:
            row.settings, row.updated_by, row.updated_at = values, caller.user_id, now
        uow.emit(
            "audit.settings-changed",
            key=caller.org_id,
            org_id=caller.org_id,
            payload=SettingsChanged(effective_from=now, **merged.model_dump()),
        )
        await uow.commit()
    return merged
