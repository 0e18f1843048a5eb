"""The cooperative's compliance settings as the API reads them: in force now, and scheduled after."""

from sqlalchemy import select

from services.audit.domain import settings as rules
from services.audit.models import SettingsVersionRow
from services.audit.schemas import SettingsVersion, SettingsView
from shared.auth import Principal
from shared.timeutil import as_utc, utcnow
from shared.uow import UnitOfWork


def _version(row: SettingsVersionRow) -> SettingsVersion:
    return SettingsVersion.model_validate({**row.settings, "effective_from": as_utc(row.effective_from)})


async def get_config(uow: UnitOfWork, caller: Principal) -> SettingsView:
    """The version in force for the caller's cooperative and the ones scheduled after it."""
    now = utcnow()
    async with uow:
        rows = await uow.session.scalars(
            select(SettingsVersionRow).where(SettingsVersionRow.org_id == caller.org_id)
        )
        versions = [(as_utc(r.effective_from), _version(r)) for r in rows]
    in_force = rules.in_force_at(versions, now) or SettingsVersion()
    return SettingsView(**dict(in_force), scheduled=rules.scheduled_after(versions, now))
