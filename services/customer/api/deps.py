"""Dependencies the customer routes share."""

from decimal import Decimal
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncEngine

from services.customer.queries.files import MANAGE, READ_ALL
from services.customer.settings import CustomerSettings
from shared.app import settings_of
from shared.auth import Principal, Role, require_roles
from shared.runtime import Runtime

Settings = Annotated[CustomerSettings, Depends(settings_of(CustomerSettings))]


async def risk_threshold(settings: Settings) -> Decimal:
    """R-C1 threshold of this deployment."""
    return settings.senior_risk_threshold


RiskThreshold = Annotated[Decimal, Depends(risk_threshold)]
Reader = Annotated[Principal, Depends(require_roles(*READ_ALL, Role.CM))]
Writer = Annotated[Principal, Depends(require_roles(*MANAGE, Role.CM))]
Supervisor = Annotated[Principal, Depends(require_roles(*MANAGE))]
Operator = Annotated[Principal, Depends(require_roles(Role.SUPERVISOR, Role.ADMIN, Role.AUDITOR))]


async def get_engine(request: Request) -> AsyncEngine:
    """The service's database engine (its pool), for reads that need no unit of work."""
    runtime: Runtime = request.app.state.runtime
    assert runtime.engine is not None, "runtime not started"
    return runtime.engine


Database = Annotated[AsyncEngine, Depends(get_engine)]
