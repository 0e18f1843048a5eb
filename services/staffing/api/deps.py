"""Dependencies the staffing routes share: who may call, and the service's settings."""

from typing import Annotated

from fastapi import Depends

from services.staffing.domain.qualification import Conditions
from services.staffing.settings import StaffingSettings
from shared.app import settings_of
from shared.auth import Principal, Role, require_roles

Settings = Annotated[StaffingSettings, Depends(settings_of(StaffingSettings))]


async def conditions(settings: Settings) -> Conditions:
    """R-Q1 conditions of this cooperative."""
    return Conditions(settings.qualification_min_years, settings.qualification_min_education)


QualificationConditions = Annotated[Conditions, Depends(conditions)]
HR = Annotated[Principal, Depends(require_roles(Role.HR, Role.ADMIN))]
Reader = Annotated[
    Principal, Depends(require_roles(Role.HR, Role.ADMIN, Role.SUPERVISOR, Role.MANAGEMENT, Role.AUDITOR))
]
AnyStaff = Annotated[
    Principal,
    Depends(require_roles(Role.HR, Role.ADMIN, Role.SUPERVISOR, Role.MANAGEMENT, Role.AUDITOR, Role.CM)),
]
# Any authenticated caller; the service decides per staff record (apply for oneself, HR for anyone).
AnyRole = Annotated[Principal, Depends(require_roles(*Role))]
