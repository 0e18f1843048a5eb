"""Dependencies the customer routes share."""

from decimal import Decimal
from typing import Annotated

from fastapi import Depends

from services.customer.service.common import MANAGE, READ_ALL
from services.customer.settings import CustomerSettings
from shared.app import settings_of
from shared.auth import Principal, Role, require_roles

Settings = Annotated[CustomerSettings, Depends(settings_of(CustomerSettings))]


async def risk_threshold(settings: Settings) -> Decimal:
    """R-C1 threshold of this deployment."""
    return settings.senior_risk_threshold


RiskThreshold = Annotated[Decimal, Depends(risk_threshold)]
Reader = Annotated[Principal, Depends(require_roles(*READ_ALL, Role.CM))]
Writer = Annotated[Principal, Depends(require_roles(*MANAGE, Role.CM))]
Supervisor = Annotated[Principal, Depends(require_roles(*MANAGE))]
Operator = Annotated[Principal, Depends(require_roles(Role.SUPERVISOR, Role.ADMIN, Role.AUDITOR))]
